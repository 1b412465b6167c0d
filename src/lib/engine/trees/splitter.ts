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
}

export interface NodeSums {
	grad: number;
	hess: number;
	count: number;
}

export interface Split {
	feature: number;
	/** Rows with bin ≤ `bin` go left. `bin` = last used bin means "every non-missing value left". */
	bin: number;
	missingLeft: boolean;
	gain: number;
	left: NodeSums;
	right: NodeSums;
}

/** Soft-thresholded gradient sum (L1). */
function thresholdL1(g: number, l1: number): number {
	if (l1 === 0) return g;
	return g > l1 ? g - l1 : g < -l1 ? g + l1 : 0;
}

/** The score a leaf with these sums contributes to the objective (higher is better). */
export function leafScore(grad: number, hess: number, params: SplitParams): number {
	const g = thresholdL1(grad, params.l1);
	return (g * g) / (hess + params.l2);
}

/** The optimal leaf value for these sums (before the learning rate). */
export function leafValue(grad: number, hess: number, params: SplitParams): number {
	return -thresholdL1(grad, params.l1) / (hess + params.l2);
}

/**
 * The best split of a node over the given features, from its histogram. For every bin boundary it tries the
 * node's missing values on the left and on the right and keeps the better, so missing values learn their
 * direction. Returns null when no split satisfies the leaf constraints or beats `minSplitGain`.
 */
export function findBestSplit(
	hist: Float64Array,
	features: Int32Array,
	binCounts: Uint16Array,
	total: NodeSums,
	params: SplitParams
): Split | null {
	const parentScore = leafScore(total.grad, total.hess, params);
	let best: Split | null = null;
	for (let k = 0; k < features.length; k++) {
		const f = features[k];
		const base = f * BINS_PER_FEATURE * STRIDE;
		const bins = binCounts[f];
		const missing = base + MISSING_BIN * STRIDE;
		const mg = hist[missing];
		const mh = hist[missing + 1];
		const mc = hist[missing + 2];
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
				const missingLeft = side === 1;
				if (missingLeft && (mc === 0 || t === bins - 1)) continue;
				const gl = missingLeft ? lg + mg : lg;
				const hl = missingLeft ? lh + mh : lh;
				const cl = missingLeft ? lc + mc : lc;
				const gr = total.grad - gl;
				const hr = total.hess - hl;
				const cr = total.count - cl;
				if (cl < params.minSamplesLeaf || cr < params.minSamplesLeaf) continue;
				if (hl < params.minHessianLeaf || hr < params.minHessianLeaf) continue;
				const gain = 0.5 * (leafScore(gl, hl, params) + leafScore(gr, hr, params) - parentScore);
				if (gain > params.minSplitGain && (!best || gain > best.gain)) {
					best = {
						feature: f,
						bin: t,
						missingLeft,
						gain,
						left: { grad: gl, hess: hl, count: cl },
						right: { grad: gr, hess: hr, count: cr }
					};
				}
			}
		}
	}
	return best;
}
