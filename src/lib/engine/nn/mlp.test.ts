import { describe, expect, it } from 'vitest';
import {
	conformanceData,
	describeModelConformance,
	type ConformanceTask
} from '../testing/model-conformance';
import { fromPlain, toPlain } from '../trees/serialise';
import { loadComputeBackend } from './backend';
import { fitMlp, predictMlp, type MlpModel, type MlpOptions } from './mlp';

// The wasm backend is what runs on machines without native TensorFlow (and is deterministic for a seed).
const { tf } = await loadComputeBackend({ forced: 'wasm' });

const options = (seed: number, extra: Partial<MlpOptions> = {}): MlpOptions => ({
	layers: 2,
	hidden: 32,
	dropout: 0.1,
	learningRate: 0.01,
	weightDecay: 1e-4,
	batchSize: 64,
	maxEpochs: 40,
	classWeight: 'none',
	seed,
	...extra
});

describeModelConformance<MlpModel>({
	name: 'neural network (MLP)',
	tasks: ['regression', 'binary', 'multiclass'],
	fit: (data, task: ConformanceTask, seed) =>
		fitMlp(tf, { ...data, task, classCount: task === 'multiclass' ? 3 : 2 }, options(seed)),
	predict: (model, features) => predictMlp(model, features),
	serialise: (model) => JSON.stringify(toPlain(model)),
	parse: (text) => fromPlain(JSON.parse(text)) as MlpModel
});

describe('neural network (MLP)', () => {
	it('predicts each row alone as in a batch, with probabilities summing to 1', () => {
		const data = conformanceData('multiclass', 300, 4);
		const model = fitMlp(tf, { ...data, task: 'multiclass', classCount: 3 }, options(1, { maxEpochs: 5 }));
		const p = predictMlp(model, data.features);
		const row = (i: number) => data.features.map((f) => Float64Array.of(f[i]));
		for (const i of [0, 1, 2]) {
			const mine = Array.from(predictMlp(model, row(i)));
			expect(mine.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
			expect(mine).toEqual(Array.from(p.slice(i * 3, i * 3 + 3)));
		}
	});

	it('stops early on the validation rows and keeps the best epoch; respects the deadline and the abort signal', () => {
		const train = conformanceData('binary', 600, 1);
		const valid = conformanceData('binary', 200, 2);
		const losses: number[] = [];
		const model = fitMlp(
			tf,
			{ ...train, task: 'binary' },
			options(0, {
				maxEpochs: 300,
				patience: 4,
				validation: valid,
				onEpoch: (_e, loss) => losses.push(loss)
			})
		);
		expect(model.epochs).toBeLessThan(300);
		expect(model.epochs).toBe(losses.length);
		const bestAt = losses.indexOf(Math.min(...losses));
		expect(losses.length - 1 - bestAt).toBe(4);
		// The TypeScript forward pass of the kept weights gives the loss TensorFlow.js measured at the best epoch.
		const p = predictMlp(model, valid.features);
		const logLoss =
			-valid.y.reduce((s, y, i) => s + (y ? Math.log(p[i]) : Math.log(1 - p[i])), 0) / valid.y.length;
		expect(logLoss).toBeCloseTo(losses[bestAt], 4);

		const late = fitMlp(tf, { ...train, task: 'binary' }, options(0, { deadline: Date.now() - 1 }));
		expect(late.epochs).toBe(0);
		const controller = new AbortController();
		controller.abort();
		expect(fitMlp(tf, { ...train, task: 'binary' }, options(0, { signal: controller.signal })).epochs).toBe(
			0
		);
	});

	it('balanced class weights raise the rare class’s probability', () => {
		const data = conformanceData('binary', 600, 3);
		const rare = Float64Array.from(data.y, (v, i) => (v === 1 && i % 4 === 0 ? 1 : 0));
		const plain = fitMlp(tf, { ...data, y: rare, task: 'binary' }, options(0));
		const weighted = fitMlp(
			tf,
			{ ...data, y: rare, task: 'binary' },
			options(0, { classWeight: 'balanced' })
		);
		const mean = (m: MlpModel) => predictMlp(m, data.features).reduce((s, v) => s + v, 0) / 600;
		expect(mean(weighted)).toBeGreaterThan(mean(plain) + 0.1);
	});

	it('fits a table whose columns are all constant or empty: one prediction for all, moving to the average', () => {
		const constant = [new Float64Array(300).fill(2), new Float64Array(300).fill(NaN)];
		const y = Float64Array.from({ length: 300 }, (_, i) => (i % 4 === 0 ? 1 : 0));
		const model = fitMlp(tf, { features: constant, y, categorical: [0, 0], task: 'binary' }, options(0));
		const p = predictMlp(model, constant);
		expect(new Set(p).size).toBe(1);
		// From 0.5 (zero logit) towards the share of positives, 0.25.
		expect(p[0]).toBeLessThan(0.375);
		expect(p[0]).toBeGreaterThan(0.2);
	});

	it('leaves no tensor behind across 100 fits', () => {
		const data = conformanceData('regression', 100, 5);
		fitMlp(tf, { ...data, task: 'regression' }, options(0, { maxEpochs: 1 }));
		const before = tf.memory().numTensors;
		for (let i = 0; i < 100; i++)
			fitMlp(tf, { ...data, task: 'regression' }, options(i, { maxEpochs: 2, validation: data }));
		expect(tf.memory().numTensors).toBe(before);
	});
});
