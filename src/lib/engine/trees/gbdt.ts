import { binBothLayouts, fitBinMapper, rowBinsOver, type BinMapper, type BinnedData } from './binning';
import { GrowerWorkspace, growTree, type GrowParams, type SharedWorkspace } from './grower';
import { HistogramThreads, shareArray } from './histogram-threads';
import { histogramSize, quantizeGradients } from './histogram';
import { createLoss, type LossName } from './losses';
import { classCountOf } from './labels';
import { createRandom, sampleWithoutReplacement } from './random';
import { DEFAULT_SPLIT_PARAMS, type SplitParams } from './splitter';
import { addTreePredictions, goesLeft, type FlatTree } from './tree';

export interface GradientBoostingParams extends SplitParams {
	loss: LossName;
	rounds: number;
	learningRate: number;
	/** Leaf-wise growth limit; Infinity with a `maxDepth` grows depth-wise. */
	maxLeaves: number;
	/** 0: unlimited. */
	maxDepth: number;
	maxBins: number;
	minCategoryCount: number;
	/** Fraction of rows each round's trees see (without replacement). */
	subsample: number;
	/** Fraction of features each tree may split on. */
	colsample: number;
	seed: number;
	/** Stop when the validation loss has not improved for this many rounds (needs `validation`). */
	earlyStoppingRounds: number;
	/**
	 * After stopping early, keep only the rounds up to the best validation loss (true), or every round grown
	 * (false: the caller chooses where to cut, e.g. at the round that is best across several folds).
	 */
	keepBestRound: boolean;
	/** 'balanced' weighs each class inversely to its frequency (classification losses). */
	classWeight: 'balanced' | null;
	/**
	 * Build histograms from gradients quantized to at most 8 bits and packed two to a number (see
	 * `quantizeGradients`): one addition per feature and row instead of two, leaf values still exact.
	 */
	quantizedGradients: boolean;
}

export const DEFAULT_GBDT_PARAMS: GradientBoostingParams = {
	...DEFAULT_SPLIT_PARAMS,
	loss: 'squared_error',
	rounds: 100,
	learningRate: 0.1,
	maxLeaves: 31,
	maxDepth: 0,
	maxBins: 255,
	minCategoryCount: 10,
	subsample: 1,
	colsample: 1,
	seed: 0,
	earlyStoppingRounds: 10,
	keepBestRound: true,
	classWeight: null,
	quantizedGradients: true
};

export interface GradientBoostingModel {
	kind: 'gbdt';
	loss: LossName;
	/** Raw scores per row: 1, or the class count for softmax. */
	outputs: number;
	baseScore: Float64Array;
	/** Round-major: round r's tree for output k is `trees[r * outputs + k]`. */
	trees: FlatTree[];
	featureCount: number;
	/** Validation loss per round, when a validation set was given. */
	validationLoss?: number[];
}

export interface FitData {
	/** Column-major features; NaN is missing. Categorical features hold category codes 0, 1, 2, … */
	features: Float64Array[];
	/** Targets: values (regression), 0/1 (logistic) or class indices (softmax). */
	y: Float64Array;
	weight?: Float64Array | null;
	categorical?: ArrayLike<boolean | number>;
	/** Softmax: the number of classes, when some may be absent from these rows (a fold). */
	classCount?: number;
}

export interface FitOptions {
	validation?: Pick<FitData, 'features' | 'y'>;
	signal?: AbortSignal;
	/** Stop adding trees after this time (ms since the epoch); the model so far is returned. */
	deadline?: number;
	onRound?: (round: number, validationLoss: number | undefined) => void;
}

/** Sample weights times 'balanced' class weights (n / (classes × class count)). */
export function balancedWeights(
	y: Float64Array,
	weight: Float64Array | null,
	classCount: number
): Float64Array {
	const counts = new Float64Array(classCount);
	for (let i = 0; i < y.length; i++) counts[y[i]]++;
	const present = counts.filter((c) => c > 0).length;
	return Float64Array.from(
		y,
		(label, i) => ((weight ? weight[i] : 1) * y.length) / (present * Math.max(1, counts[label]))
	);
}

/**
 * Histogram gradient boosting: bins the features once, then each round computes gradients and grows one tree
 * per output on the binned data, adding its shrunk leaf values to the raw scores. With a validation set it
 * stops early and keeps the best round's trees (or all of them, `keepBestRound: false`). Same data and seed →
 * the same model.
 */
