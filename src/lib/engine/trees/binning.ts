/**
 * Binning: each numeric feature becomes up to 255 ordered bins (quantiles of a subsample), stored column-major
 * as one Uint8Array. Bin 255 is kept for missing values. A value goes to the first bin whose upper edge is ≥ it.
 */
export const MISSING_BIN = 255;
export const MAX_BINS = 255;

export interface BinMapper {
	/** Per feature, the ascending upper edges of bins 0..k-2 (the last bin is open above). */
	edges: Float64Array[];
	/** Per feature, the number of non-missing bins used (≤ 255). */
	binCounts: Uint16Array;
}

/** A small deterministic generator for subsampling (xorshift32). */
function xorshift(seed: number): () => number {
	let x = seed >>> 0 || 0x9e3779b9;
	return () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		return x / 4294967296;
	};
}

/** Learns bin edges per feature from (a subsample of) the rows. NaN marks a missing value. */
export function fitBinMapper(
	features: Float64Array[],
	options: { maxBins?: number; subsample?: number; seed?: number } = {}
): BinMapper {
	const maxBins = Math.min(MAX_BINS, options.maxBins ?? MAX_BINS);
	const n = features[0]?.length ?? 0;
	const subsample = options.subsample ?? 200_000;
	let rows: Uint32Array | null = null;
	if (n > subsample) {
		// Reservoir-free: a sorted random set of row indices, the same for every feature.
		const random = xorshift(options.seed ?? 0);
		const picked = new Uint8Array(n);
		let k = 0;
		while (k < subsample) {
			const i = Math.floor(random() * n);
			if (!picked[i]) {
				picked[i] = 1;
				k++;
			}
		}
		rows = new Uint32Array(subsample);
		for (let i = 0, j = 0; i < n; i++) if (picked[i]) rows[j++] = i;
	}
	const edges: Float64Array[] = [];
	const binCounts = new Uint16Array(features.length);
	features.forEach((column, f) => {
		const values: number[] = [];
		const count = rows ? rows.length : n;
		for (let r = 0; r < count; r++) {
			const v = column[rows ? rows[r] : r];
			if (!Number.isNaN(v)) values.push(v);
		}
		const sorted = Float64Array.from(values).sort();
		const distinct: number[] = [];
		for (let i = 0; i < sorted.length; i++)
			if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
		let upper: number[];
		if (distinct.length <= maxBins) {
			// One bin per distinct value: edges halfway between neighbours.
			upper = distinct.slice(0, -1).map((v, i) => v + (distinct[i + 1] - v) / 2);
		} else {
			// Quantile edges, de-duplicated (heavy ties collapse bins).
			upper = [];
			for (let b = 1; b < maxBins; b++) {
				const q = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / maxBins))];
				const prev = sorted[Math.max(0, Math.floor((b * sorted.length) / maxBins) - 1)];
				const edge = prev + (q - prev) / 2;
				if (upper.length === 0 || edge > upper[upper.length - 1]) upper.push(edge);
			}
		}
		edges.push(Float64Array.from(upper));
		binCounts[f] = Math.max(1, upper.length + 1);
	});
	return { edges, binCounts };
}

/** The bin of one raw value (binary search over the feature's edges). */
export function binOf(edges: Float64Array, value: number): number {
	if (Number.isNaN(value)) return MISSING_BIN;
	let lo = 0;
	let hi = edges.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (value <= edges[mid]) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/** Bins every feature: column-major, `binned[f * n + i]`. */
export function binFeatures(mapper: BinMapper, features: Float64Array[]): Uint8Array {
	const n = features[0]?.length ?? 0;
	const binned = new Uint8Array(features.length * n);
	features.forEach((column, f) => {
		const edges = mapper.edges[f];
		const offset = f * n;
		for (let i = 0; i < n; i++) binned[offset + i] = binOf(edges, column[i]);
	});
	return binned;
}
