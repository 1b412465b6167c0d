import { describe, expect, it } from 'vitest';
import { baselineRow, sampledShapley } from '../explain/sampled-shapley';
import { describeModelConformance, type ConformanceTask } from '../testing/model-conformance';
import { bruteForceShapley } from '../testing/shapley';
import { fromPlain, toPlain } from '../trees/serialise';
import { fitKnn, predictKnn, type KnnModel } from './knn';

describeModelConformance<KnnModel>({
	name: 'k-nearest neighbours',
	tasks: ['regression', 'binary', 'multiclass'],
	fit: (data, task: ConformanceTask) =>
		fitKnn({ ...data, task, classCount: task === 'multiclass' ? 3 : 2 }, { k: 15, weighting: 'distance' }),
	predict: (model, features) => predictKnn(model, features),
	serialise: (model) => JSON.stringify(toPlain(model)),
	parse: (text) => fromPlain(JSON.parse(text)) as KnnModel
});

describe('k-nearest neighbours', () => {
	it('finds the exact neighbours: with k = 1 a training row predicts its own label', () => {
		const a = Float64Array.from({ length: 50 }, (_, i) => i);
		const y = Float64Array.from(a, (v) => v * 2);
		const model = fitKnn(
			{ features: [a], y, categorical: [0], task: 'regression' },
			{ k: 1, weighting: 'uniform' }
		);
		expect(Array.from(predictKnn(model, [Float64Array.of(7, 30.2)]))).toEqual([14, 60]);
		const three = fitKnn(
			{ features: [a], y, categorical: [0], task: 'regression' },
			{ k: 3, weighting: 'uniform' }
		);
		expect(predictKnn(three, [Float64Array.of(10)])[0]).toBeCloseTo((18 + 20 + 22) / 3, 12);
	});
});

describe('sampled Shapley contributions', () => {
	it('always add up to the prediction minus the baseline, and match exact Shapley values on an additive model', () => {
		// f = 2a − b + 3·[c = 1]: Shapley values against a baseline are exactly each term's change.
		const f = (cols: Float64Array[]) =>
			Float64Array.from(cols[0], (a, i) => 2 * a - cols[1][i] + (cols[2][i] === 1 ? 3 : 0));
		const baseline = Float64Array.of(0.5, 1, 0);
		const row = Float64Array.of(2, -1, 1);
		const { base, values } = sampledShapley(f, row, baseline, 1);
		expect(base[0]).toBeCloseTo(0, 12);
		expect(Array.from(values)).toEqual([3, 2, 3].map((v) => expect.closeTo(v, 12)));

		// A kNN model is not additive: the estimate still sums exactly, and is close to the exact values.
		const n = 300;
		const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
		const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 1.3));
		const c = Float64Array.from({ length: n }, (_, i) => i % 3);
		const y = Float64Array.from(a, (v, i) => v * b[i] + c[i]);
		const model = fitKnn(
			{ features: [a, b, c], y, categorical: [0, 0, 1], task: 'regression' },
			{ k: 5, weighting: 'uniform' }
		);
		const predict = (cols: Float64Array[]) => predictKnn(model, cols);
		const base2 = baselineRow([a, b, c], [0, 0, 1]);
		const x = Float64Array.of(0.9, -0.4, 2);
		const estimate = sampledShapley(predict, x, base2, 1, 30);
		const total = estimate.base[0] + Array.from(estimate.values).reduce((s, v) => s + v, 0);
		expect(total).toBeCloseTo(
			predict([Float64Array.of(0.9), Float64Array.of(-0.4), Float64Array.of(2)])[0],
			10
		);
		const exact = bruteForceShapley(3, (subset) => {
			const z = Float64Array.from(base2);
			for (const f2 of subset) z[f2] = x[f2];
			return predict(Array.from(z, (v) => Float64Array.of(v)))[0];
		});
		exact.forEach((v, i) => expect(estimate.values[i]).toBeCloseTo(v, 1));
	});
});
