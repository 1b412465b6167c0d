/**
 * Random forests and extremely randomised trees, on the same binned data and flat trees as boosting.
 *
 * Each tree sees a bootstrap sample (rows weighted by how often they were drawn) and, at every node, a random
 * subset of the features. Splits maximise the decrease of squared error (regression) or Gini impurity
 * (classification), which are the same formula over "channels": Σ_k S_k² / C, where S_k sums the target's
 * channel k (the value, or the one-hot class) and C the weights. Extra trees draw one random threshold per
 * feature instead of scanning them all.
 *
 * Trees grow best first (the open node with the largest impurity decrease is split next), up to `maxLeaves` leaves
 * when a budget is set: that bounds a model's size on big tables without a large minimum leaf, which would keep a
 * class of a few rows from ever having a leaf of its own.
 *
 * No histogram-subtraction trick: with a fresh feature subset at every node,
 * a parent's histogram is rarely the one a child needs, so each node builds only the sampled features' bins,
 * and zeroes only the bins it touched (deep nodes hold few rows).
 */
import { MISSING_BIN, binFeatures, fitBinMapper, type BinMapper } from './binning';
import { partitionRows, writeSplit } from './grower';
import { classCountOf } from './labels';
import { createRandom } from './random';
import { goLeftTable, type Split } from './splitter';
import { TreeBuilder, leafIndices, type FlatTree } from './tree';

export interface ForestParams {
	trees: number;
	/** Extremely randomised trees: one random threshold per candidate feature. */
	extraTrees: boolean;
	/** Features tried per split: a fraction of all, or 'sqrt'. */
	maxFeatures: number | 'sqrt';
	minSamplesLeaf: number;
	/** 0: unlimited. */
	maxDepth: number;
	/**
	 * At most this many leaves a tree (0: unlimited). Nodes are split best first (largest impurity decrease), so a
	 * budget cuts the least useful splits, wherever they are, and a small class can still get a leaf of its own.
	 */
	maxLeaves: number;
	bootstrap: boolean;
	maxBins: number;
	minCategoryCount: number;
	/**
	 * Categorical splits order categories by their mean in the node, shrunk towards the node's mean by this many
	 * rows' worth (as LightGBM's cat_smooth): without it a category seen in one or two rows sorts by its own
	 * targets, and the split separates the training rows perfectly and learns nothing general.
	 */
	catSmooth: number;
	seed: number;
}

export const DEFAULT_FOREST_PARAMS: ForestParams = {
	trees: 100,
	extraTrees: false,
	maxFeatures: 'sqrt',
	minSamplesLeaf: 1,
	maxDepth: 0,
	maxLeaves: 0,
	bootstrap: true,
	maxBins: 255,
	// Categories seen in fewer rows share one bin: a split on a category of one or two rows only memorises them.
	minCategoryCount: 5,
	catSmooth: 10,
	seed: 0
};

export interface ForestModel {
	kind: 'forest';
	task: 'regression' | 'classification';
	/** Values per row: 1 for regression and binary classification (P(class 1)), the class count otherwise. */
	outputs: number;
	trees: FlatTree[];
	featureCount: number;
	/**
	 * Out-of-bag predictions (row-major, NaN where a row was in every bootstrap), how many trees each row's
	 * prediction averages (the trees whose bootstrap left it out), and their score.
	 */
	oob?: { predictions: Float64Array; votes: Uint32Array; score: number; metric: 'r2' | 'accuracy' };
}

export interface ForestData {
	features: Float64Array[];
	/** Values (regression) or class indices 0..k-1 (classification). */
	y: Float64Array;
	weight?: Float64Array | null;
	categorical?: ArrayLike<boolean | number>;
	task: 'regression' | 'classification';
	/** Classification: the number of classes, when some may be absent from these rows (a fold). */
	classCount?: number;
}

export interface ForestOptions {
	signal?: AbortSignal;
	deadline?: number;
	onTree?: (index: number) => void;
}

/** One channel (the value, or P(class 1)) for regression and binary tasks; one per class otherwise. */
interface Channels {
	count: number;
}

function channelsOf(data: ForestData, classCount: number): Channels {
	return { count: data.task === 'regression' || classCount <= 2 ? 1 : classCount };
}

/** One tree's training state: the rows in bag, their bootstrap weights, scratch histograms. */
class ForestTreeGrower {
	private readonly stride: number;
	private readonly hist: Float64Array;
	private readonly nodeSums: Float64Array;
	private readonly scratch: Uint32Array;
	/** The non-missing bins a node's rows fall in, for the feature at hand (first `usedCount` entries). */
	private readonly used = new Uint8Array(256);
	/** Per feature, its bins indexed by row. */
	private readonly columns: Uint8Array[];
	/** Scratch per node: its channel sums, and a cut's left side's. */
	private readonly parentSums: Float64Array;
	private readonly leftSums: Float64Array;

