/** A boosting objective, shaped like LightGBM's: gradients and hessians from raw scores, an initial score, and
 * the transform from raw score to prediction. */
export interface Loss {
	name: 'squared_error' | 'logistic';
	constantHessian: boolean;
	initialScore(y: Float64Array, weight: Float64Array | null): number;
	gradients(
		y: Float64Array,
		raw: Float64Array,
		weight: Float64Array | null,
		grad: Float64Array,
		hess: Float64Array
	): void;
	transform(raw: number): number;
	/** The loss of one row at this raw score (for validation and early stopping). */
	pointLoss(y: number, raw: number): number;
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

export const squaredError: Loss = {
	name: 'squared_error',
	constantHessian: true,
	initialScore: weightedMean,
	gradients(y, raw, weight, grad, hess) {
		for (let i = 0; i < y.length; i++) {
			const w = weight ? weight[i] : 1;
			grad[i] = w * (raw[i] - y[i]);
			hess[i] = w;
		}
	},
	transform: (raw) => raw,
	pointLoss: (y, raw) => (raw - y) ** 2
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Binary log loss; y is 0 or 1, raw scores are log-odds. */
export const logistic: Loss = {
	name: 'logistic',
	constantHessian: false,
	initialScore(y, weight) {
		const p = Math.min(1 - 1e-12, Math.max(1e-12, weightedMean(y, weight)));
		return Math.log(p / (1 - p));
	},
	gradients(y, raw, weight, grad, hess) {
		for (let i = 0; i < y.length; i++) {
			const w = weight ? weight[i] : 1;
			const p = sigmoid(raw[i]);
			grad[i] = w * (p - y[i]);
			hess[i] = w * Math.max(p * (1 - p), 1e-16);
		}
	},
	transform: sigmoid,
	pointLoss(y, raw) {
		const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(raw)));
		return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
	}
};
