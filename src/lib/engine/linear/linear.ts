/**
 * Regularised linear models in typed arrays: ridge regression (closed form, Cholesky) and logistic regression
 * (binary, or multinomial softmax) minimised with L-BFGS. Objective: mean loss + (λ/2)·‖w‖², the intercept not
 * penalised. Features go through `design.ts` (standardised numbers, optionally bending at knots; one-hot
 * categories) learned on the training rows. Deterministic: no randomness anywhere.
 */
import { columnSpan, designMatrix, fitDesign, type DesignSpec } from './design';
import { minimiseLbfgs } from './lbfgs';

export type LinearTask = 'regression' | 'binary' | 'multiclass';

export interface LinearModel {
	kind: 'linear';
	task: LinearTask;
	/** Values per row: 1 (regression value, P(class 1)), or one per class. */
	outputs: number;
	design: DesignSpec;
	/** (width + 1) × outputs, row-major; the last row is the intercept. */
	weights: Float64Array;
	/** Mean of each design column over the training rows: the reference point of contributions. */
	means: Float64Array;
}

export interface LinearData {
	features: Float64Array[];
	y: Float64Array;
	categorical: ArrayLike<number>;
	task: LinearTask;
	/** Classes, for multiclass (some may be absent from these rows). */
	classCount?: number;
}

export interface LinearOptions {
	/** L2 strength λ (per row). */
	l2: number;
	/** Knots per numeric feature: each bends at up to this many quantiles of its values (design.ts); 0: straight. */
	knots?: number;
	maxIterations?: number;
	deadline?: number;
	signal?: AbortSignal;
}

