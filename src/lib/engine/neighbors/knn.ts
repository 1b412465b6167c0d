/**
 * k-nearest neighbours for small tables: features standardised and one-hot encoded as for linear models
 * (missing numbers at the mean, with an indicator), Euclidean distance, the k closest training rows voting
 * (classification: smoothed class shares, so no probability is exactly 0 or 1) or averaging (regression),
 * uniformly or weighted by 1/distance. Brute force over the stored rows: meant for up to a few thousand rows.
 */
import { baselineRow } from '../explain/sampled-shapley';
import { designMatrix, fitDesign, type DesignSpec } from '../linear/design';
import type { Task } from '../prep/target';

export interface KnnModel {
	task: Task;
	classCount: number;
	k: number;
	weighting: 'uniform' | 'distance';
	design: DesignSpec;
	/** Training rows in design space, row-major. */
	x: Float32Array;
	y: Float64Array;
	rows: number;
	/** The row contributions are measured from: training means (most frequent category). */
	baseline: Float64Array;
}

export interface KnnData {
	features: Float64Array[];
	y: Float64Array;
	categorical: ArrayLike<number>;
	task: Task;
	classCount?: number;
}

/** Pseudo-count per class: with k = 10, a unanimous vote gives P ≈ 0.99, not 1. */
const SMOOTHING = 0.05;

export function fitKnn(data: KnnData, options: { k: number; weighting: 'uniform' | 'distance' }): KnnModel {
	const rows = data.y.length;
	const design = fitDesign(data.features, data.categorical);
	return {
		task: data.task,
		classCount: data.task === 'regression' ? 1 : (data.classCount ?? 2),
		k: Math.max(1, Math.min(options.k, rows)),
		weighting: options.weighting,
		design,
		x: Float32Array.from(designMatrix(design, data.features, rows)),
		y: Float64Array.from(data.y),
		rows,
		baseline: baselineRow(data.features, data.categorical)
	};
}

/** Row-major predictions: the value, P(class 1) for binary, or one probability per class. */
export function predictKnn(model: KnnModel, features: Float64Array[]): Float64Array {
	const n = features[0]?.length ?? 0;
	const d = model.design.width;
	const q = designMatrix(model.design, features, n);
	const K = model.classCount;
	const width = model.task === 'multiclass' ? K : 1;
	const out = new Float64Array(n * width);
	const k = model.k;
	const bestDist = new Float64Array(k);
	const bestIndex = new Int32Array(k);
	const votes = new Float64Array(K);
	for (let i = 0; i < n; i++) {
		// The k smallest distances, kept sorted (k is small: insertion beats a heap).
		let filled = 0;
		for (let j = 0; j < model.rows; j++) {
			let dist = 0;
			for (let c = 0; c < d; c++) {
				const diff = q[i * d + c] - model.x[j * d + c];
				dist += diff * diff;
			}
			if (filled === k && dist >= bestDist[k - 1]) continue;
			let at = filled < k ? filled++ : k - 1;
			while (at > 0 && bestDist[at - 1] > dist) {
				bestDist[at] = bestDist[at - 1];
				bestIndex[at] = bestIndex[at - 1];
				at--;
			}
			bestDist[at] = dist;
			bestIndex[at] = j;
		}
		let total = 0;
		let sum = 0;
		votes.fill(0);
		for (let m = 0; m < filled; m++) {
			const w = model.weighting === 'distance' ? 1 / (Math.sqrt(bestDist[m]) + 1e-6) : 1;
			total += w;
			if (model.task === 'regression') sum += w * model.y[bestIndex[m]];
			else votes[model.y[bestIndex[m]]] += w;
		}
		if (model.task === 'regression') out[i] = sum / total;
		else {
			const smoothing = SMOOTHING * (total / filled);
			const denominator = total + smoothing * K;
			if (model.task === 'binary') out[i] = (votes[1] + smoothing) / denominator;
			else for (let c = 0; c < K; c++) out[i * K + c] = (votes[c] + smoothing) / denominator;
		}
	}
	return out;
}
