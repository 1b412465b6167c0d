import { describe, expect, it } from 'vitest';
import { describeModelConformance, type ConformanceTask } from '../testing/model-conformance';
import { fromPlain, toPlain } from '../trees/serialise';
import { minimiseLbfgs } from './lbfgs';
import { fitLinear, predictLinear, type LinearModel } from './linear';

describeModelConformance<LinearModel>({
	name: 'linear',
	tasks: ['regression', 'binary', 'multiclass'],
	fit: (data, task: ConformanceTask) =>
		fitLinear({ ...data, task, classCount: task === 'multiclass' ? 3 : 2 }, { l2: 1e-3 }),
	predict: (model, features) => predictLinear(model, features),
	serialise: (model) => JSON.stringify(toPlain(model)),
	parse: (text) => fromPlain(JSON.parse(text)) as LinearModel
});

describe('linear models', () => {
	it('L-BFGS finds the minimum of an ill-conditioned quadratic', () => {
		const scales = [1, 10, 100, 1000];
		const result = minimiseLbfgs(
			(x, g) => {
				let f = 0;
				scales.forEach((s, i) => {
					f += 0.5 * s * (x[i] - i) ** 2;
					g[i] = s * (x[i] - i);
				});
				return f;
			},
			new Float64Array(4),
			{ gradientTolerance: 1e-9, maxIterations: 500 }
		);
		Array.from(result.x).forEach((v, i) => expect(v).toBeCloseTo(i, 6));
	});

	it('ridge recovers the coefficients of a noiseless linear function (in standardised units)', () => {
		const n = 200;
		const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
		const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
		const y = Float64Array.from(a, (v, i) => 3 * v - 2 * b[i] + 5);
		const model = fitLinear({ features: [a, b], y, categorical: [0, 0], task: 'regression' }, { l2: 0 });
		const p = predictLinear(model, [Float64Array.of(0.5), Float64Array.of(-1)]);
		expect(p[0]).toBeCloseTo(3 * 0.5 + 2 + 5, 6);
	});

	it('logistic regression matches the known optimum of a one-feature problem (gradient zero)', () => {
		const x = Float64Array.from({ length: 400 }, (_, i) => (i % 40) / 10 - 2);
		const y = Float64Array.from(x, (v, i) => (v + ((i * 7) % 13) / 6 - 1 > 0 ? 1 : 0));
		const model = fitLinear({ features: [x], y, categorical: [0], task: 'binary' }, { l2: 0 });
		const p = predictLinear(model, [x]);
		// At the unpenalised optimum the residuals sum to zero and are uncorrelated with the feature.
		let r0 = 0;
		let r1 = 0;
		for (let i = 0; i < 400; i++) {
			r0 += p[i] - y[i];
			r1 += (p[i] - y[i]) * x[i];
		}
		expect(Math.abs(r0) / 400).toBeLessThan(1e-4);
		expect(Math.abs(r1) / 400).toBeLessThan(1e-4);
	});
});