	constructor(
		binned: Uint8Array,
		private readonly mapper: BinMapper,
		private readonly channels: Channels,
		private readonly targets: Float64Array,
		private readonly params: ForestParams,
		private readonly mtry: number,
		private readonly classification: boolean,
		rowCount: number
	) {
		// Per bin: K channel sums, the weight sum, the row count.
		this.stride = channels.count + 2;
		this.hist = new Float64Array(256 * this.stride);
		this.nodeSums = new Float64Array(this.stride);
		this.scratch = new Uint32Array(rowCount);
		this.columns = Array.from(mapper.binCounts, (_, f) => binned.subarray(f * rowCount, (f + 1) * rowCount));
		this.parentSums = new Float64Array(channels.count);
		this.leftSums = new Float64Array(channels.count);
	}

	/**
	 * Grows best first: every node's best split is found when the node is made, and the open node with the
	 * largest gain is split next, until none is left or the tree has `maxLeaves` leaves. Unlimited, every node
	 * that can be split is, as depth-first growth would.
	 */
	grow(rows: Uint32Array, weights: Float64Array, random: () => number): FlatTree {
		const K = this.channels.count;
		const builder = new TreeBuilder(K);
		const width = this.mapper.binCounts.length;
		const order = Int32Array.from({ length: width }, (_, f) => f);
		const maxLeaves = this.params.maxLeaves > 0 ? this.params.maxLeaves : Infinity;
		const open = new SplitQueue();
		const visit = (node: number, start: number, end: number, depth: number) => {
			const C = this.sums(rows, start, end, weights);
			for (let k = 0; k < K; k++) builder.setValue(node, k, C > 0 ? this.nodeSums[k] / C : 0);
			const splittable =
				end - start >= 2 * this.params.minSamplesLeaf &&
				(this.params.maxDepth <= 0 || depth < this.params.maxDepth) &&
				!this.pure(C);
			if (!splittable) return;
			const split = this.bestSplit(rows, start, end, C, weights, order, random);
			if (split) open.push({ node, start, end, depth, split });
		};
		const rootCover = this.sums(rows, 0, rows.length, weights);
		visit(builder.addNode(rootCover), 0, rows.length, 0);
		let leaves = 1;
		while (open.size > 0 && leaves < maxLeaves) {
			const { node, start, end, depth, split } = open.pop();
			const mid = partitionRows(
				this.columns[split.feature],
				rows,
				start,
				end,
				goLeftTable(split),
				this.scratch
			);
			const [l, r] = writeSplit(builder, node, split, this.mapper, [split.left.hess, split.right.hess]);
			// Only leaves hold values (nothing reads a split node's), so a many-class forest's value array is mostly
			// zeros, which the saved model does not spell out (serialise.ts).
			for (let k = 0; k < K; k++) builder.setValue(node, k, 0);
			leaves++;
			visit(l, start, mid, depth + 1);
			visit(r, mid, end, depth + 1);
		}
		return builder.finish();
	}

	/** Fills nodeSums with the node's channel sums; returns the weight sum. */
	private sums(rows: Uint32Array, start: number, end: number, weights: Float64Array): number {
		const K = this.channels.count;
		this.nodeSums.fill(0);
		let C = 0;
		for (let r = start; r < end; r++) {
			const i = rows[r];
			const w = weights[i];
			C += w;
			if (K === 1) this.nodeSums[0] += w * this.targets[i];
			else this.nodeSums[this.targets[i]] += w;
		}
		return C;
	}

	/** A classification node with one class left cannot improve (regression nodes find no gain instead). */
	private pure(C: number): boolean {
		if (!this.classification) return false;
		const K = this.channels.count;
		if (K === 1) return this.nodeSums[0] === 0 || this.nodeSums[0] === C;
		for (let k = 0; k < K; k++) if (this.nodeSums[k] === C) return true;
		return false;
	}

