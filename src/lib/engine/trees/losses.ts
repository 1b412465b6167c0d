/**
 * Boosting objectives, shaped like LightGBM's: gradients and hessians from raw scores, initial scores, and the
 * transform from raw scores to predictions. A loss has one raw score per row, or one per class (softmax).
 *
 * Layouts: raw scores are row-major (`raw[i * outputs + k]`); gradients and hessians are class-major
 * (`grad[k * n + i]`) so each class's tree reads one contiguous slice.
 */
export type LossName = 'squared_error' | 'absolute_error' | 'huber' | 'logistic' | 'softmax';

export const LOSS_NAMES: readonly LossName[] = [
	'squared_error',
	'absolute_error',
	'huber',
	'logistic',
	'softmax'
];

export interface Loss {
	name: LossName;
	/** Raw scores per row. */
	outputs: number;
	initialScores(y: Float64Array, weight: Float64Array | null): Float64Array;
	gradients(
		y: Float64Array,
		raw: Float64Array,
		weight: Float64Array | null,
		grad: Float64Array,
		hess: Float64Array
	): void;
	/** Raw scores → predictions, in place (identity, sigmoid, softmax). */
	transform(raw: Float64Array): void;
	/** The mean loss of these raw scores (validation and early stopping). */
	meanLoss(y: Float64Array, raw: Float64Array): number;
	/**
	 * For losses whose Newton step is a poor leaf value (absolute error): the leaf value, before shrinkage,
	 * from the residuals of the leaf's rows `rows[start..end)`.
	 */
	renewLeaf?(
		y: Float64Array,
		raw: Float64Array,
		weight: Float64Array | null,
		rows: Uint32Array,
		start: number,
		end: number
	): number;
}

function weightedMean(y: Float64Array, weight: Float64Array | null): number {
	let s = 0;
	let w = 0;
	for (let i = 0; i < y.length; i++) {
		const wi = weight ? weight[i] : 1;
		s += wi * y[i];
		w += wi;
	}
	return w > 0 ? s / w : 0;
}

/** The weighted median of `values` (not modified). */
export function weightedMedian(values: Float64Array, weight: Float64Array | null): number {
	if (values.length === 0) return 0;
	const order = Uint32Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
	let total = 0;
	for (let i = 0; i < values.length; i++) total += weight ? weight[i] : 1;
	let seen = 0;
	for (const i of order) {
		seen += weight ? weight[i] : 1;
		if (seen >= total / 2) return values[i];
	}
	return values[order[order.length - 1]];
}

function squaredError(): Loss {
	return {
		name: 'squared_error',
		outputs: 1,
		initialScores: (y, weight) => Float64Array.of(weightedMean(y, weight)),
		gradients(y, raw, weight, grad, hess) {
			for (let i = 0; i < y.length; i++) {
				const w = weight ? weight[i] : 1;
				grad[i] = w * (raw[i] - y[i]);
				hess[i] = w;
			}
		},
		transform: () => {},
		meanLoss(y, raw) {
			let s = 0;
			for (let i = 0; i < y.length; i++) s += (raw[i] - y[i]) ** 2;
			return y.length ? s / y.length : 0;
		}
	};
}

function residualMedian(
	y: Float64Array,
	raw: Float64Array,
	weight: Float64Array | null,
	rows: Uint32Array,
	start: number,
	end: number
): number {
	const residuals = new Float64Array(end - start);
	const w = weight ? new Float64Array(end - start) : null;
	for (let r = start; r < end; r++) {
		residuals[r - start] = y[rows[r]] - raw[rows[r]];
		if (w) w[r - start] = weight![rows[r]];
	}
	return weightedMedian(residuals, w);
}

/** Mean absolute error: sign gradients to choose splits, then each leaf takes its residuals' median. */
function absoluteError(): Loss {
	return {
		name: 'absolute_error',
		outputs: 1,
		initialScores: (y, weight) => Float64Array.of(weightedMedian(y, weight)),
		gradients(y, raw, weight, grad, hess) {
			for (let i = 0; i < y.length; i++) {
				const w = weight ? weight[i] : 1;
				grad[i] = w * Math.sign(raw[i] - y[i]);
				hess[i] = w;
			}
		},
		transform: () => {},
		meanLoss(y, raw) {
			let s = 0;
			for (let i = 0; i < y.length; i++) s += Math.abs(raw[i] - y[i]);
			return y.length ? s / y.length : 0;
		},
		renewLeaf: residualMedian
	};
}

/**
 * Huber: squared error for small residuals, absolute beyond δ. δ follows the data: each round it is the 90th
 * percentile of the absolute residuals (as scikit-learn does), taken on an evenly spaced sample of rows.
 */
