import { MISSING_BIN } from './binning';
import { BINS_PER_FEATURE, STRIDE } from './histogram';

export interface SplitParams {
	/** L2 regularisation on leaf values (λ). */
	l2: number;
	/** L1 regularisation on leaf values (α). */
	l1: number;
	minSamplesLeaf: number;
	minHessianLeaf: number;
	minSplitGain: number;
	/** Categorical splits: smoothing of each category's gradient ratio when ordering categories (LightGBM's cat_smooth). */
	catSmooth: number;
	/** Extra L2 for categorical splits, which overfit more easily (LightGBM's cat_l2). */
	catL2: number;
	/** Categorical features with at most this many categories are split one category against the rest. */
	maxCatOneHot: number;
}

export const DEFAULT_SPLIT_PARAMS: SplitParams = {
	l2: 0,
	l1: 0,
	minSamplesLeaf: 20,
	minHessianLeaf: 1e-3,
	minSplitGain: 0,
	catSmooth: 10,
	catL2: 10,
	maxCatOneHot: 4
};

export interface NodeSums {
	grad: number;
	hess: number;
	count: number;
}

export interface Split {
	feature: number;
	gain: number;
	/** Where rows with a missing value (or an unseen category) go. */
	missingLeft: boolean;
	/** Numeric splits: rows with bin ≤ `bin` go left. */
	bin: number;
	/**
	 * Numeric splits that know it (forests): the first bin right of the cut that the node's rows fall in. Every
	 * threshold between the two bins splits those rows alike; the tree's then lies halfway between them, as an
	 * exact split's lies halfway between the values either side, instead of at `bin`'s upper edge.
	 */
	nextBin?: number;
	/** Categorical splits: the bins that go left; null for numeric splits. */
	leftBins: Uint8Array | null;
	left: NodeSums;
	right: NodeSums;
}

/** Soft-thresholded gradient sum (L1). */
function thresholdL1(g: number, l1: number): number {
	if (l1 === 0) return g;
	return g > l1 ? g - l1 : g < -l1 ? g + l1 : 0;
}

/** The score a leaf with these sums contributes to the objective (higher is better). */
export function leafScore(grad: number, hess: number, params: Pick<SplitParams, 'l1' | 'l2'>): number {
	const g = thresholdL1(grad, params.l1);
	return (g * g) / (hess + params.l2);
}

/** The optimal leaf value for these sums (before the learning rate). */
export function leafValue(grad: number, hess: number, params: Pick<SplitParams, 'l1' | 'l2'>): number {
	return -thresholdL1(grad, params.l1) / (hess + params.l2);
}

/** Per bin, 1 when a row in that bin goes left under this split (the missing bin included). */
export function goLeftTable(split: Split): Uint8Array {
	const table = new Uint8Array(BINS_PER_FEATURE);
	if (split.leftBins) for (const b of split.leftBins) table[b] = 1;
	else table.fill(1, 0, split.bin + 1);
	table[MISSING_BIN] = split.missingLeft ? 1 : 0;
	return table;
}

/** Mutable best-so-far, so the scans allocate only when they improve on it. */
class BestSplit {
	split: Split | null = null;
	constructor(readonly minGain: number) {}
	beats(gain: number): boolean {
		return gain > this.minGain && (!this.split || gain > this.split.gain);
	}
}

function admissible(
	cl: number,
	hl: number,
	cr: number,
	hr: number,
	params: Pick<SplitParams, 'minSamplesLeaf' | 'minHessianLeaf'>
): boolean {
	return (
		cl > 0 &&
		cr > 0 &&
		cl >= params.minSamplesLeaf &&
		cr >= params.minSamplesLeaf &&
		hl >= params.minHessianLeaf &&
		hr >= params.minHessianLeaf
	);
}

/**
 * Ordered bins: every boundary between bins t and t+1, with missing values tried on both sides. This runs for
 * every feature of every new node, so the candidate loop avoids calls and allocations: a Split object is made
 * only when a candidate beats the best so far.
 */