/** Solves A·x = b for a symmetric positive definite A (n×n, row-major), in place. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
	for (let j = 0; j < n; j++) {
		let diag = a[j * n + j];
		for (let k = 0; k < j; k++) diag -= a[j * n + k] ** 2;
		diag = Math.sqrt(Math.max(diag, 1e-12));
		a[j * n + j] = diag;
		for (let i = j + 1; i < n; i++) {
			let v = a[i * n + j];
			for (let k = 0; k < j; k++) v -= a[i * n + k] * a[j * n + k];
			a[i * n + j] = v / diag;
		}
	}
	const z = Float64Array.from(b);
	for (let i = 0; i < n; i++) {
		for (let k = 0; k < i; k++) z[i] -= a[i * n + k] * z[k];
		z[i] /= a[i * n + i];
	}
	for (let i = n - 1; i >= 0; i--) {
		for (let k = i + 1; k < n; k++) z[i] -= a[k * n + i] * z[k];
		z[i] /= a[i * n + i];
	}
	return z;
}

function fitRidge(x: Float64Array, y: Float64Array, n: number, d: number, l2: number): Float64Array {
	const m = d + 1;
	const gram = new Float64Array(m * m);
	const rhs = new Float64Array(m);
	const row = new Float64Array(m);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < d; j++) row[j] = x[i * d + j];
		row[d] = 1;
		for (let j = 0; j < m; j++) {
			const rj = row[j];
			if (rj === 0) continue;
			rhs[j] += rj * y[i];
			for (let k = 0; k <= j; k++) gram[j * m + k] += rj * row[k];
		}
	}
	for (let j = 0; j < m; j++) for (let k = 0; k < j; k++) gram[k * m + j] = gram[j * m + k];
	for (let j = 0; j < d; j++) gram[j * m + j] += l2 * n;
	gram[d * m + d] += 1e-9 * n;
	return choleskySolve(gram, rhs, m);
}

function fitLogistic(
	x: Float64Array,
	y: Float64Array,
	n: number,
	d: number,
	K: number,
	options: LinearOptions
): Float64Array {
	const m = d + 1;
	const outputs = K === 2 ? 1 : K;
	const scores = new Float64Array(outputs);
	const evaluate = (w: Float64Array, grad: Float64Array) => {
		grad.fill(0);
		let loss = 0;
		for (let i = 0; i < n; i++) {
			const base = i * d;
			for (let k = 0; k < outputs; k++) {
				let z = w[d * outputs + k];
				for (let j = 0; j < d; j++) {
					const v = x[base + j];
					if (v !== 0) z += v * w[j * outputs + k];
				}
				scores[k] = z;
			}
			if (outputs === 1) {
				const z = scores[0];
				const p = 1 / (1 + Math.exp(-z));
				loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i] * z;
				const r = p - y[i];
				for (let j = 0; j < d; j++) {
					const v = x[base + j];
					if (v !== 0) grad[j] += r * v;
				}
				grad[d] += r;
			} else {
				let max = -Infinity;
				for (let k = 0; k < outputs; k++) max = Math.max(max, scores[k]);
				let total = 0;
				for (let k = 0; k < outputs; k++) total += Math.exp(scores[k] - max);
				loss += max + Math.log(total) - scores[y[i]];
				for (let k = 0; k < outputs; k++) {
					const r = Math.exp(scores[k] - max) / total - (y[i] === k ? 1 : 0);
					for (let j = 0; j < d; j++) {
						const v = x[base + j];
						if (v !== 0) grad[j * outputs + k] += r * v;
					}
					grad[d * outputs + k] += r;
				}
			}
		}
		let penalty = 0;
		for (let j = 0; j < d * outputs; j++) {
			penalty += w[j] * w[j];
			grad[j] = grad[j] / n + options.l2 * w[j];
		}
		for (let k = 0; k < outputs; k++) grad[d * outputs + k] /= n;
		return loss / n + 0.5 * options.l2 * penalty;
	};
	const start = new Float64Array(m * outputs);
	const result = minimiseLbfgs(evaluate, start, {
		maxIterations: options.maxIterations ?? 300,
		gradientTolerance: 1e-6,
		deadline: options.deadline,
		signal: options.signal
	});
	return result.x;
}

export function fitLinear(data: LinearData, options: LinearOptions): LinearModel {
	const n = data.y.length;
	const design = fitDesign(data.features, data.categorical, { knots: options.knots ?? 0, unclipped: true });
	const d = design.width;
	const x = designMatrix(design, data.features, n);
	const means = new Float64Array(d);
	for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) means[j] += x[i * d + j];
	for (let j = 0; j < d; j++) means[j] /= Math.max(1, n);
	if (data.task === 'regression') {
		return {
			kind: 'linear',
			task: 'regression',
			outputs: 1,
			design,
			weights: fitRidge(x, data.y, n, d, options.l2),
			means
		};
	}
	let K = data.classCount ?? 2;
	for (let i = 0; i < n; i++) K = Math.max(K, data.y[i] + 1);
	const weights = fitLogistic(x, data.y, n, d, data.task === 'binary' ? 2 : K, options);
	return {
		kind: 'linear',
		task: data.task,
		outputs: data.task === 'binary' ? 1 : K,
		design,
		weights,
		means
	};
}

/** Row-major predictions: values, P(class 1), or class probabilities. */
export function predictLinear(model: LinearModel, features: Float64Array[]): Float64Array {
	const n = features[0]?.length ?? 0;
	const d = model.design.width;
	const K = model.outputs;
	const x = designMatrix(model.design, features, n);
	const out = new Float64Array(n * K);
	for (let i = 0; i < n; i++) {
		let max = -Infinity;
		for (let k = 0; k < K; k++) {
			let z = model.weights[d * K + k];
			for (let j = 0; j < d; j++) z += x[i * d + j] * model.weights[j * K + k];
			out[i * K + k] = z;
			max = Math.max(max, z);
		}
		if (model.task === 'binary') out[i] = 1 / (1 + Math.exp(-out[i]));
		else if (model.task === 'multiclass') {
			let total = 0;
			for (let k = 0; k < K; k++) total += out[i * K + k] = Math.exp(out[i * K + k] - max);
			for (let k = 0; k < K; k++) out[i * K + k] /= total;
		}
	}
	return out;
}

/**
 * Exact contributions of one row in the linear (log-odds / class score / value) space: design column j adds
 * w_j · (x_j − mean_j), summed back to the input feature it came from, so Σ contributions + base = the raw
 * score. These are the Shapley values of a linear model with the training rows as background.
 */
export function linearContributions(
	model: LinearModel,
	row: ArrayLike<number>,
	featureCount: number
): { base: Float64Array; values: Float64Array; outputs: number } {
	const d = model.design.width;
	const K = model.outputs;
	const features = Array.from({ length: featureCount }, (_, f) => Float64Array.of(row[f]));
	const x = designMatrix(model.design, features, 1);
	const base = new Float64Array(K);
	const values = new Float64Array(featureCount * K);
	for (let k = 0; k < K; k++) {
		let b = model.weights[d * K + k];
		for (let j = 0; j < d; j++) b += model.weights[j * K + k] * model.means[j];
		base[k] = b;
	}
	let at = 0;
	for (const column of model.design.columns) {
		const span = columnSpan(column);
		for (let j = at; j < at + span; j++)
			for (let k = 0; k < K; k++)
				values[column.feature * K + k] += model.weights[j * K + k] * (x[j] - model.means[j]);
		at += span;
	}
	return { base, values, outputs: K };
}