export function fitGradientBoosting(
	data: FitData,
	partial: Partial<GradientBoostingParams> = {},
	options: FitOptions = {}
): GradientBoostingModel {
	const params: GradientBoostingParams = { ...DEFAULT_GBDT_PARAMS, ...partial };
	const mapper = binMapperFor(data, params);
	return boost(data, params, mapper, binBothLayouts(mapper, data.features), options, null);
}

/** Histograms bigger than this in all are not shared with helper threads (they are built on one thread). */
const MAX_ARENA_BYTES = 64 * 1024 * 1024;

/**
 * `fitGradientBoosting` with each large node's histogram built on `threads` threads, split by feature blocks
 * (with quantized gradients, the default; exact gradients fit on one thread). The model is identical to the
 * one-thread fit: each feature's sums are added by one thread in row order.
 */
export async function fitGradientBoostingParallel(
	data: FitData,
	partial: Partial<GradientBoostingParams>,
	options: FitOptions & { threads: number }
): Promise<GradientBoostingModel> {
	const params: GradientBoostingParams = { ...DEFAULT_GBDT_PARAMS, ...partial };
	if (options.threads <= 1 || !params.quantizedGradients || data.features.length < 2)
		return fitGradientBoosting(data, partial, options);
	const mapper = binMapperFor(data, params);
	const local = binBothLayouts(mapper, data.features);
	const binned = { ...local, byRow: rowBinsOver(shareArray(local.byRow.bytes), data.features.length) };
	const n = data.y.length;
	const histogramLength = histogramSize(data.features.length);
	const slots = Math.min(
		Math.floor(MAX_ARENA_BYTES / (histogramLength * 8)),
		Math.min(params.maxLeaves, params.maxDepth > 0 ? 2 ** params.maxDepth : Infinity, 128) + 2
	);
	const arena = new Float64Array(new SharedArrayBuffer(Math.max(1, slots) * histogramLength * 8));
	const rows = new Uint32Array(new SharedArrayBuffer(n * 4));
	const packed = new Float64Array(new SharedArrayBuffer(n * 8));
	const threads = await HistogramThreads.start(options.threads, {
		binned: binned.byRow.bytes,
		width: data.features.length,
		rows,
		packed,
		arena,
		slotLength: histogramLength
	});
	if (!threads) return boost(data, params, mapper, local, options, null); // helpers busy with another fit
	try {
		return boost(data, params, mapper, binned, options, { threads, arena, packed, rows });
	} finally {
		threads.close();
	}
}

function binMapperFor(data: FitData, params: GradientBoostingParams): BinMapper {
	return fitBinMapper(data.features, {
		maxBins: params.maxBins,
		seed: params.seed,
		categorical: data.categorical,
		minCategoryCount: params.minCategoryCount
	});
}

