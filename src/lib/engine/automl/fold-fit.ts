/**
 * Fitting one fold of one trial: the unit of work the trial runners schedule, in this thread or a worker.
 */
import { fromPlain, toPlain } from '../trees/serialise';
import { familyByName, type OutOfBag, type Params, type TrainingSet } from './families';

export interface FoldSets {
	train: TrainingSet;
	valid: TrainingSet;
}

export interface FoldJob {
	family: string;
	params: Params;
	fold: number;
	deadline: number;
	seed: number;
	foldCount: number;
}

export interface FoldOutcome {
	/** Predictions for the fold's validation rows, row-major. */
	predictions: Float64Array;
	/** The fitted model in its saved (JSON-safe) form. */
	model: unknown;
	detail: string;
	/** Bagged families: out-of-bag predictions for the fold's training rows (in the fold's training order). */
	outOfBag?: OutOfBag;
	/**
	 * Families that stop early: the share of the fit's rounds its model kept (the rest were grown past the best
	 * round, to be sure of it). A refit with the kept rounds repeats about this share of the fit's work.
	 */
	keptShare?: number;
}

/** Finishes the family's set-up in this thread (loading TensorFlow.js for neural networks). */
export async function prepareFamily(name: string): Promise<void> {
	await familyByName(name).prepare?.();
}

export function fitFold(folds: FoldSets[], job: FoldJob, signal?: AbortSignal): FoldOutcome {
	const family = familyByName(job.family);
	const fold = folds[job.fold];
	const model = family.fit(fold.train, job.params, {
		// A refit on every row (refit.ts) has no held-out rows.
		validation: fold.valid.y.length > 0 ? fold.valid : undefined,
		deadline: job.deadline,
		signal,
		seed: job.seed,
		foldCount: job.foldCount
	});
	const outOfBag = family.outOfBag?.(model);
	const grown = family.stopping?.curve(model)?.length ?? 0;
	return {
		predictions: family.predict(model, fold.valid.features),
		model: family.save(model),
		detail: family.describe(model),
		...(outOfBag ? { outOfBag } : {}),
		...(grown > 0 ? { keptShare: Math.min(1, family.stopping!.rounds(model) / grown) } : {})
	};
}

/** A fold outcome as text, to send to another process or machine (typed arrays kept exactly). */
export function encodeFoldOutcome(outcome: FoldOutcome): string {
	return JSON.stringify(toPlain(outcome));
}

/** The inverse of `encodeFoldOutcome`; the model stays in its saved form, as `fitFold` returns it. */
export function decodeFoldOutcome(text: string): FoldOutcome {
	const value = JSON.parse(text) as {
		predictions?: unknown;
		model?: unknown;
		detail?: unknown;
		outOfBag?: unknown;
		keptShare?: unknown;
	};
	const predictions = fromPlain(value?.predictions);
	if (!(predictions instanceof Float64Array) || typeof value.detail !== 'string' || !('model' in value))
		throw new Error('not a fold outcome');
	const outcome: FoldOutcome = { predictions, model: value.model, detail: value.detail };
	if (value.outOfBag !== undefined) {
		const bag = fromPlain(value.outOfBag) as Partial<OutOfBag> | null;
		if (
			!(bag?.predictions instanceof Float64Array) ||
			!(bag.votes instanceof Uint32Array) ||
			typeof bag.trees !== 'number'
		)
			throw new Error('not a fold outcome: malformed out-of-bag predictions');
		outcome.outOfBag = { predictions: bag.predictions, votes: bag.votes, trees: bag.trees };
	}
	if (value.keptShare !== undefined) {
		if (typeof value.keptShare !== 'number' || !(value.keptShare > 0 && value.keptShare <= 1))
			throw new Error('not a fold outcome: keptShare must be a number in (0, 1]');
		outcome.keptShare = value.keptShare;
	}
	return outcome;
}
