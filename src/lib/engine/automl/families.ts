/**
 * Model families as the search sees them: each declares its search space (typed domains), strong starting
 * configurations (cheapest first), a relative cost, and how to fit, predict and save a model. The registry lists
 * them in the order they are tried. Predictions are row-major: one value per row (regression value, binary
 * P(class 1)) or one probability per class.
 */
import type { Task } from '../prep/target';
import { fitForest, predictForest, type ForestModel } from '../trees/forest';
import {
	fitGradientBoosting,
	predict as predictBoosting,
	roundsOf,
	truncateRounds,
	type GradientBoostingModel
} from '../trees/gbdt';
import { fitLinear, linearContributions, predictLinear, type LinearModel } from '../linear/linear';
import { sampledShapley } from '../explain/sampled-shapley';
import { fitKnn, predictKnn, type KnnModel } from '../neighbors/knn';
import { computeBackend, type Tf } from '../nn/backend';
import { fitMlp, predictMlp, type MlpModel } from '../nn/mlp';
import { fromPlain, toPlain } from '../trees/serialise';
import { treeModelContributions } from '../trees/shap';

/**
 * A parameter's range. A `step` rounds a float to a grid: on small tables a search that can tell 0.412 from 0.415
 * only finds the one whose out-of-fold score was luckiest, so families keep their grids as coarse as a real
 * difference in accuracy needs.
 */
export type Domain =
	| { type: 'float'; low: number; high: number; log?: boolean; step?: number }
	| { type: 'int'; low: number; high: number; log?: boolean }
	| { type: 'choice'; values: (string | number)[] };

export type Params = Record<string, number | string>;

export interface TrainingSet {
	features: Float64Array[];
	y: Float64Array;
	categorical: Uint8Array;
	task: Task;
	/** Classes (2 for binary); 1 for regression. */
	classCount: number;
}

export interface FitContext {
	/** Held-out rows for early stopping (the fold's validation rows). */
	validation?: TrainingSet;
	deadline: number;
	signal?: AbortSignal;
	seed: number;
	/** How many fold models will be averaged (forests split their trees across them). */
	foldCount: number;
}

export interface ModelFamily {
	name: string;
	/** Plain words for the leaderboard. */
	label: string;
	/** Relative training cost (gradient boosting = 1), used to order and budget trials. */
	cost: number;
	supports(task: Task, rows: number): boolean;
	space: Record<string, Domain>;
	/** Starting configurations, tried first in this order. */
	starts(rows: number, task: Task, features: number): Params[];
	fit(train: TrainingSet, params: Params, context: FitContext): unknown;
	/**
	 * Whether a model fitted with held-out rows can be fitted again on every row (refit.ts), and with which
	 * settings: the same ones when the fit never looked at the held-out rows, or the rounds early stopping
	 * chose. Absent: it cannot (a neural network's learning-rate schedule depends on its epoch count).
	 */
	refitParams?(params: Params, model: unknown): Params;
	/**
	 * The work a refit on every row repeats, as a share of this fold model's fit (before scaling to the extra
	 * rows); 1 when absent. Boosting repeats the rounds it kept, not those grown past its best; a forest refit
	 * grows its full tree count however many trees this fold model has.
	 */
	refitShare?(model: unknown): number;
	/**
	 * Whether, after k-fold validation, one model refitted on every row predicts better than the k fold models
	 * averaged (refit.ts). True for forests: their trees already average bootstrap samples, so fold models add
	 * little but fewer rows each. Boosting's fold models average as a bag and are kept; a linear model's average
	 * is its refit.
	 */
	refitBeatsFolds?: boolean;
	/**
	 * For families whose fold fits watch the fold's validation rows to decide when to stop: the fitted model's
	 * validation loss per round (the fit keeps the rounds past its best) and a copy cut to its first rounds. A
	 * trial's folds are then all cut at the round that is best on average over the folds (shared-stopping.ts),
	 * so no out-of-fold prediction comes from a round count chosen on those same rows.
	 */
	stopping?: {
		curve(model: unknown): ArrayLike<number> | undefined;
		rounds(model: unknown): number;
		truncate(model: unknown, rounds: number): unknown;
	};
	/**
	 * For bagged models (random forests): predictions for the rows the model trained on, each by the trees
	 * whose bootstrap left that row out. A trial pools them with its validation predictions (train.ts).
	 */
	outOfBag?(model: unknown): OutOfBag | undefined;
	predict(model: unknown, features: Float64Array[]): Float64Array;
	/** JSON-safe form, and back (without the out-of-bag predictions). */
	save(model: unknown): unknown;
	load(saved: unknown): unknown;
	/** A short description of a fitted model for progress lines ("412 trees"). */
	describe(model: unknown): string;
	/** Set-up that must finish before `fit` in a thread (loading TensorFlow.js); called by both runners. */
	prepare?(): Promise<void>;
	/**
	 * Exact per-feature contributions of one row (a value per feature), in the model's raw space, and the link
	 * that turns that space into predictions: Σ values + base = the raw output, link(raw output) = predict().
	 */
	contributions(model: unknown, row: Float64Array): RawContributions;
}