/** The boosting rounds on binned data; `shared` (memory shared with helper threads) or null for one thread. */
function boost(
	data: FitData,
	params: GradientBoostingParams,
	mapper: BinMapper,
	binned: BinnedData,
	options: FitOptions,
	shared: (SharedWorkspace & { rows: Uint32Array }) | null
): GradientBoostingModel {
	const n = data.y.length;
	const loss = createLoss(
		params.loss,
		params.loss === 'softmax' ? (data.classCount ?? classCountOf(data.y)) : 2
	);
	const K = loss.outputs;
	const featureCount = data.features.length;
	const classification = params.loss === 'logistic' || params.loss === 'softmax';
	let weight = data.weight ?? null;
	if (classification && params.classWeight === 'balanced')
		weight = balancedWeights(data.y, weight, Math.max(2, K));
	const baseScore = loss.initialScores(data.y, weight);
	const raw = new Float64Array(n * K);
	for (let i = 0; i < n; i++) raw.set(baseScore, i * K);
	const grad = new Float64Array(n * K);
	const hess = new Float64Array(n * K);
	const sampleSize = Math.max(1, Math.min(n, Math.round(params.subsample * n)));
	const rows = shared ? shared.rows.subarray(0, sampleSize) : new Uint32Array(sampleSize);
	const grow: GrowParams = { ...params, shrinkage: params.learningRate };
	const workspace = new GrowerWorkspace(histogramSize(featureCount), n, shared);
	const random = createRandom(params.seed);
	const treeFeatures = Math.max(1, Math.round(params.colsample * featureCount));
	const trees: FlatTree[] = [];
	const validation = options.validation;
	const validRaw = validation ? new Float64Array(validation.y.length * K) : null;
	if (validRaw) for (let i = 0; i < validation!.y.length; i++) validRaw.set(baseScore, i * K);
	const validationLoss: number[] = [];
	let bestRound = -1;
	let bestLoss = Infinity;

	for (let round = 0; round < params.rounds; round++) {
		if (options.signal?.aborted || (options.deadline !== undefined && Date.now() >= options.deadline)) break;
		loss.gradients(data.y, raw, weight, grad, hess);
		const sampled = sampleSize < n ? sampleWithoutReplacement(n, sampleSize, random) : null;
		const features =
			treeFeatures < featureCount ? sampleWithoutReplacement(featureCount, treeFeatures, random) : null;
		for (let k = 0; k < K; k++) {
			if (sampled) rows.set(sampled);
			else for (let i = 0; i < n; i++) rows[i] = i;
			const g = grad.subarray(k * n, (k + 1) * n);
			const h = hess.subarray(k * n, (k + 1) * n);
			const quantized = params.quantizedGradients
				? quantizeGradients(g, h, rows, rows.length, Math.floor(random() * 2 ** 32), workspace.packed)
				: null;
			const { tree, leaves } = growTree(binned, mapper, features, g, h, rows, grow, workspace, quantized);
			if (loss.renewLeaf) {
				for (const leaf of leaves)
					tree.value[leaf.node] =
						params.learningRate * loss.renewLeaf(data.y, raw, weight, rows, leaf.start, leaf.end);
			}
			if (sampled) addTreePredictions(tree, data.features, raw, K, k);
			else
				for (const leaf of leaves) {
					const v = tree.value[leaf.node];
					for (let r = leaf.start; r < leaf.end; r++) raw[rows[r] * K + k] += v;
				}
			if (validRaw) addTreePredictions(tree, validation!.features, validRaw, K, k);
			trees.push(tree);
		}
		let current: number | undefined;
		if (validation && validRaw) {
			current = loss.meanLoss(validation.y, validRaw);
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
		outputs: K,
		baseScore,
		trees: validation && bestRound >= 0 && params.keepBestRound ? trees.slice(0, (bestRound + 1) * K) : trees,
		featureCount,
		...(validation ? { validationLoss } : {})
	};
}

/** How many boosting rounds the model holds (one tree per output each). */
export function roundsOf(model: GradientBoostingModel): number {
	return model.trees.length / model.outputs;
}

/** The model cut to its first `rounds` rounds (every output's tree of each); the trees are shared, not copied. */
export function truncateRounds(model: GradientBoostingModel, rounds: number): GradientBoostingModel {
	const kept = Math.max(0, Math.min(model.trees.length, Math.floor(rounds) * model.outputs));
	return { ...model, trees: model.trees.slice(0, kept) };
}

/** Raw scores, row-major (`out[i * outputs + k]`): values, log-odds or per-class scores. */
export function predictRaw(model: GradientBoostingModel, features: Float64Array[]): Float64Array {
	const n = features[0]?.length ?? 0;
	const K = model.outputs;
	const out = new Float64Array(n * K);
	for (let i = 0; i < n; i++) out.set(model.baseScore, i * K);
	model.trees.forEach((tree, t) => addTreePredictions(tree, features, out, K, t % K));
	return out;
}

/** Predictions: values for regression, P(y = 1) for logistic, class probabilities (row-major) for softmax. */
export function predict(model: GradientBoostingModel, features: Float64Array[]): Float64Array {
	const raw = predictRaw(model, features);
	createLoss(model.loss, model.outputs).transform(raw);
	return raw;
}

/** One row's raw scores, without allocating per tree: the serving path. */
export function predictRowRaw(model: GradientBoostingModel, row: ArrayLike<number>): Float64Array {
	const K = model.outputs;
	const out = Float64Array.from(model.baseScore);
	const trees = model.trees;
	for (let t = 0; t < trees.length; t++) {
		const tree = trees[t];
		const { feature, threshold, missingLeft, left, right, categoryStart } = tree;
		let node = 0;
		while (left[node] >= 0) {
			const x = row[feature[node]];
			// Numeric splits inline; categorical ones through goesLeft.
			const toLeft =
				categoryStart[node] < 0
					? x !== x
						? missingLeft[node] === 1
						: x <= threshold[node]
					: goesLeft(tree, node, x);
			node = toLeft ? left[node] : right[node];
		}
		out[t % K] += tree.value[node];
	}
	return out;
}
