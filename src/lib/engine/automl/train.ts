/**
 * The AutoML run: a table and a target in, a model artifact out, within a wall-clock budget.
 *
 *   target → task and metric → validation folds → per fold, features learned on its training rows only →
 *   trials (searcher suggests, every fold fits, boosting's folds cut at their shared best round, out-of-fold
 *   predictions scored) → greedy ensemble of the best trials → calibration and decision threshold → artifact.
 *
 * A trial's folds fit in parallel; with a single holdout (one fit a trial) two trials are in flight instead.
 *
 * With k folds, fold models are kept rather than refitted on all rows: a refit would cost another full fit per
 * member at the end of the budget, while averaging k fold models is a bagged model that is usually as good or
 * better; forests, already bagged, are refitted in the time the search leaves at its end when they fit in it.
 * With a single holdout, the members are refitted on every row when the time allows (refit.ts): the search stops
 * early enough to leave that time.
 */
import type { DataFrame } from '../frame/types';
import type { Task } from '../prep/target';
import {
	ARTIFACT_FORMAT,
	ARTIFACT_VERSION,
	type ArtifactMember,
	type LeaderboardEntry,
	type ModelArtifact
} from './artifact';
import { applyCalibration, chooseThreshold, fitCalibration, selfCalibrated } from './calibration';
import { blend, selectEnsemble, type EnsembleSelection } from './ensemble';
import { familyByName, selectFamilies, type ModelFamily, type Params } from './families';
import { outOfFoldPredictions } from './out-of-fold';
import { AutoMLError, foldSetsOf, foldsFingerprint, prepareTraining } from './prepare';
import { refitFits, refitMembers, refitPays, refitReserveSeconds, refitSeconds, refitsMember } from './refit';
import { allScores, type Metric } from './scoring';
import { LocalSearch, type Suggestion } from './search';
import { stopFoldsTogether } from './shared-stopping';
import type { FoldOutcome } from './fold-fit';
import { inThreadRunner, workerThreadRunner, type RunnerSetup, type TrialRunner } from './trial-runner';
import { targetWarnings } from './warnings';
import { explainModel } from '../explain/explain';
import type { HeldOutData } from '../explain/held-out';
import { describeInputs } from '../serve/input-schema';

export interface AutoMLOptions {
	target: string;
	task?: Task | 'auto';
	metric?: string;
	timeLimitSeconds: number;
	seed?: number;
	/** Model families to search (all when absent). */
	models?: string[];
	/** Columns that are not features. */
	exclude?: string[];
	/** Rows sharing a value of this column stay in one fold. */
	groupColumn?: string;
	/** Validate on the future: folds ordered by this column. */
	timeColumn?: string;
	/**
	 * Seconds for explanations after training (importance, dependence, evaluation curves, contributions), stored
	 * in `artifact.explanations`; 0 or absent: none. They come on top of `timeLimitSeconds`.
	 */
	explainSeconds?: number;
	/** Stop after this many trials even with time left (tests; reproducible runs). */
	maxTrials?: number;
	/** Fit a trial's folds on this many worker threads (1: in this thread). Results do not depend on it. */
	threads?: number;
	/**
	 * Where folds are fitted, instead of the default (this thread, or `threads` worker threads). A server worker
	 * passes one that never fits on its main thread, so its heartbeat keeps beating through long fits, and that
	 * hands folds to other idle workers.
	 */
	runner?: (setup: RunnerSetup) => TrialRunner;
	signal?: AbortSignal;
	onProgress?: (event: ProgressEvent) => void;
	/** Injected clock (tests). */
	now?: () => number;
}

export { AutoMLError };

export type ProgressEvent =
	| {
			type: 'plan';
			task: Task;
			metric: string;
			validation: string;
			rows: number;
			features: number;
			reason: string;
	  }
	| { type: 'trial-started'; trial: number; family: string; params: Params }
	| {
			type: 'trial-finished';
			trial: number;
			family: string;
			params: Params;
			score: number;
			seconds: number;
			best: number;
			detail: string;
	  }
	| { type: 'ensemble'; score: number; members: number }
	| { type: 'explaining'; seconds: number }
	| { type: 'warning'; message: string };