/**
 * A bagged model's out-of-bag predictions on its training rows (row-major; NaN where every tree drew the row),
 * how many trees each averages, and how many trees are behind its predictions of any other row.
 */
export interface OutOfBag {
	predictions: Float64Array;
	votes: Uint32Array;
	trees: number;
}

/** How a model's raw outputs become its predictions. */
export type Link = 'identity' | 'logistic' | 'softmax';

export interface RawContributions {
	/** Per output: the raw output averaged over the training rows. */
	base: Float64Array;
	/** `values[feature * outputs + k]`. */
	values: Float64Array;
	outputs: number;
	link: Link;
}

const num = (params: Params, key: string) => Number(params[key]);

const gradientBoosting: ModelFamily = {
	name: 'gbdt',
	label: 'Gradient-boosted trees',
	cost: 1,
	supports: () => true,
	space: {
		learningRate: { type: 'float', low: 0.01, high: 0.3, log: true },
		maxLeaves: { type: 'int', low: 4, high: 256, log: true },
		minSamplesLeaf: { type: 'int', low: 2, high: 100, log: true },
		l2: { type: 'float', low: 0.001, high: 30, log: true },
		colsample: { type: 'float', low: 0.4, high: 1 },
		subsample: { type: 'float', low: 0.5, high: 1 }
	},
	starts: () => [
		{ learningRate: 0.1, maxLeaves: 31, minSamplesLeaf: 20, l2: 0.001, colsample: 1, subsample: 1 },
		{ learningRate: 0.05, maxLeaves: 15, minSamplesLeaf: 10, l2: 1, colsample: 0.7, subsample: 0.8 },
		{ learningRate: 0.05, maxLeaves: 127, minSamplesLeaf: 30, l2: 3, colsample: 0.5, subsample: 0.9 }
	],
	fit(train, params, context) {
		const loss =
			train.task === 'regression' ? 'squared_error' : train.task === 'binary' ? 'logistic' : 'softmax';
		return fitGradientBoosting(
			{ features: train.features, y: train.y, categorical: train.categorical, classCount: train.classCount },
			{
				loss,
				// A refit on every row repeats the rounds early stopping chose (refitParams).
				rounds: params.rounds === undefined ? 3000 : num(params, 'rounds'),
				earlyStoppingRounds: 40,
				// With several folds, the trial cuts every fold at the round best across them (`stopping`).
				keepBestRound: context.foldCount <= 1,
				learningRate: num(params, 'learningRate'),
				maxLeaves: num(params, 'maxLeaves'),
				minSamplesLeaf: num(params, 'minSamplesLeaf'),
				l2: num(params, 'l2'),
				colsample: num(params, 'colsample'),
				subsample: num(params, 'subsample'),
				seed: context.seed
			},
			{
				validation: context.validation
					? { features: context.validation.features, y: context.validation.y }
					: undefined,
				deadline: context.deadline,
				signal: context.signal
			}
		);
	},
	refitParams: (params, model) => ({
		...params,
		rounds: Math.max(1, roundsOf(model as GradientBoostingModel))
	}),
	refitShare(model) {
		const m = model as GradientBoostingModel;
		const grown = m.validationLoss?.length ?? 0;
		return grown > 0 ? Math.min(1, roundsOf(m) / grown) : 1;
	},
	stopping: {
		curve: (model) => (model as GradientBoostingModel).validationLoss,
		rounds: (model) => roundsOf(model as GradientBoostingModel),
		truncate: (model, rounds) => truncateRounds(model as GradientBoostingModel, rounds)
	},
	predict: (model, features) => predictBoosting(model as GradientBoostingModel, features),
	save: (model) => toPlain(model),
	load: (saved) => fromPlain(saved),
	describe: (model) => `${roundsOf(model as GradientBoostingModel)} rounds`,
	contributions(model, row) {
		const m = model as GradientBoostingModel;
		const link: Link = m.loss === 'logistic' ? 'logistic' : m.loss === 'softmax' ? 'softmax' : 'identity';
		return { ...treeModelContributions(m, row), link };
	}
};

