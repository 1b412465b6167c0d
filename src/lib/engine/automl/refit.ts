/**
 * Refitting ensemble members on every row.
 *
 * With a single holdout (large tables, or many classes: folds.ts) each member is one model that never saw a fifth
 * of the rows; fitting it again on all of them, with the settings the holdout chose (the rounds early stopping
 * found), gives it 25% more data for one more fit per member. Every member that can be refitted is.
 *
 * With k folds, each member is k fold models that together saw every row, averaged: a bagged model, kept for
 * boosting, linear models and the rest. Forests are the exception (`refitBeatsFolds`): their trees already average
 * bootstraps, so their fold models only see fewer rows, and one forest grown on every row predicts better
 * (BostonHousing2, scikit-learn's forest on bench.py's splits, test RMSE of five fold forests averaged against one
 * on all rows: 4.19 → 3.98, 3.01 → 2.88, 2.93 → 2.82 on seeds 0–2). They are refitted in the time the search
 * leaves at its end, when they fit in it.
 *
 * A refitted member's one model reads features from an encoder learned on every row (`refitEncoder` in the
 * artifact). The out-of-fold scores stay the reported ones: an honest estimate of models trained on fewer rows.
 * A refit happens only when the members' fits, scaled to all rows and scheduled on the threads, fit in the time
 * left; a refit that runs past `end` is dropped and the validated models are kept.
 */
import type { DataFrame } from '../frame/types';
import { encodeFeatures, fitEncoder, type FeatureEncoder } from '../prep/encoder';
import type { ArtifactMember } from './artifact';
import { familyByName, type ModelFamily, type TrainingSet } from './families';
import type { PreparedTraining } from './prepare';
import { workerThreadRunner } from './trial-runner';

/** A margin for noise over a refit's expected time. */
const REFIT_MARGIN = 1.1;
/**
 * The search's reserve over the leading trial's refit time, for the smaller members that join it: on one thread
 * they refit after it, on more they mostly refit beside it.
 */
const RESERVE_FACTOR = { oneThread: 1.5, threads: 1.2 };

export interface Refit {
	encoder: FeatureEncoder;
	/** Per refitted member, its one model fitted on every row (saved form). */
	models: unknown[];
}

/**
 * Whether `prepared`'s validation is a single holdout, where a refit of every member on all rows pays (so the
 * search leaves time for it).
 */
export function refitPays(prepared: PreparedTraining): boolean {
	return prepared.plan.kind === 'holdout' && prepared.folds.length === 1;
}

/** Whether a member of `family` is refitted on every row after `prepared`'s validation. */
export function refitsMember(prepared: PreparedTraining, family: ModelFamily): boolean {
	if (!family.refitParams) return false;
	return refitPays(prepared) || (prepared.folds.length > 1 && family.refitBeatsFolds === true);
}

/**
 * The order members are refitted in: longest refit first, so the short ones fill the other threads around it
 * (indices into `seconds`).
 */
function refitOrder(seconds: number[]): number[] {
	return seconds.map((_, i) => i).sort((a, b) => seconds[b] - seconds[a] || a - b);
}

/**
 * Seconds a refit of members is expected to take on `threads` threads, when `seconds` are each one's refit on one
 * thread (`refitWork` in train.ts: the part of a validated fit a refit repeats, scaled to all rows), taken in
 * `refitOrder` by whichever thread is free first (as the runner does), with a margin.
 */
export function refitSeconds(seconds: number[], threads: number): number {
	const busyUntil = new Array<number>(Math.max(1, Math.min(threads, seconds.length))).fill(0);
	for (const m of refitOrder(seconds)) {
		const first = busyUntil.indexOf(Math.min(...busyUntil));
		busyUntil[first] += seconds[m] * REFIT_MARGIN;
	}
	return Math.max(0, ...busyUntil);
}

/** Seconds the search leaves for the refit, when its best trial's refit takes `leaderSeconds` on one thread. */
export function refitReserveSeconds(leaderSeconds: number, threads: number): number {
	const factor = threads > 1 ? RESERVE_FACTOR.threads : RESERVE_FACTOR.oneThread;
	return refitSeconds([leaderSeconds], threads) * factor;
}

function allRows(prepared: PreparedTraining, encoder: FeatureEncoder, frame: DataFrame): TrainingSet {
	return {
		features: encodeFeatures(encoder, frame).features,
		y: prepared.y,
		categorical: Uint8Array.from(encoder.features, (f) => (f.categorical ? 1 : 0)),
		task: prepared.task,
		classCount: prepared.classCount
	};
}

/** Whether members whose refits take `memberSeconds` each on one thread are expected to finish by `end`. */
export function refitFits(
	memberSeconds: number[],
	options: { end: number; now: () => number; threads: number }
): boolean {
	return options.now() + refitSeconds(memberSeconds, options.threads) * 1000 <= options.end;
}

/**
 * Fits each of `members` (all refittable: `refitsMember`) again on every row, or says why it did not:
 * `memberSeconds` are their refits' expected seconds on one thread, `end` the time by which it must be done. The
 * fits run on worker threads (up to `threads` at once, longest first), so this thread stays free (a server
 * worker keeps heart-beating through them).
 */
export async function refitMembers(
	prepared: PreparedTraining,
	members: ArtifactMember[],
	memberSeconds: number[],
	options: { end: number; now: () => number; seed: number; threads: number; signal?: AbortSignal }
): Promise<Refit | { skipped: string }> {
	const families = members.map((m) => familyByName(m.family));
	const fixed = families.find((f) => !f.refitParams);
	if (fixed) throw new Error(`refitMembers: a ${fixed.name} member cannot be refitted`);
	if (!refitFits(memberSeconds, options)) return { skipped: 'not enough time left' };
	const encoder = fitEncoder(prepared.featureFrame);
	const train = allRows(prepared, encoder, prepared.featureFrame);
	const noRows: TrainingSet = {
		...train,
		features: train.features.map(() => new Float64Array(0)),
		y: new Float64Array(0)
	};
	const runner = workerThreadRunner(
		[{ train, valid: noRows }],
		Math.max(1, Math.min(options.threads, members.length)),
		options.signal
	);
	try {
		const outcomes = new Array<{ model: unknown }>(members.length);
		await Promise.all(
			refitOrder(memberSeconds).map(async (m) => {
				const member = members[m];
				outcomes[m] = await runner.run({
					family: member.family,
					params: families[m].refitParams!(member.params, families[m].load(member.models[0])),
					fold: 0,
					deadline: options.end,
					seed: options.seed,
					foldCount: 1
				});
			})
		);
		if (options.signal?.aborted) return { skipped: 'cancelled' };
		// A fit cut short by the deadline is not the model the validation measured.
		if (options.now() >= options.end) return { skipped: 'it ran out of time; the validated models are kept' };
		return { encoder, models: outcomes.map((o) => o.model) };
	} finally {
		await runner.close();
	}
}
