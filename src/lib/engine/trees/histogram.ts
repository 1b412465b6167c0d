/**
 * Gradient/hessian histograms: for one node, per feature and bin, the sums of gradients and hessians and the
 * row count. Layout: `hist[(f * 256 + bin) * 3 + {0: grad, 1: hess, 2: count}]`, float64 sums.
 */
export const BINS_PER_FEATURE = 256;
export const STRIDE = 3;
const FEATURE_SPAN = BINS_PER_FEATURE * STRIDE;

export function histogramSize(featureCount: number): number {
	return featureCount * FEATURE_SPAN;
}

/**
 * Builds the histogram of rows `rows[start..end)` into `out`, for `features` (a subset) or, when null, for every
 * feature. `binned` is row-major with `width` features per row. Only the built features' slices are zeroed and
 * written. Without `withCounts` the count slots stay 0 (the caller needs no per-bin row counts because no
 * minimum leaf size applies), which saves a quarter of the time.
 */
export function buildHistogram(
	binned: Uint8Array,
	width: number,
	features: Int32Array | null,
	rows: Uint32Array,
	start: number,
	end: number,
	grad: Float64Array,
	hess: Float64Array,
	out: Float64Array,
	withCounts = true
): void {
	if (!features) {
		out.fill(0, 0, width * FEATURE_SPAN);
		if (withCounts) buildAllFeatures(binned, width, rows, start, end, grad, hess, out);
		else buildAllFeaturesWithoutCounts(binned, width, rows, start, end, grad, hess, out);
		return;
	}
	for (let k = 0; k < features.length; k++)
		out.fill(0, features[k] * FEATURE_SPAN, (features[k] + 1) * FEATURE_SPAN);
	const count = features.length;
	for (let r = start; r < end; r++) {
		const i = rows[r];
		const g = grad[i];
		const h = hess[i];
		const row = i * width;
		for (let k = 0; k < count; k++) {
			const f = features[k];
			const slot = f * FEATURE_SPAN + binned[row + f] * STRIDE;
			out[slot] += g;
			out[slot + 1] += h;
			out[slot + 2] += 1;
		}
	}
}

/**
 * The hot loop. Four features per step keeps four independent read-modify-write chains in flight, which
 * measured about 1.5× faster in V8 than one feature per step.
 */
function buildAllFeatures(
	binned: Uint8Array,
	width: number,
	rows: Uint32Array,
	start: number,
	end: number,
	grad: Float64Array,
	hess: Float64Array,
	out: Float64Array
): void {
	const blocked = width - (width % 4);
	for (let r = start; r < end; r++) {
		const i = rows[r];
		const g = grad[i];
		const h = hess[i];
		const row = i * width;
		let f = 0;
		for (; f < blocked; f += 4) {
			const s0 = f * FEATURE_SPAN + binned[row + f] * STRIDE;
			const s1 = (f + 1) * FEATURE_SPAN + binned[row + f + 1] * STRIDE;
			const s2 = (f + 2) * FEATURE_SPAN + binned[row + f + 2] * STRIDE;
			const s3 = (f + 3) * FEATURE_SPAN + binned[row + f + 3] * STRIDE;
			out[s0] += g;
			out[s0 + 1] += h;
			out[s0 + 2] += 1;
			out[s1] += g;
			out[s1 + 1] += h;
			out[s1 + 2] += 1;
			out[s2] += g;
			out[s2 + 1] += h;
			out[s2 + 2] += 1;
			out[s3] += g;
			out[s3 + 1] += h;
			out[s3 + 2] += 1;
		}
		for (; f < width; f++) {
			const s = f * FEATURE_SPAN + binned[row + f] * STRIDE;
			out[s] += g;
			out[s + 1] += h;
			out[s + 2] += 1;
		}
	}
}

/** buildAllFeatures without the count slots. */
function buildAllFeaturesWithoutCounts(
	binned: Uint8Array,
	width: number,
	rows: Uint32Array,
	start: number,
	end: number,
	grad: Float64Array,
	hess: Float64Array,
	out: Float64Array
): void {
	const blocked = width - (width % 4);
	for (let r = start; r < end; r++) {
		const i = rows[r];
		const g = grad[i];
		const h = hess[i];
		const row = i * width;
		let f = 0;
		for (; f < blocked; f += 4) {
			const s0 = f * FEATURE_SPAN + binned[row + f] * STRIDE;
			const s1 = (f + 1) * FEATURE_SPAN + binned[row + f + 1] * STRIDE;
			const s2 = (f + 2) * FEATURE_SPAN + binned[row + f + 2] * STRIDE;
			const s3 = (f + 3) * FEATURE_SPAN + binned[row + f + 3] * STRIDE;
			out[s0] += g;
			out[s0 + 1] += h;
			out[s1] += g;
			out[s1 + 1] += h;
			out[s2] += g;
			out[s2 + 1] += h;
			out[s3] += g;
			out[s3 + 1] += h;
		}
		for (; f < width; f++) {
			const s = f * FEATURE_SPAN + binned[row + f] * STRIDE;
			out[s] += g;
			out[s + 1] += h;
		}
	}
}

/** The larger child's histogram without a pass over its rows: parent − smaller sibling (features or all). */
export function subtractHistogram(
	parent: Float64Array,
	sibling: Float64Array,
	out: Float64Array,
	features: Int32Array | null = null
): void {
	if (!features) {
		for (let j = 0; j < parent.length; j++) out[j] = parent[j] - sibling[j];
		return;
	}
	for (let k = 0; k < features.length; k++) {
		const base = features[k] * FEATURE_SPAN;
		for (let j = base; j < base + FEATURE_SPAN; j++) out[j] = parent[j] - sibling[j];
	}
}
