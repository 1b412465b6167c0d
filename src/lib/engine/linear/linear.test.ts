import { describe, expect, it } from 'vitest';
import { describeModelConformance, type ConformanceTask } from '../testing/model-conformance';
import { fromPlain, toPlain } from '../trees/serialise';
import { minimiseLbfgs } from './lbfgs';
import { fitDesign, quantileKnots, standardisation, standardised } from './design';
import { fitLinear, linearContributions, predictLinear, type LinearModel } from './linear';

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

describeModelConformance<LinearModel>({
	name: 'linear with bends',
	tasks: ['regression', 'binary', 'multiclass'],
	fit: (data, task: ConformanceTask) =>
		fitLinear({ ...data, task, classCount: task === 'multiclass' ? 3 : 2 }, { l2: 1e-3, knots: 5 }),
	predict: (model, features) => predictLinear(model, features),
	serialise: (model) => JSON.stringify(toPlain(model)),
	parse: (text) => fromPlain(JSON.parse(text)) as LinearModel
});

describe('linear models with bends (knots)', () => {
	const x = Float64Array.from({ length: 401 }, (_, i) => i / 100 - 2); // −2 … 2, the median exactly 0

	it('places knots at quantiles, strictly inside the range, ascending, none for a two-valued feature', () => {
		const column = standardisation(0, x)!;
		const knots = quantileKnots(column, x, 5);
		expect(knots.length).toBe(5);
		for (let k = 1; k < knots.length; k++) expect(knots[k]).toBeGreaterThan(knots[k - 1]);
		expect(knots[0]).toBeGreaterThan(standardised(column, -2));
		expect(knots[4]).toBeLessThan(standardised(column, 2));
		expect(knots[2]).toBeCloseTo(standardised(column, 0), 12);
		const binary = Float64Array.from({ length: 100 }, (_, i) => i % 2);
		expect(quantileKnots(standardisation(0, binary)!, binary, 5)).toEqual([]);
		expect(quantileKnots(column, x, 0)).toEqual([]);
	});

	it('fits a bent line that a straight one cannot, and predicts it between the training values', () => {
		const y = Float64Array.from(x, (v) => Math.abs(v) + 1);
		const data = { features: [x], y, categorical: [0], task: 'regression' as const };
		const bent = fitLinear(data, { l2: 0, knots: 5 });
		const straight = fitLinear(data, { l2: 0 });
		const probe = Float64Array.of(-1.555, -0.3, 0.25, 1.9);
		const want = Array.from(probe, (v) => Math.abs(v) + 1);
		predictLinear(bent, [probe]).forEach((p, i) => expect(p).toBeCloseTo(want[i], 6));
		const straightError = Math.max(
			...Array.from(predictLinear(straight, [probe]), (p, i) => Math.abs(p - want[i]))
		);
		expect(straightError).toBeGreaterThan(0.3);
		expect(bent.design.width).toBe(6);
		expect(straight.design.width).toBe(1);
	});

	it('keeps contributions exact: base + contributions = the raw score, one value per input feature', () => {
		const b = Float64Array.from(x, (_, i) => ((i * 37) % 101) / 50);
		const y = Float64Array.from(x, (v, i) => (v * v + b[i] > 1.5 ? 1 : 0));
		const model = fitLinear(
			{ features: [x, b], y, categorical: [0, 0], task: 'binary' },
			{ l2: 1e-3, knots: 5 }
		);
		for (const row of [
			[0.5, 1.2],
			[-1.7, NaN],
			[3, -1]
		]) {
			const { base, values } = linearContributions(model, row, 2);
			const p = predictLinear(model, [Float64Array.of(row[0]), Float64Array.of(row[1])])[0];
			expect(base[0] + values[0] + values[1]).toBeCloseTo(Math.log(p / (1 - p)), 9);
		}
	});

	it('gives wide tables fewer knots per feature, so the columns stay bounded', () => {
		const features = Array.from({ length: 60 }, (_, f) => Float64Array.from(x, (v) => v * (f + 1)));
		const design = fitDesign(features, new Uint8Array(60), { knots: 5 });
		for (const column of design.columns) expect(column.kind === 'numeric' && column.knots?.length).toBe(2);
		expect(design.width).toBe(60 * 3);
	});

	it('reads far-out values unclipped, so a sum of the features stays exact there; a model saved without the flag clips', () => {
		// 199 ordinary rows and one 40 standard deviations out (Brazilian_houses' hoa column has such rows).
		const n = 200;
		const a = Float64Array.from({ length: n }, (_, i) => (i === 7 ? 5000 : 10 + (i % 17)));
		const b = Float64Array.from({ length: n }, (_, i) => 100 + ((i * 13) % 29));
		const y = Float64Array.from(a, (v, i) => v + b[i]);
		const model = fitLinear({ features: [a, b], y, categorical: [0, 0], task: 'regression' }, { l2: 0 });
		expect(model.design.unclipped).toBe(true);
		const far = (m: LinearModel) =>
			predictLinear(m, [Float64Array.of(5000, 9000), Float64Array.of(120, 120)]);
		const [atTraining, beyond] = far(model);
		expect(atTraining).toBeCloseTo(5120, 4);
		expect(beyond).toBeCloseTo(9120, 4);
		// A design without the flag (models saved before it, the neural network's, the neighbours') clips at ±10.
		const old = JSON.parse(JSON.stringify(toPlain(model)));
		delete old.design.unclipped;
		const clipped = far(fromPlain(old) as LinearModel);
		const { mean, scale } = model.design.columns[0] as { mean: number; scale: number };
		expect(mean + 10 * scale).toBeLessThan(5000);
		expect(Math.abs(clipped[0] - 5120)).toBeGreaterThan(100);
		expect(clipped[1]).toBe(clipped[0]);
	});

	it('reads a model saved before knots existed (numeric columns without them) as straight lines', () => {
		const y = Float64Array.from(x, (v) => 2 * v + 1);
		const model = fitLinear({ features: [x], y, categorical: [0], task: 'regression' }, { l2: 0 });
		const saved = JSON.parse(JSON.stringify(toPlain(model)));
		expect(JSON.stringify(saved)).not.toContain('knots');
		const loaded = fromPlain(saved) as LinearModel;
		expect(predictLinear(loaded, [Float64Array.of(0.5)])[0]).toBeCloseTo(2, 6);
	});
});