/**
 * Leaves a forest tree may have. Fully grown trees on big tables make huge models; this bounds them at about the
 * size a minimum leaf of 1 + rows / 5000 rows gave before, but trees now spend the budget best first, so a class of
 * a few rows still gets leaves of its own. Shuttle (seed 0, forests alone, 20 s): its 7-row class could not have one
 * with leaves of at least 9 rows; the forest's test log loss before calibration was 0.0029 then, 0.0012 with this.
 */
const FOREST_MAX_LEAVES = 3000;

/** Trees in a forest fitted on all its rows (a refit, or a single holdout fold). */
const FOREST_TREES = 200;

/**
 * Trees per fold model. Prediction averages the fold models, so together they form one forest of at least
 * FOREST_TREES trees; on small tables each fold model also gets enough trees (up to FOREST_TREES) for its
 * out-of-fold predictions to be smooth, as long as the whole artifact stays within about 500,000 tree nodes
 * (~30 MB). Out of fold, a row is predicted only by the fold models that did not train on it (and the others'
 * out-of-bag trees, out-of-fold.ts): with 100 trees a fold, rows whose class got no vote made a forest's
 * out-of-fold log loss far worse than it was (Glass, seed 0: 0.92 out of fold; 0.73 with 200 trees a fold; 0.56
 * on the test rows either way), and the ensemble selection passed forests over.
 */
function forestTreesPerFold(rows: number, minSamplesLeaf: number, folds: number): number {
	const nodesPerTree = Math.max(1, Math.min((2 * rows * 0.63) / minSamplesLeaf, 2 * FOREST_MAX_LEAVES));
	const affordable = Math.floor(500_000 / (nodesPerTree * folds));
	return Math.max(Math.ceil(FOREST_TREES / folds), Math.min(FOREST_TREES, affordable));
}

function forestFamily(extraTrees: boolean): ModelFamily {
	return {
		name: extraTrees ? 'extra_trees' : 'random_forest',
		label: extraTrees ? 'Extremely randomised trees' : 'Random forest',
		cost: 2,
		supports: () => true,
		space: {
			maxFeatures: { type: 'float', low: 0.1, high: 1, step: 0.05 },
			minSamplesLeaf: { type: 'int', low: 1, high: 40, log: true }
		},
		// scikit-learn's defaults: √features per split for classification, all of them for regression.
		starts: (_rows, task, features) => [
			{
				maxFeatures:
					task === 'regression' ? 1 : Number(Math.max(0.1, Math.sqrt(features) / features).toFixed(3)),
				minSamplesLeaf: 1
			}
		],
		fit(train, params, context) {
			const rows = train.y.length;
			const minSamplesLeaf = num(params, 'minSamplesLeaf');
			const model = fitForest(
				{
					features: train.features,
					y: train.y,
					categorical: train.categorical,
					classCount: train.classCount,
					task: train.task === 'regression' ? 'regression' : 'classification'
				},
				{
					trees: forestTreesPerFold(rows, minSamplesLeaf, context.foldCount),
					extraTrees,
					bootstrap: !extraTrees,
					maxFeatures: num(params, 'maxFeatures'),
					minSamplesLeaf,
					maxLeaves: FOREST_MAX_LEAVES,
					seed: context.seed
				},
				{ deadline: context.deadline, signal: context.signal }
			);
			return model;
		},
		refitParams: (params) => params,
		refitShare: (model) => FOREST_TREES / Math.max(1, (model as ForestModel).trees.length),
		refitBeatsFolds: true,
		outOfBag(model) {
			const { oob, trees } = model as ForestModel;
			return oob && { predictions: oob.predictions, votes: oob.votes, trees: trees.length };
		},
		predict: (model, features) => predictForest(model as ForestModel, features),
		save: (model) => toPlain({ ...(model as ForestModel), oob: undefined }),
		load: (saved) => fromPlain(saved),
		describe: (model) => `${(model as ForestModel).trees.length} trees`,
		// Forests average probabilities (or values) directly: their raw space is the prediction space.
		contributions: (model, row) => ({
			...treeModelContributions(model as ForestModel, row),
			link: 'identity'
		})
	};
}

