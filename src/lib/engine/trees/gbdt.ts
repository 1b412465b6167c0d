import { binFeatures, fitBinMapper, type BinMapper } from './binning';
import { growTree, type GrowParams } from './grower';
import { logistic, squaredError, type Loss } from './losses';
import { addTreePredictions, type FlatTree } from './tree';

export interface GradientBoostingParams {
	loss: 'squared_error' | 'logistic';
	rounds: number;
	learningRate: number;
	maxLeaves: number;
	maxDepth: number;
	minSamplesLeaf: number;
	minHessianLeaf: number;
	l1: number;
	l2: number;
	minSplitGain: number;
	maxBins: number;
	seed: number;
	/** Stop when the validation loss has not improved for this many rounds (needs `validation`). */
	earlyStoppingRounds: number;
}

export const DEFAULT_GBDT_PARAMS: GradientBoostingParams = {
	loss: 'squared_error',
	rounds: 100,
	learningRate: 0.1,
	maxLeaves: 31,
	maxDepth: 0,
	minSamplesLeaf: 20,
	minHessianLeaf: 1e-3,
	l1: 0,
	l2: 0,
	minSplitGain: 0,
	maxBins: 255,
	seed: 0,
	earlyStoppingRounds: 10
};

export interface GradientBoostingModel {
	kind: 'gbdt';
	loss: GradientBoostingParams['loss'];
	baseScore: number;
	trees: FlatTree[];
	featureCount: number;
	/** Validation loss per round, when a validation set was given. */
	validationLoss?: number[];
}

export interface FitData {
	/** Column-major features; NaN is missing. */
	features: Float64Array[];
	y: Float64Array;
	weight?: Float64Array | null;
}

const LOSSES: Record<GradientBoostingParams['loss'], Loss> = { squared_error: squaredError, logistic };

function meanLoss(loss: Loss, y: Float64Array, raw: Float64Array): number {
	let total = 0;
	for (let i = 0; i < y.length; i++) total += loss.pointLoss(y[i], raw[i]);
	return total / y.length;
}

export interface FitOptions {
	validation?: FitData;
	signal?: AbortSignal;
	/** Stop adding trees after this time (ms since the epoch); the model so far is returned. */
	deadline?: number;
	onRound?: (round: number, validationLoss: number | undefined) => void;
}

/**
 * Histogram gradient boosting: bins the features once, then each round computes gradients, grows one tree on
 * the binned data and adds its (shrunk) leaf values to the raw scores. With a validation set, stops early and
 * keeps the best round's trees.
 */
export function fitGradientBoosting(
	data: FitData,
	partial: Partial<GradientBoostingParams> = {},
	options: FitOptions = {}
): GradientBoostingModel {
	const params = { ...DEFAULT_GBDT_PARAMS, ...partial };
	const loss = LOSSES[params.loss];
	const n = data.y.length;
	const mapper: BinMapper = fitBinMapper(data.features, { maxBins: params.maxBins, seed: params.seed });
	const binned = binFeatures(mapper, data.features);
	const features = Int32Array.from(data.features.keys());
	const weight = data.weight ?? null;
	const baseScore = loss.initialScore(data.y, weight);
	const raw = new Float64Array(n).fill(baseScore);
	const grad = new Float64Array(n);
	const hess = new Float64Array(n);
	const rows = new Uint32Array(n);
	const grow: GrowParams = { ...params, shrinkage: params.learningRate };
	const trees: FlatTree[] = [];
	const validation = options.validation;
	const validRaw = validation ? new Float64Array(validation.y.length).fill(baseScore) : null;
	const validationLoss: number[] = [];
	let bestRound = -1;
	let bestLoss = Infinity;

	for (let round = 0; round < params.rounds; round++) {
		if (options.signal?.aborted || (options.deadline !== undefined && Date.now() >= options.deadline)) break;
		loss.gradients(data.y, raw, weight, grad, hess);
		for (let i = 0; i < n; i++) rows[i] = i;
		const tree = growTree(binned, n, mapper, features, grad, hess, rows, grow);
		trees.push(tree);
		addTreePredictions(tree, data.features, raw);
		let current: number | undefined;
		if (validation && validRaw) {
			addTreePredictions(tree, validation.features, validRaw);
			current = meanLoss(loss, validation.y, validRaw);
			validationLoss.push(current);
			if (current < bestLoss - 1e-12) {
				bestLoss = current;
				bestRound = round;
			} else if (round - bestRound >= params.earlyStoppingRounds) break;
		}
		options.onRound?.(round, current);
	}
	return {
		kind: 'gbdt',
		loss: params.loss,
		baseScore,
		trees: validation && bestRound >= 0 ? trees.slice(0, bestRound + 1) : trees,
		featureCount: data.features.length,
		...(validation ? { validationLoss } : {})
	};
}

/** Raw scores (log-odds for logistic) for column-major features. */
export function predictRaw(model: GradientBoostingModel, features: Float64Array[]): Float64Array {
	const n = features[0]?.length ?? 0;
	const out = new Float64Array(n).fill(model.baseScore);
	for (const tree of model.trees) addTreePredictions(tree, features, out);
	return out;
}

/** Predictions in the target's space: values for regression, P(y = 1) for logistic. */
export function predict(model: GradientBoostingModel, features: Float64Array[]): Float64Array {
	const raw = predictRaw(model, features);
	if (model.loss === 'logistic') for (let i = 0; i < raw.length; i++) raw[i] = 1 / (1 + Math.exp(-raw[i]));
	return raw;
}
