/**
 * Refitting the ensemble's members on every row, for runs validated on a single holdout.
 *
 * With k folds, each member is k fold models that together saw every row, averaged (a bagged model), so they
 * are kept. With a holdout (large tables, or many classes: folds.ts) each member is one model that never saw a
 * fifth of the rows; fitting it again on all of them, with the settings the holdout chose (the rounds early
 * stopping found), gives the model 25% more data for one more fit per member. The holdout scores stay the
 * reported ones: an honest estimate of a model trained on less.
 *
 * A refit happens only when every member's family can be refitted (refitParams), and only when the members'
 * holdout fits, scaled to all rows and scheduled on the threads, fit in the time left; a refit that runs past
 * `end` is dropped and the holdout models are kept.
 */
import type { DataFrame } from '../frame/types';
import { encodeFeatures, fitEncoder, type FeatureEncoder } from '../prep/encoder';
import type { ArtifactMember } from './artifact';
import { familyByName, type TrainingSet } from './families';
import type { PreparedTraining } from './prepare';
import { workerThreadRunner } from './trial-runner';

/** Expected refit time over the holdout fit's, per member: 25% more rows, plus a margin for noise. */
const REFIT_TIME_FACTOR = 1.25 * 1.1;
/**
 * The search's reserve over the leading trial's refit time, for the smaller members that join it: on one thread
 * they refit after it, on more they mostly refit beside it.
 */
const RESERVE_FACTOR = { oneThread: 1.5, threads: 1.2 };

export interface Refit {
	encoder: FeatureEncoder;
	/** Per member, its one model fitted on every row (saved form). */
	models: unknown[];
}

/** Whether `prepared`'s validation is a single holdout, where a refit on all rows pays. */
export function refitPays(prepared: PreparedTraining): boolean {
	return prepared.plan.kind === 'holdout' && prepared.folds.length === 1;
}

/**
 * The order members are refitted in: longest holdout fit first, so the short ones fill the other threads
 * around it (indices into `seconds`).
 */
function refitOrder(seconds: number[]): number[] {
	return seconds.map((_, i) => i).sort((a, b) => seconds[b] - seconds[a] || a - b);
}

/**
 * Seconds a refit of members is expected to take on `threads` threads, when `seconds` are the parts of their
 * holdout fits a refit repeats (a boosting fit's rounds past its best are not repeated): each scaled to all
 * rows, taken in `refitOrder` by whichever thread is free first (as the runner does).
 */
export function refitSeconds(seconds: number[], threads: number): number {
	const busyUntil = new Array<number>(Math.max(1, Math.min(threads, seconds.length))).fill(0);
	for (const m of refitOrder(seconds)) {
		const first = busyUntil.indexOf(Math.min(...busyUntil));
		busyUntil[first] += seconds[m] * REFIT_TIME_FACTOR;
	}
	return Math.max(0, ...busyUntil);
}

/** Seconds the search leaves for the refit, when a refit of its best trial repeats `leaderSeconds` of its fit. */
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

/** Whether members whose refits repeat `memberSeconds` of their fits are expected to finish by `end`. */
export function refitFits(
	memberSeconds: number[],
	options: { end: number; now: () => number; threads: number }
): boolean {
	return options.now() + refitSeconds(memberSeconds, options.threads) * 1000 <= options.end;
}

/**
 * Fits each member again on every row, or says why it did not: `memberSeconds` are the seconds of the members'
 * holdout fits a refit repeats, `end` the time by which it must be done. The fits run on worker threads (up to
 * `threads` at once, longest first), so this thread stays free (a server worker keeps heart-beating through them).
 */
export async function refitMembers(
	prepared: PreparedTraining,
	members: ArtifactMember[],
	memberSeconds: number[],
	options: { end: number; now: () => number; seed: number; threads: number; signal?: AbortSignal }
): Promise<Refit | { skipped: string }> {
	const families = members.map((m) => familyByName(m.family));
	const fixed = families.find((f) => !f.refitParams);
	if (fixed) return { skipped: `a ${fixed.label.toLowerCase()} member cannot be refitted` };
	if (!refitFits(memberSeconds, options))
		return { skipped: 'not enough time left to refit the members on all rows' };
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
		// A fit cut short by the deadline is not the model the holdout validated.
		if (options.now() >= options.end)
			return { skipped: 'the refit ran out of time; the holdout models are kept' };
		return { encoder, models: outcomes.map((o) => o.model) };
	} finally {
		await runner.close();
	}
}