const linear: ModelFamily = {
	name: 'linear',
	label: 'Linear model',
	cost: 0.3,
	supports: () => true,
	// The L2 penalty as a multiple of 1/rows, scikit-learn's default strength (C = 1, alpha = 1), on a grid of
	// half-decades: with one parameter, a finer search (a thousand trials in 20 s on a small table) only picks
	// whichever value the out-of-fold noise favoured (Pima, same split: λ = 1/rows scored 0.859 test AUC, the
	// finely tuned λ = 1e-6 0.855 while its out-of-fold AUC was higher).
	//
	// `knots` lets each numeric feature's effect bend at that many quantiles of its values (a linear spline,
	// linear/design.ts): still one additive curve per feature, which is what wins on many small business tables
	// where trees' steps are too coarse and a straight line too stiff. On 8 of the benchmark's small tables ×
	// 8 splits, scikit-learn's logistic regression with these columns beat the plain one on 50 of 64 test sets
	// (Pima 0.829 → 0.839 mean AUC, Ionosphere 0.925 → 0.958; worse on average only on BreastCancer, 0.9941 → 0.9936).
	space: {
		strength: { type: 'choice', values: [0.001, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300] },
		knots: { type: 'choice', values: [0, 5] }
	},
	// The default straight line, a bending one, and a stronger penalty for noisy small tables.
	starts: () => [
		{ strength: 1, knots: 0 },
		{ strength: 1, knots: 5 },
		{ strength: 30, knots: 0 }
	],
	fit: (train, params, context) =>
		fitLinear(
			{
				features: train.features,
				y: train.y,
				categorical: train.categorical,
				task: train.task,
				classCount: train.classCount
			},
			{
				l2: num(params, 'strength') / Math.max(1, train.y.length),
				knots: params.knots === undefined ? 0 : num(params, 'knots'),
				deadline: context.deadline,
				signal: context.signal
			}
		),
	refitParams: (params) => params,
	predict: (model, features) => predictLinear(model as LinearModel, features),
	save: (model) => toPlain(model),
	load: (saved) => fromPlain(saved),
	describe(model) {
		const { design } = model as LinearModel;
		const bending = design.columns.filter((c) => c.kind === 'numeric' && c.knots?.length).length;
		return `${design.width} inputs${bending ? `, ${bending} of them bending` : ''}`;
	},
	contributions(model, row) {
		const m = model as LinearModel;
		const link: Link = m.task === 'binary' ? 'logistic' : m.task === 'multiclass' ? 'softmax' : 'identity';
		return { ...linearContributions(m, row, row.length), link };
	}
};

/**
 * Tables up to this many rows get a nearest-neighbour model. Prediction scans every stored row, and its
 * explanation predicts ~90 variants of each row: beyond a few thousand rows both get slow for serving.
 */
const KNN_MAX_ROWS = 2_000;

/** The neighbour counts searched: a coarse grid, for the same reason as the linear model's strengths. */
const NEIGHBOUR_COUNTS = [3, 5, 8, 12, 18, 25, 35, 50, 80];

const nearestNeighbours: ModelFamily = {
	name: 'knn',
	label: 'Nearest neighbours',
	cost: 0.5,
	supports: (_task, rows) => rows <= KNN_MAX_ROWS,
	space: {
		k: { type: 'choice', values: NEIGHBOUR_COUNTS },
		weighting: { type: 'choice', values: ['uniform', 'distance'] }
	},
	// About √rows / 2 neighbours, the grid's nearest.
	starts: (rows) => {
		const wanted = Math.max(5, Math.min(40, Math.sqrt(rows) / 2));
		const k = NEIGHBOUR_COUNTS.reduce((a, b) => (Math.abs(b - wanted) < Math.abs(a - wanted) ? b : a));
		return [{ k, weighting: 'distance' }];
	},
	fit: (train, params) =>
		fitKnn(
			{
				features: train.features,
				y: train.y,
				categorical: train.categorical,
				task: train.task,
				classCount: train.classCount
			},
			{ k: num(params, 'k'), weighting: params.weighting === 'uniform' ? 'uniform' : 'distance' }
		),
	refitParams: (params) => params,
	predict: (model, features) => predictKnn(model as KnnModel, features),
	save: (model) => toPlain(model),
	load: (saved) => fromPlain(saved),
	describe: (model) => `${(model as KnnModel).k} neighbours`,
	// Neighbours' votes are probabilities already (identity link); no exact explainer: sampled Shapley values.
	contributions(model, row) {
		const m = model as KnnModel;
		const outputs = m.task === 'multiclass' ? m.classCount : 1;
		const { base, values } = sampledShapley((f) => predictKnn(m, f), row, m.baseline, outputs);
		return { base, values, outputs, link: 'identity' };
	}
};