function huber(quantile = 0.9): Loss {
	let delta = 1;
	return {
		name: 'huber',
		outputs: 1,
		initialScores: (y, weight) => Float64Array.of(weightedMedian(y, weight)),
		gradients(y, raw, weight, grad, hess) {
			const step = Math.max(1, Math.floor(y.length / 10_000));
			const sample = new Float64Array(Math.ceil(y.length / step));
			for (let i = 0, j = 0; i < y.length; i += step) sample[j++] = Math.abs(y[i] - raw[i]);
			sample.sort();
			delta = Math.max(1e-12, sample[Math.min(sample.length - 1, Math.floor(quantile * sample.length))] ?? 1);
			for (let i = 0; i < y.length; i++) {
				const w = weight ? weight[i] : 1;
				const r = raw[i] - y[i];
				grad[i] = w * (Math.abs(r) <= delta ? r : delta * Math.sign(r));
				hess[i] = w;
			}
		},
		transform: () => {},
		meanLoss(y, raw) {
			let s = 0;
			for (let i = 0; i < y.length; i++) {
				const r = Math.abs(raw[i] - y[i]);
				s += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
			}
			return y.length ? s / y.length : 0;
		}
	};
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Binary log loss; y is 0 or 1, raw scores are log-odds. */
function logistic(): Loss {
	return {
		name: 'logistic',
		outputs: 1,
		initialScores(y, weight) {
			const p = Math.min(1 - 1e-12, Math.max(1e-12, weightedMean(y, weight)));
			return Float64Array.of(Math.log(p / (1 - p)));
		},
		gradients(y, raw, weight, grad, hess) {
			for (let i = 0; i < y.length; i++) {
				const w = weight ? weight[i] : 1;
				const p = sigmoid(raw[i]);
				grad[i] = w * (p - y[i]);
				hess[i] = w * Math.max(p * (1 - p), 1e-16);
			}
		},
		transform(raw) {
			for (let i = 0; i < raw.length; i++) raw[i] = sigmoid(raw[i]);
		},
		meanLoss(y, raw) {
			let s = 0;
			for (let i = 0; i < y.length; i++) {
				const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(raw[i])));
				s -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
			}
			return y.length ? s / y.length : 0;
		}
	};
}

/** Softmax of row i of a row-major score matrix, into `out`. */
function softmaxRow(raw: Float64Array, i: number, k: number, out: Float64Array): void {
	let max = -Infinity;
	for (let c = 0; c < k; c++) max = Math.max(max, raw[i * k + c]);
	let sum = 0;
	for (let c = 0; c < k; c++) {
		out[c] = Math.exp(raw[i * k + c] - max);
		sum += out[c];
	}
	for (let c = 0; c < k; c++) out[c] /= sum;
}

/** Multiclass log loss; y holds class indices 0..k-1, one raw score (and one tree per round) per class. */
function softmax(classCount: number): Loss {
	const k = classCount;
	// LightGBM's factor: the diagonal hessian of softmax, rescaled so k classes behave like k − 1 free scores.
	const factor = k / (k - 1);
	return {
		name: 'softmax',
		outputs: k,
		initialScores(y, weight) {
			const counts = new Float64Array(k);
			for (let i = 0; i < y.length; i++) counts[y[i]] += weight ? weight[i] : 1;
			const total = counts.reduce((a, b) => a + b, 0) || 1;
			const logs = counts.map((c) => Math.log(Math.max(c / total, 1e-12)));
			const mean = logs.reduce((a, b) => a + b, 0) / k;
			return logs.map((l) => l - mean);
		},
		gradients(y, raw, weight, grad, hess) {
			const n = y.length;
			const p = new Float64Array(k);
			for (let i = 0; i < n; i++) {
				softmaxRow(raw, i, k, p);
				const w = weight ? weight[i] : 1;
				for (let c = 0; c < k; c++) {
					grad[c * n + i] = w * (p[c] - (y[i] === c ? 1 : 0));
					hess[c * n + i] = w * Math.max(factor * p[c] * (1 - p[c]), 1e-16);
				}
			}
		},
		transform(raw) {
			const p = new Float64Array(k);
			for (let i = 0; i < raw.length / k; i++) {
				softmaxRow(raw, i, k, p);
				raw.set(p, i * k);
			}
		},
		meanLoss(y, raw) {
			const p = new Float64Array(k);
			let s = 0;
			for (let i = 0; i < y.length; i++) {
				softmaxRow(raw, i, k, p);
				s -= Math.log(Math.max(p[y[i]], 1e-15));
			}
			return y.length ? s / y.length : 0;
		}
	};
}

/** The loss of this name; `classCount` is needed for softmax. */
export function createLoss(name: LossName, classCount = 2): Loss {
	switch (name) {
		case 'squared_error':
			return squaredError();
		case 'absolute_error':
			return absoluteError();
		case 'huber':
			return huber();
		case 'logistic':
			return logistic();
		case 'softmax':
			if (classCount < 2) throw new Error(`softmax needs at least 2 classes, got ${classCount}`);
			return softmax(classCount);
	}
}