/**
 * Trials in flight when a trial is one holdout fit: the search suggests the next before it has heard the last, so
 * a second thread has a trial to fit. (With k folds a trial's folds already fill the threads, and the search
 * hears every result before it suggests again.)
 */
const HOLDOUT_TRIALS_IN_FLIGHT = 2;

interface Running {
	suggestion: Suggestion;
	number: number;
	started: number;
	/** When its folds were all fitted (it may be heard later, after an older trial). */
	finished: number;
	outcomes: Promise<FoldOutcome[] | null>;
}

interface TrialResult {
	entry: LeaderboardEntry;
	oof: Float64Array;
	models: unknown[];
	family: ModelFamily;
	/**
	 * Seconds a refit of it on every row is expected to take on one thread: its fold fit's, times the share of that
	 * work a refit repeats, scaled to all rows.
	 */
	refitWork: number;
}

/**
 * The trials the ensemble may draw on: the 10 best overall and each family's 3 best, so a family that trails
 * slightly still offers the diversity that makes blending pay. Only these keep their fitted models.
 */
function ensembleCandidates(results: TrialResult[], metric: Metric): Set<TrialResult> {
	const scoredResults = results.filter((r) => !Number.isNaN(r.entry.score));
	const byScore = [...scoredResults].sort((a, b) =>
		metric.higherIsBetter ? b.entry.score - a.entry.score : a.entry.score - b.entry.score
	);
	const keep = new Set(byScore.slice(0, 10));
	const perFamily = new Map<string, number>();
	for (const r of byScore) {
		const count = perFamily.get(r.family.name) ?? 0;
		if (count < 3) keep.add(r);
		perFamily.set(r.family.name, count + 1);
	}
	return keep;
}