	/** `parentC` is the node's weight sum, and `nodeSums` holds its channel sums (both from `sums`). */
	private bestSplit(
		rows: Uint32Array,
		start: number,
		end: number,
		parentC: number,
		weights: Float64Array,
		order: Int32Array,
		random: () => number
	): Split | null {
		const K = this.channels.count;
		const stride = this.stride;
		const hist = this.hist;
		const width = order.length;
		const parentSums = this.parentSums;
		parentSums.set(this.nodeSums.subarray(0, K));
		const parentRows = end - start;
		const score = (s: Float64Array | number[], c: number) => {
			let t = 0;
			for (let k = 0; k < K; k++) t += s[k] * s[k];
			return c > 0 ? t / c : 0;
		};
		const parentScore = score(parentSums, parentC);
		let best: Split | null = null;
		let bestGain = 1e-12 * Math.max(1, Math.abs(parentScore));
		const left = this.leftSums;
		const minLeaf = this.params.minSamplesLeaf;
		let examined = 0;
		for (let j = 0; j < width && examined < this.mtry; j++) {
			// Partial Fisher–Yates: the next feature in a fresh random order.
			const pick = j + Math.floor(random() * (width - j));
			const f = order[pick];
			order[pick] = order[j];
			order[j] = f;
			const column = this.columns[f];
			// The bins the rows fall in are listed as they are met, then sorted: a deep node's few rows touch a
			// few bins spread over up to 255, which scanning (and zeroing) the whole range would cost.
			let usedCount = 0;
			for (let r = start; r < end; r++) {
				const i = rows[r];
				const bin = column[i];
				const w = weights[i];
				const slot = bin * stride;
				if (hist[slot + K + 1] === 0 && bin !== MISSING_BIN) this.used[usedCount++] = bin;
				if (K === 1) hist[slot] += w * this.targets[i];
				else hist[slot + this.targets[i]] += w;
				hist[slot + K] += w;
				hist[slot + K + 1] += 1;
			}
			const missingSlot = MISSING_BIN * stride;
			const missingRows = hist[missingSlot + K + 1];
			const usedBins = this.used.subarray(0, usedCount).sort();
			const constant = usedBins.length + (missingRows > 0 ? 1 : 0) < 2;
			if (!constant) {
				examined++;
				const categorical = this.mapper.categorical[f] === 1;
				if (categorical) {
					const channel = K === 1 ? 0 : argmax(parentSums);
					const prior = (parentSums[channel] / parentC) * this.params.catSmooth;
					const mean = (b: number) =>
						(hist[b * stride + channel] + prior) / (hist[b * stride + K] + this.params.catSmooth);
					if (this.params.extraTrees) shuffle(usedBins, random);
					else usedBins.sort((a, b) => mean(a) - mean(b) || a - b);
				}
				// Candidate cut positions: after usedBins[c] (left = usedBins[0..c]).
				const cuts = usedBins.length - 1 + (missingRows > 0 ? 1 : 0);
				const first = this.params.extraTrees ? Math.floor(random() * cuts) : 0;
				const last = this.params.extraTrees ? first : cuts - 1;
				left.fill(0);
				let lc = 0;
				let lrows = 0;
				let c = -1;
				for (let cut = first; cut <= last; cut++) {
					while (c < cut && c < usedBins.length - 1) {
						c++;
						const slot = usedBins[c] * stride;
						for (let k = 0; k < K; k++) left[k] += hist[slot + k];
						lc += hist[slot + K];
						lrows += hist[slot + K + 1];
					}
					// Missing rows go right, then (when there are any) left.
					for (let side = 0; side < (missingRows > 0 ? 2 : 1); side++) {
						const missingLeft = side === 1;
						const rowsLeft = missingLeft ? lrows + missingRows : lrows;
						const rowsRight = parentRows - rowsLeft;
						if (rowsLeft < minLeaf || rowsRight < minLeaf || rowsLeft === 0 || rowsRight === 0) continue;
						const cl = missingLeft ? lc + hist[missingSlot + K] : lc;
						const cr = parentC - cl;
						let leftScore = 0;
						let rightScore = 0;
						for (let k = 0; k < K; k++) {
							const sum = left[k] + (missingLeft ? hist[missingSlot + k] : 0);
							leftScore += sum * sum;
							rightScore += (parentSums[k] - sum) ** 2;
						}
						const gain = (cl > 0 ? leftScore / cl : 0) + (cr > 0 ? rightScore / cr : 0) - parentScore;
						if (gain > bestGain) {
							bestGain = gain;
							best = {
								feature: f,
								gain,
								// Without missing rows here the direction is for rows seen later (a missing value, an
								// unseen category): they go with the majority.
								missingLeft: missingRows > 0 ? missingLeft : rowsLeft >= rowsRight,
								bin: categorical ? -1 : usedBins[c],
								...(!categorical && c + 1 < usedBins.length ? { nextBin: usedBins[c + 1] } : {}),
								leftBins: categorical ? usedBins.slice(0, c + 1) : null,
								left: { grad: 0, hess: cl, count: rowsLeft },
								right: { grad: 0, hess: cr, count: rowsRight }
							};
						}
					}
				}
			}
			// Zero only what this feature touched.
			for (let u = 0; u < usedCount; u++) hist.fill(0, usedBins[u] * stride, (usedBins[u] + 1) * stride);
			hist.fill(0, missingSlot, missingSlot + stride);
		}
		return best;
	}
}

