/**
 * Gradient/hessian histograms: for one node, per feature and bin, the sums of gradients and hessians and the
 * row count. Layout: `hist[(f * 256 + bin) * 3 + {0: grad, 1: hess, 2: count}]`, float64 sums.
 */
export const BINS_PER_FEATURE = 256;
export const STRIDE = 3;

export function histogramSize(featureCount: number): number {
	return featureCount * BINS_PER_FEATURE * STRIDE;
}

/** Builds the histogram of rows `rows[start..end)` for the given features, into `out` (zeroed first). */
export function buildHistogram(
	binned: Uint8Array,
	n: number,
	features: Int32Array,
	rows: Uint32Array,
	start: number,
	end: number,
	grad: Float64Array,
	hess: Float64Array,
	out: Float64Array
): void {
	out.fill(0);
	for (let k = 0; k < features.length; k++) {
		const f = features[k];
		const column = f * n;
		const base = f * BINS_PER_FEATURE * STRIDE;
		for (let r = start; r < end; r++) {
			const i = rows[r];
			const slot = base + binned[column + i] * STRIDE;
			out[slot] += grad[i];
			out[slot + 1] += hess[i];
			out[slot + 2] += 1;
		}
	}
}

/** The larger child's histogram without a pass over its rows: parent − smaller sibling. */
export function subtractHistogram(parent: Float64Array, sibling: Float64Array, out: Float64Array): void {
	for (let j = 0; j < parent.length; j++) out[j] = parent[j] - sibling[j];
}