function scanNumeric(
	hist: Float64Array,
	f: number,
	bins: number,
	total: NodeSums,
	params: SplitParams,
	parentScore: number,
	best: BestSplit,
	countsTracked: boolean
): void {
	const base = f * BINS_PER_FEATURE * STRIDE;
	const missing = base + MISSING_BIN * STRIDE;
	const mg = hist[missing];
	const mh = hist[missing + 1];
	// Whether any row is missing: from the count, or (without counts) from the hessian, which is > 0 per row.
	const mc = countsTracked ? hist[missing + 2] : mh > 0 ? 1 : 0;
	const { l1, l2, minSamplesLeaf } = params;
	// Without per-bin counts (no minimum leaf size), an empty side is recognised by its zero hessian.
	const minCount = countsTracked ? Math.max(1, minSamplesLeaf) : -Infinity;
	const minHessianLeaf = countsTracked ? params.minHessianLeaf : Math.max(params.minHessianLeaf, 1e-9);
	const G = total.grad;
	const H = total.hess;
	const C = total.count;
	let bestGain = Math.max(best.minGain, best.split ? best.split.gain : -Infinity);
	let lg = 0;
	let lh = 0;
	let lc = 0;
	// The last boundary (t = bins − 1) only separates missing from non-missing values.
	const lastT = mc > 0 ? bins - 1 : bins - 2;
	for (let t = 0; t <= lastT; t++) {
		if (t < bins) {
			const slot = base + t * STRIDE;
			lg += hist[slot];
			lh += hist[slot + 1];
			lc += hist[slot + 2];
		}
		for (let side = 0; side < 2; side++) {
			let gl = lg;
			let hl = lh;
			let cl = lc;
			if (side === 1) {
				if (mc === 0 || t === bins - 1) break;
				gl += mg;
				hl += mh;
				cl += mc;
			}
			const hr = H - hl;
			const cr = C - cl;
			if (cl < minCount || cr < minCount || hl < minHessianLeaf || hr < minHessianLeaf) continue;
			const gr = G - gl;
			const gain =
				l1 === 0
					? 0.5 * ((gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore)
					: 0.5 * (leafScore(gl, hl, params) + leafScore(gr, hr, params) - parentScore);
			if (gain > bestGain) {
				bestGain = gain;
				best.split = {
					feature: f,
					gain,
					missingLeft: side === 1,
					bin: t,
					leftBins: null,
					left: { grad: gl, hess: hl, count: cl },
					right: { grad: gr, hess: hr, count: cr }
				};
			}
		}
	}
}

/**
 * Categorical bins: few categories are tried one against the rest; more are sorted by their smoothed gradient
 * ratio and every prefix of that order is tried as the left set (LightGBM's approach: the optimal partition for
 * a convex loss is contiguous in that order). Missing values are tried on both sides.
 */
function scanCategorical(
	hist: Float64Array,
	f: number,
	bins: number,
	total: NodeSums,
	params: SplitParams,
	best: BestSplit
): void {
	const base = f * BINS_PER_FEATURE * STRIDE;
	const used: number[] = [];
	for (let b = 0; b < bins; b++) if (hist[base + b * STRIDE + 2] > 0) used.push(b);
	if (used.length < 1) return;
	const regularised = { l1: params.l1, l2: params.l2 + params.catL2 };
	const missing = base + MISSING_BIN * STRIDE;
	const mg = hist[missing];
	const mh = hist[missing + 1];
	const mc = hist[missing + 2];
	const parentScore = leafScore(total.grad, total.hess, regularised);
	const oneHot = bins <= params.maxCatOneHot;
	if (!oneHot) {
		const ratio = (b: number) => hist[base + b * STRIDE] / (hist[base + b * STRIDE + 1] + params.catSmooth);
		used.sort((a, b) => ratio(a) - ratio(b) || a - b);
	}
	let lg = 0;
	let lh = 0;
	let lc = 0;
	// One-vs-rest tries each used bin alone; the sorted scan tries each prefix (and, when there are missing
	// values, the full set against the missing rows).
	const candidates = oneHot ? used.length : mc > 0 ? used.length : used.length - 1;
	for (let j = 0; j < candidates; j++) {
		const slot = base + used[j] * STRIDE;
		if (oneHot) {
			lg = hist[slot];
			lh = hist[slot + 1];
			lc = hist[slot + 2];
		} else {
			lg += hist[slot];
			lh += hist[slot + 1];
			lc += hist[slot + 2];
		}
		for (let side = 0; side < 2; side++) {
			const missingLeft = side === 1;
			if (missingLeft && mc === 0) continue;
			const gl = missingLeft ? lg + mg : lg;
			const hl = missingLeft ? lh + mh : lh;
			const cl = missingLeft ? lc + mc : lc;
			const gr = total.grad - gl;
			const hr = total.hess - hl;
			const cr = total.count - cl;
			if (!admissible(cl, hl, cr, hr, params)) continue;
			const gain = 0.5 * (leafScore(gl, hl, regularised) + leafScore(gr, hr, regularised) - parentScore);
			if (best.beats(gain)) {
				best.split = {
					feature: f,
					gain,
					missingLeft,
					bin: -1,
					leftBins: Uint8Array.from(oneHot ? [used[j]] : used.slice(0, j + 1)),
					left: { grad: gl, hess: hl, count: cl },
					right: { grad: gr, hess: hr, count: cr }
				};
			}
		}
	}
}

/**
 * The best split of a node over the given features, from its histogram. Returns null when no split satisfies
 * the leaf constraints or beats `minSplitGain`.
 */
export function findBestSplit(
	hist: Float64Array,
	features: Int32Array,
	binCounts: Uint16Array,
	total: NodeSums,
	params: SplitParams,
	categorical?: Uint8Array,
	countsTracked = true
): Split | null {
	const best = new BestSplit(params.minSplitGain);
	const parentScore = leafScore(total.grad, total.hess, params);
	for (let k = 0; k < features.length; k++) {
		const f = features[k];
		if (categorical?.[f]) scanCategorical(hist, f, binCounts[f], total, params, best);
		else scanNumeric(hist, f, binCounts[f], total, params, parentScore, best, countsTracked);
	}
	const split = best.split;
	if (split) {
		// No training row here lacks this feature, so the direction is only for rows seen later (a missing value,
		// an unseen category): send them with the majority, not always right, which on a sorted categorical
		// split is the high-target side.
		const missing = split.feature * BINS_PER_FEATURE * STRIDE + MISSING_BIN * STRIDE;
		const anyMissing = countsTracked ? hist[missing + 2] > 0 : hist[missing + 1] > 0;
		if (!anyMissing)
			split.missingLeft = countsTracked
				? split.left.count >= split.right.count
				: split.left.hess >= split.right.hess;
	}
	return split;
}