interface OpenNode {
	node: number;
	start: number;
	end: number;
	depth: number;
	split: Split;
}

/** A max-heap of nodes waiting to be split, by gain; ties go to the node made first (deterministic). */
class SplitQueue {
	private readonly items: OpenNode[] = [];

	get size(): number {
		return this.items.length;
	}

	private before(a: OpenNode, b: OpenNode): boolean {
		return a.split.gain > b.split.gain || (a.split.gain === b.split.gain && a.node < b.node);
	}

	push(item: OpenNode): void {
		const items = this.items;
		items.push(item);
		let i = items.length - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!this.before(items[i], items[parent])) break;
			[items[i], items[parent]] = [items[parent], items[i]];
			i = parent;
		}
	}

	pop(): OpenNode {
		const items = this.items;
		const top = items[0];
		const last = items.pop()!;
		if (items.length > 0) {
			items[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let best = i;
				if (l < items.length && this.before(items[l], items[best])) best = l;
				if (r < items.length && this.before(items[r], items[best])) best = r;
				if (best === i) break;
				[items[i], items[best]] = [items[best], items[i]];
				i = best;
			}
		}
		return top;
	}
}

function argmax(values: Float64Array): number {
	let best = 0;
	for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
	return best;
}

function shuffle(values: Uint8Array, random: () => number): void {
	for (let i = values.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[values[i], values[j]] = [values[j], values[i]];
	}
}

/** Everything the trees of one forest share: binned data, targets, settings. Plain data (workers get a copy). */
export interface ForestSetup {
	params: ForestParams;
	task: ForestData['task'];
	rows: number;
	featureCount: number;
	/** Channels per leaf (1, or the class count). */
	outputs: number;
	mapper: BinMapper;
	/** Column-major (`binned[f * rows + i]`): trees read one feature at a time over a node's rows. */
	binned: Uint8Array;
	y: Float64Array;
	weight: Float64Array | null;
	mtry: number;
}

export function setUpForest(data: ForestData, partial: Partial<ForestParams> = {}): ForestSetup {
	const params: ForestParams = { ...DEFAULT_FOREST_PARAMS, ...partial };
	const featureCount = data.features.length;
	const classCount =
		data.task === 'classification' ? Math.max(2, data.classCount ?? classCountOf(data.y)) : 1;
	const mapper = fitBinMapper(data.features, {
		maxBins: params.maxBins,
		seed: params.seed,
		categorical: data.categorical,
		minCategoryCount: params.minCategoryCount
	});
	return {
		params,
		task: data.task,
		rows: data.y.length,
		featureCount,
		outputs: channelsOf(data, classCount).count,
		mapper,
		binned: binFeatures(mapper, data.features, 'columns'),
		y: data.y,
		weight: data.weight ?? null,
		mtry: Math.max(
			1,
			params.maxFeatures === 'sqrt'
				? Math.round(Math.sqrt(featureCount))
				: Math.round(params.maxFeatures * featureCount)
		)
	};
}

/** Grows the trees of one forest, one at a time; tree t depends only on (setup, t). */
export class ForestTreeMaker {
	private readonly grower: ForestTreeGrower;
	readonly weights: Float64Array;

	constructor(private readonly setup: ForestSetup) {
		this.grower = new ForestTreeGrower(
			setup.binned,
			setup.mapper,
			{ count: setup.outputs },
			setup.y,
			setup.params,
			setup.mtry,
			setup.task === 'classification',
			setup.rows
		);
		this.weights = new Float64Array(setup.rows);
	}

	/** Tree t's bootstrap weights (into `this.weights`), then the tree. */
	grow(t: number): FlatTree {
		const { rows: n, params, weight } = this.setup;
		const random = createRandom(params.seed * 1_000_003 + t);
		const weights = this.weights;
		bootstrapWeights(n, params.bootstrap, weight, random, weights);
		let inBag = 0;
		for (let i = 0; i < n; i++) if (weights[i] > 0) inBag++;
		const rows = new Uint32Array(inBag);
		for (let i = 0, j = 0; i < n; i++) if (weights[i] > 0) rows[j++] = i;
		return this.grower.grow(rows, weights, random);
	}
}

