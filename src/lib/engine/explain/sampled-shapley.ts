/**
 * Contributions for models with no exact explainer of their own (k-nearest neighbours, neural networks):
 * Shapley values against one baseline row, estimated over permutations of the features. For each permutation
 * the features move from the baseline's value to the row's one at a time, and each gets the change of the
 * output it caused. Every permutation's changes add up to f(row) − f(baseline) exactly, so the average does
 * too: base + Σ contributions = the prediction, always. Permutations come in antithetic pairs (an order and
 * its reverse), seeded by the row, so the same row is always explained the same way.
 */

/** Predicts row-major outputs for column-major features (a family's `predict`). */
export type BatchPredict = (features: Float64Array[]) => Float64Array;

export interface SampledShapley {
	/** f(baseline) per output. */
	base: Float64Array;
	/** `values[feature * outputs + k]`. */
	values: Float64Array;
}

function rowSeed(row: Float64Array): number {
	let h = 2166136261;
	for (const v of row) {
		h ^= Number.isNaN(v) ? 0x7ff8 : Math.round(v * 1e6) | 0;
		h = Math.imul(h, 16777619);
	}
	return h >>> 0;
}

function shuffled(n: number, next: () => number): number[] {
	const order = Array.from({ length: n }, (_, i) => i);
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[order[i], order[j]] = [order[j], order[i]];
	}
	return order;
}

export function sampledShapley(
	predict: BatchPredict,
	row: Float64Array,
	baseline: Float64Array,
	outputs: number,
	pairs = 4
): SampledShapley {
	const F = row.length;
	let s = rowSeed(row);
	const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
	const orders: number[][] = [];
	for (let p = 0; p < pairs; p++) {
		const order = shuffled(F, next);
		orders.push(order, [...order].reverse());
	}
	// One batch: per permutation, the baseline and then F rows, each with one more feature set to the row's.
	const steps = F + 1;
	const total = orders.length * steps;
	const columns = Array.from({ length: F }, () => new Float64Array(total));
	orders.forEach((order, p) => {
		const z = Float64Array.from(baseline);
		for (let step = 0; step < steps; step++) {
			if (step > 0) z[order[step - 1]] = row[order[step - 1]];
			const at = p * steps + step;
			for (let f = 0; f < F; f++) columns[f][at] = z[f];
		}
	});
	const out = predict(columns);
	const values = new Float64Array(F * outputs);
	orders.forEach((order, p) => {
		for (let step = 1; step < steps; step++) {
			const f = order[step - 1];
			const now = (p * steps + step) * outputs;
			const before = (p * steps + step - 1) * outputs;
			for (let k = 0; k < outputs; k++)
				values[f * outputs + k] += (out[now + k] - out[before + k]) / orders.length;
		}
	});
	return { base: out.slice(0, outputs), values };
}

/** The baseline row: each feature's mean over the training rows (categorical: the most frequent code). */
export function baselineRow(features: Float64Array[], categorical: ArrayLike<number>): Float64Array {
	return Float64Array.from(features, (values, f) => {
		if (categorical[f]) {
			const counts = new Map<number, number>();
			for (const v of values) if (v === v) counts.set(v, (counts.get(v) ?? 0) + 1);
			let best = NaN;
			let most = 0;
			for (const [code, c] of counts) if (c > most || (c === most && code < best)) [best, most] = [code, c];
			return best;
		}
		let sum = 0;
		let count = 0;
		for (const v of values)
			if (v === v) {
				sum += v;
				count++;
			}
		return count ? sum / count : NaN;
	});
}