/** This thread's TensorFlow.js, once `prepare` has loaded it. */
let tfForFits: Tf | null = null;

const neuralNetwork: ModelFamily = {
	name: 'mlp',
	label: 'Neural network',
	cost: 3,
	supports: (_task, rows) => rows >= 200,
	space: {
		layers: { type: 'int', low: 1, high: 4 },
		hidden: { type: 'choice', values: [32, 64, 128, 256] },
		dropout: { type: 'float', low: 0, high: 0.4 },
		learningRate: { type: 'float', low: 3e-4, high: 1e-2, log: true },
		weightDecay: { type: 'float', low: 1e-6, high: 1e-2, log: true },
		batchSize: { type: 'choice', values: [64, 128, 256, 512] },
		classWeight: { type: 'choice', values: ['none', 'balanced'] }
	},
	starts: (rows) => [
		{
			layers: 2,
			hidden: 128,
			dropout: 0.1,
			learningRate: 3e-3,
			weightDecay: 1e-4,
			batchSize: rows >= 20_000 ? 512 : rows >= 5_000 ? 256 : 128,
			classWeight: 'none'
		}
	],
	async prepare() {
		tfForFits ??= (await computeBackend()).tf;
	},
	fit(train, params, context) {
		if (!tfForFits)
			throw new Error('The neural network needs TensorFlow.js loaded first (ModelFamily.prepare).');
		return fitMlp(
			tfForFits,
			{
				features: train.features,
				y: train.y,
				categorical: train.categorical,
				task: train.task,
				classCount: train.classCount
			},
			{
				layers: num(params, 'layers'),
				hidden: num(params, 'hidden'),
				dropout: num(params, 'dropout'),
				learningRate: num(params, 'learningRate'),
				weightDecay: num(params, 'weightDecay'),
				batchSize: num(params, 'batchSize'),
				classWeight: params.classWeight === 'balanced' ? 'balanced' : 'none',
				maxEpochs: 200,
				seed: context.seed,
				validation: context.validation
					? { features: context.validation.features, y: context.validation.y }
					: undefined,
				deadline: context.deadline,
				signal: context.signal
			}
		);
	},
	predict: (model, features) => predictMlp(model as MlpModel, features),
	save: (model) => toPlain(model),
	load: (saved) => fromPlain(saved),
	describe: (model) => {
		const m = model as MlpModel;
		return `${m.layers.length - 1} × ${m.layers[0].outputs} hidden, ${m.epochs} epochs`;
	},
	// Probabilities (or values) explained directly, by sampled Shapley values.
	contributions(model, row) {
		const m = model as MlpModel;
		const outputs = m.task === 'multiclass' ? m.classCount : 1;
		const { base, values } = sampledShapley((f) => predictMlp(m, f), row, m.baseline, outputs);
		return { base, values, outputs, link: 'identity' };
	}
};

export const MODEL_FAMILIES: ModelFamily[] = [
	linear,
	gradientBoosting,
	forestFamily(false),
	forestFamily(true),
	nearestNeighbours,
	neuralNetwork
];

export function familyByName(name: string): ModelFamily {
	const family = MODEL_FAMILIES.find((f) => f.name === name);
	if (!family)
		throw new Error(
			`Unknown model family "${name}"; known: ${MODEL_FAMILIES.map((f) => f.name).join(', ')}.`
		);
	return family;
}

/** The families to search, from a `--models gbdt,random_forest` style list (all when empty). */
export function selectFamilies(names: string[] | undefined): ModelFamily[] {
	if (!names || names.length === 0) return MODEL_FAMILIES;
	return names.map(familyByName);
}