/** How often each row was drawn (n draws with replacement), times its sample weight. */
function bootstrapWeights(
	n: number,
	bootstrap: boolean,
	weight: Float64Array | null,
	random: () => number,
	out: Float64Array
): void {
	out.fill(bootstrap ? 0 : 1);
	if (bootstrap) for (let d = 0; d < n; d++) out[Math.floor(random() * n)] += 1;
	if (weight) for (let i = 0; i < n; i++) out[i] *= weight[i];
}

/** Tree t's bootstrap weights, replayed from the seed (for out-of-bag scoring of trees grown elsewhere). */
export function replayBootstrap(setup: ForestSetup, t: number, out: Float64Array): void {
	bootstrapWeights(
		setup.rows,
		setup.params.bootstrap,
		setup.weight,
		createRandom(setup.params.seed * 1_000_003 + t),
		out
	);
}

/** The model from grown trees (in tree order), with out-of-bag predictions when bootstrapped. */
export function assembleForest(setup: ForestSetup, data: ForestData, trees: FlatTree[]): ForestModel {
	const K = setup.outputs;
	const n = setup.rows;
	const model: ForestModel = {
		kind: 'forest',
		task: setup.task,
		outputs: K,
		trees,
		featureCount: setup.featureCount
	};
	if (!setup.params.bootstrap || trees.length === 0) return model;
	const oobSum = new Float64Array(n * K);
	const oobCount = new Uint32Array(n);
	const weights = new Float64Array(n);
	trees.forEach((tree, t) => {
		replayBootstrap(setup, t, weights);
		const leaves = leafIndices(tree, data.features, n);
		for (let i = 0; i < n; i++) {
			if (weights[i] > 0) continue;
			oobCount[i]++;
			for (let k = 0; k < K; k++) oobSum[i * K + k] += tree.value[leaves[i] * K + k];
		}
	});
	model.oob = outOfBag(data, oobSum, oobCount, K);
	return model;
}

/** Fits a forest in this thread. Tree t's randomness comes from (seed, t) alone, so results do not depend on timing. */
export function fitForest(
	data: ForestData,
	partial: Partial<ForestParams> = {},
	options: ForestOptions = {}
): ForestModel {
	const setup = setUpForest(data, partial);
	const maker = new ForestTreeMaker(setup);
	const trees: FlatTree[] = [];
	for (let t = 0; t < setup.params.trees; t++) {
		if (options.signal?.aborted || (options.deadline !== undefined && Date.now() >= options.deadline)) break;
		trees.push(maker.grow(t));
		options.onTree?.(t);
	}
	return assembleForest(setup, data, trees);
}

function outOfBag(data: ForestData, sum: Float64Array, count: Uint32Array, K: number): ForestModel['oob'] {
	const n = data.y.length;
	const predictions = new Float64Array(n * K).fill(NaN);
	let scored = 0;
	let right = 0;
	let se = 0;
	let mean = 0;
	for (let i = 0; i < n; i++) if (count[i] > 0) mean += data.y[i];
	let covered = 0;
	for (let i = 0; i < n; i++) if (count[i] > 0) covered++;
	mean /= Math.max(1, covered);
	let tot = 0;
	for (let i = 0; i < n; i++) {
		if (count[i] === 0) continue;
		for (let k = 0; k < K; k++) predictions[i * K + k] = sum[i * K + k] / count[i];
		scored++;
		if (data.task === 'regression') {
			se += (predictions[i] - data.y[i]) ** 2;
			tot += (data.y[i] - mean) ** 2;
		} else {
			const predicted =
				K === 1 ? (predictions[i] >= 0.5 ? 1 : 0) : argmax(predictions.subarray(i * K, i * K + K));
			if (predicted === data.y[i]) right++;
		}
	}
	if (data.task === 'regression')
		return { predictions, votes: count, score: tot > 0 ? 1 - se / tot : 0, metric: 'r2' };
	return { predictions, votes: count, score: scored ? right / scored : 0, metric: 'accuracy' };
}

/** Mean of the trees' outputs, row-major (`out[i * outputs + k]`). */
export function predictForest(model: ForestModel, features: Float64Array[]): Float64Array {
	const n = features[0]?.length ?? 0;
	const K = model.outputs;
	const out = new Float64Array(n * K);
	for (const tree of model.trees) {
		const leaves = leafIndices(tree, features, n);
		for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] += tree.value[leaves[i] * K + k];
	}
	const scale = model.trees.length ? 1 / model.trees.length : 0;
	for (let j = 0; j < out.length; j++) out[j] *= scale;
	return out;
}
