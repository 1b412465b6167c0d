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
	 * The work a refit on every row repeats, as a share of this fit's (family.refitShare): below 1 for boosting,
	 * which grew rounds past its best to be sure of it; above 1 for a fold forest with fewer trees than a refit's.
	 */
	refitShare?: number;
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
	const refitShare = family.refitShare?.(model);
	return {
		predictions: family.predict(model, fold.valid.features),
		model: family.save(model),
		detail: family.describe(model),
		...(outOfBag ? { outOfBag } : {}),
		...(refitShare !== undefined ? { refitShare } : {})
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
		refitShare?: unknown;
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
	if (value.refitShare !== undefined) {
		if (typeof value.refitShare !== 'number' || !(value.refitShare > 0 && Number.isFinite(value.refitShare)))
			throw new Error('not a fold outcome: refitShare must be a positive number');
		outcome.refitShare = value.refitShare;
	}
	return outcome;
}