/** Runs the search and returns the artifact. Throws AutoMLError/TargetError with a one-line reason. */
export async function trainAutoML(input: DataFrame, options: AutoMLOptions): Promise<ModelArtifact> {
	const now = options.now ?? Date.now;
	const started = now();
	const seed = options.seed ?? 0;
	const limitMs = Math.max(1, options.timeLimitSeconds) * 1000;
	// Keep a slice of the budget for ensembling, calibration and writing the artifact.
	const deadline = started + limitMs - Math.min(5000, limitMs * 0.1);
	const emit = (event: ProgressEvent) => options.onProgress?.(event);

	const prepared = prepareTraining(input, options);
	const { target, task, metric, frame, featureFrame, y, classCount, width, plan, folds, scoredRows } =
		prepared;
	const warnings = targetWarnings(featureFrame, y, target);
	for (const message of warnings) emit({ type: 'warning', message });
	const scoredY = Float64Array.from(scoredRows, (i) => y[i]);
	const positionOf = new Int32Array(frame.rowCount).fill(-1);
	scoredRows.forEach((row, position) => (positionOf[row] = position));
	const oofRows = { folds, positionOf, scoredCount: scoredRows.length, width };
	const poolOutOfBag = (plan.kind === 'stratified' || plan.kind === 'kfold') && folds.length > 1;

	emit({
		type: 'plan',
		task,
		metric: metric.name,
		validation: plan.description,
		rows: frame.rowCount,
		features: folds[0].encoder.features.length,
		reason: target.reason
	});

	const families = selectFamilies(options.models).filter((f) => f.supports(task, frame.rowCount));
	const search = new LocalSearch(
		families,
		frame.rowCount,
		task,
		folds[0].encoder.features.length,
		seed,
		metric.higherIsBetter
	);
	const results: TrialResult[] = [];
	let best = NaN;
	/** Trials suggested, and trials started (which numbers them). */
	let suggestions = 0;
	let trial = 0;
	// With a holdout, the search leaves time to refit the best trial (and smaller members) on every row, up to
	// half the budget; when refitting the best trial alone would take more than that, the search goes on and the
	// refit is skipped. So does a search that finds its ensemble cannot be refitted in the time it left.
	const holdout = refitPays(prepared);
	const refitThreads = Math.max(1, options.threads ?? 1);
	const refitEnd = started + limitMs - Math.min(1000, limitMs * 0.02);
	let reserveForRefit = holdout;
	const refitReserve = () => {
		if (!reserveForRefit || Number.isNaN(best)) return 0;
		const leader = results.find((r) => r.entry.score === best)!;
		if (refitSeconds([leader.refitWork], refitThreads) * 1000 > limitMs * 0.5) return 0;
		return Math.min(limitMs * 0.5, refitReserveSeconds(leader.refitWork, refitThreads) * 1000);
	};
	/** When trials must stop starting (and running ones must end). */
	const searchEnd = () => deadline - refitReserve();

	const usableOf = (all: TrialResult[]) =>
		all.filter((r) => r.models.length > 0 && !Number.isNaN(r.entry.score));
	// Judged on log loss, the selection sees each trial's predictions as calibrated on their own: the blend is
	// calibrated before use, so a forest's timid but well-ordered votes count for what they are worth sharpened.
	// The members are then blended raw, and the blend calibrated, as with any metric.
	const selectionView = (oof: Float64Array) =>
		metric.name === 'logloss' ? selfCalibrated(scoredY, oof, classCount) : oof;
	/** The greedy ensemble of the trials so far that kept their models. */
	const selectFrom = (all: TrialResult[]) =>
		selectEnsemble(
			usableOf(all).map((r) => ({ trial: r.entry.trial, oof: selectionView(r.oof) })),
			scoredY,
			metric,
			classCount
		);
	const resultOf = (t: number) => results.find((r) => r.entry.trial === t)!;
	/** The chosen trials that would be refitted on every row, and each one's refit seconds on one thread. */
	const refitsOf = (chosen: { trial: number }[]) => {
		const trials = chosen.map(({ trial: t }) => t).filter((t) => refitsMember(prepared, resultOf(t).family));
		return { trials, seconds: trials.map((t) => resultOf(t).refitWork) };
	};
	// A fold fit's time scaled to a fit on every row.
	const allRowsScale = frame.rowCount / Math.max(1, folds[0].trainRows.length);

	const foldSets = foldSetsOf(prepared);
	// A holdout is one fit a trial: more trials are in flight, so other threads have work.
	const inFlight = folds.length === 1 ? HOLDOUT_TRIALS_IN_FLIGHT : 1;
	const threads = Math.max(1, Math.min(options.threads ?? 1, folds.length * inFlight));
	const runner = options.runner
		? options.runner({
				folds: foldSets,
				threads,
				signal: options.signal,
				fingerprint: () => foldsFingerprint(prepared)
			})
		: threads > 1
			? workerThreadRunner(foldSets, threads, options.signal)
			: inThreadRunner(foldSets, options.signal);

	const mayStart = () =>
		!options.signal?.aborted &&
		now() < searchEnd() &&
		(options.maxTrials === undefined || suggestions < options.maxTrials);
	/** Starts a suggested trial's folds now; resolves to their outcomes, or null once the run is cancelled. */
	const start = (suggestion: Suggestion, number: number): Running => {
		const { family, params } = suggestion;
		emit({ type: 'trial-started', trial: number, family: family.name, params });
		const trialStarted = now();
		// A trial may use up to 40% of what is left (all of it for the very first); its folds run in waves as
		// wide as the runner's threads (helpers included), each wave with an equal share.
		const remaining = searchEnd() - trialStarted;
		const trialBudget = number === 0 ? remaining : Math.max(remaining * 0.4, Math.min(remaining, 2000));
		const waveWidth = Math.max(1, Math.min(runner.threads, folds.length));
		const waves = Math.ceil(folds.length / waveWidth);
		const outcomes = Promise.all(
			folds.map((_, f) =>
				runner.run({
					family: family.name,
					params,
					fold: f,
					deadline: trialStarted + (trialBudget * (Math.floor(f / waveWidth) + 1)) / waves,
					seed: seed + f,
					foldCount: folds.length
				})
			)
		).then(
			(fits) => {
				record.finished = now();
				return fits;
			},
			(err: Error) => {
				if (options.signal?.aborted) return null;
				throw err;
			}
		);
		const record: Running = { suggestion, number, started: trialStarted, finished: NaN, outcomes };
		return record;
	};

	// Trials are suggested in order and their results heard in order: trial t is suggested once every trial up to
	// t − inFlight has been scored, however many of them ran at once, so the search (and so the leaderboard and
	// model) does not depend on the thread count. Suggested trials wait until a thread is free to start.
	const suggested: Suggestion[] = [];
	const running: Running[] = [];
	/** Runs trials until none may start and every started one is heard (or the run is cancelled). */
	const searchUntilDone = async () => {
		for (;;) {
			while (suggested.length + running.length < inFlight && mayStart()) {
				const suggestion = search.suggest();
				if (!suggestion) break; // none until a running trial is heard (or ever, when nothing runs)
				suggested.push(suggestion);
				suggestions++;
			}
			const trialsAtOnce = Math.max(1, Math.floor(runner.threads / folds.length));
			while (running.length < trialsAtOnce && suggested.length > 0 && !options.signal?.aborted) {
				const next = suggested.shift()!;
				// A suggested trial that can no longer start in time is dropped.
				if (now() >= searchEnd()) continue;
				running.push(start(next, trial++));
			}
			const oldest = running.shift();
			if (!oldest) break;
			const outcomes = await oldest.outcomes;
			if (!outcomes || options.signal?.aborted) break;
			const { suggestion, number } = oldest;
			const { family, params } = suggestion;
			const fitted = stopFoldsTogether(family, outcomes, foldSets);
			const oof = outOfFoldPredictions(fitted, oofRows, poolOutOfBag);
			const score = metric.score(scoredY, oof, classCount);
			const seconds = (oldest.finished - oldest.started) / 1000;
			// The folds ran in waves as wide as the threads; one fold's fit took about a wave's time.
			const foldSeconds = seconds / Math.ceil(folds.length / Math.min(runner.threads, folds.length));
			search.onTrialComplete(suggestion, score);
			const entry: LeaderboardEntry = {
				trial: number,
				family: family.name,
				label: family.label,
				params,
				score,
				seconds,
				detail: fitted[0].detail,
				weight: 0
			};
			results.push({
				entry,
				oof,
				models: fitted.map((o) => o.model),
				family,
				refitWork: foldSeconds * (fitted[0].refitShare ?? 1) * allRowsScale
			});
			if (Number.isNaN(best) || (metric.higherIsBetter ? score > best : score < best)) best = score;
			emit({
				type: 'trial-finished',
				trial: number,
				family: family.name,
				params,
				score,
				seconds,
				best,
				detail: entry.detail
			});
			// Memory: only the best trials keep their models.
			const keep = ensembleCandidates(results, metric);
			for (const r of results) if (!keep.has(r)) r.models = [];
		}
	};
	/** The ensemble chosen after the search, when the check below already chose it and no trial came since. */
	let chosen: EnsembleSelection | null = null;
	try {
		await searchUntilDone();
		if (reserveForRefit && !options.signal?.aborted && usableOf(results).length > 0) {
			// The reserve was sized from the leading trial; when the ensemble it leads turns out too slow to
			// refit in the time left, that time goes to the search instead.
			chosen = selectFrom(results);
			if (!refitFits(refitsOf(chosen.weights).seconds, { end: refitEnd, now, threads: refitThreads })) {
				reserveForRefit = false;
				chosen = null;
				await searchUntilDone();
			}
		}
	} finally {
		// Trials still running when the run stops (cancelled, or another failed) are not waited for.
		for (const r of running) r.outcomes.catch(() => {});
		await runner.close();
	}
	if (options.signal?.aborted) throw new AutoMLError('The run was cancelled.');
	const usable = usableOf(results);
	if (usable.length === 0)
		throw new AutoMLError('No model could be trained within the time limit; give it more time.');
	const selection = chosen ?? selectFrom(results);
	emit({ type: 'ensemble', score: selection.score, members: selection.weights.length });
	const members: ArtifactMember[] = selection.weights.map(({ trial: t, weight }) => {
		const result = usable.find((r) => r.entry.trial === t)!;
		result.entry.weight = weight;
		return {
			trial: t,
			family: result.family.name,
			params: result.entry.params,
			weight,
			models: result.models
		};
	});
	const refitting = refitsOf(members);
	const refitted = members.map((m) => refitting.trials.includes(m.trial));
	const refit =
		refitting.trials.length > 0
			? await refitMembers(
					prepared,
					members.filter((_, m) => refitted[m]),
					refitting.seconds,
					{ end: refitEnd, now, seed, threads: refitThreads, signal: options.signal }
				)
			: null;
	if (options.signal?.aborted) throw new AutoMLError('The run was cancelled.');
	const ensembleOof = blend(
		selection.weights.map(({ trial: t }) => usable.find((r) => r.entry.trial === t)!.oof),
		selection.weights.map((w) => w.weight)
	);
	const calibration = task === 'regression' ? null : fitCalibration(scoredY, ensembleOof, classCount);
	const finalOof = task === 'regression' ? ensembleOof : applyCalibration(calibration, ensembleOof, width);
	const threshold = task === 'binary' ? chooseThreshold(metric, scoredY, finalOof) : 0.5;

	const leaderboard = results
		.map((r) => r.entry)
		.sort((a, b) => (metric.higherIsBetter ? b.score - a.score : a.score - b.score) || a.trial - b.trial);
	const artifact: ModelArtifact = {
		format: ARTIFACT_FORMAT,
		version: ARTIFACT_VERSION,
		createdAt: new Date(started).toISOString(),
		task,
		target,
		metric: metric.name,
		inputColumns: featureFrame.columns.map((c) => ({ name: c.name, type: c.type })),
		inputSchema: describeInputs(featureFrame),
		foldEncoders: folds.map((f) => f.encoder),
		members,
		calibration,
		threshold,
		validation: {
			description: validationWords(plan.description, members, refitted, refit, frame.rowCount),
			folds: folds.length,
			rows: scoredRows.length
		},
		metrics: allScores(task, scoredY, finalOof, classCount, threshold),
		leaderboard,
		warnings,
		training: {
			rows: frame.rowCount,
			droppedRows: input.rowCount - frame.rowCount,
			seconds: (now() - started) / 1000,
			seed,
			timeLimitSeconds: options.timeLimitSeconds,
			trials: results.length
		}
	};
	if (options.explainSeconds && options.explainSeconds > 0) {
		emit({ type: 'explaining', seconds: options.explainSeconds });
		// Each row's held-out fold: the first fold that validated it.
		const heldOutFold = new Int32Array(frame.rowCount).fill(-1);
		folds.forEach((fold, f) => {
			for (const row of fold.validRows) if (heldOutFold[row] < 0) heldOutFold[row] = f;
		});
		const heldOut: HeldOutData = { frame: featureFrame, y, fold: heldOutFold, scoredRows, oof: finalOof };
		artifact.explanations = await explainModel(artifact, heldOut, {
			deadline: now() + options.explainSeconds * 1000,
			seed,
			now,
			signal: options.signal
		});
	}
	if (refit && 'models' in refit) {
		// Explanations above describe the validated models on rows they never saw; predictions come from the refit.
		artifact.refitEncoder = refit.encoder;
		let next = 0;
		artifact.members = members.map((member, m) =>
			refitted[m] ? { ...member, refitted: true, models: [refit.models[next++]] } : member
		);
	}
	return artifact;
}

/** The validation's description, with what became of the refit. */
function validationWords(
	plan: string,
	members: ArtifactMember[],
	refitted: boolean[],
	refit: Awaited<ReturnType<typeof refitMembers>> | null,
	rows: number
): string {
	if (!refit) return plan;
	const labels = new Set(members.filter((_, m) => refitted[m]).map((m) => familyByName(m.family).label));
	const count = refitted.filter(Boolean).length;
	const which = refitted.every(Boolean)
		? "the ensemble's members"
		: `the ensemble's ${[...labels].join(' and ').toLowerCase()} ${count === 1 ? 'member' : 'members'}`;
	if ('skipped' in refit) return `${plan}; ${which} not refitted on all rows (${refit.skipped})`;
	return `${plan}; ${which} then refitted on all ${rows.toLocaleString('en-US')} rows`;
}
