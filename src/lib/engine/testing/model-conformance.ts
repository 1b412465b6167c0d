/**
 * The conformance suite every model family passes: output shapes, determinism for a seed, missing values,
 * unseen categories, constant features, a training fold with a single class, and a serialisation round trip
 * that predicts exactly the same. Call `describeModelConformance` from the family's own test file.
 */
import { describe, expect, it } from 'vitest';

export type ConformanceTask = 'regression' | 'binary' | 'multiclass';

export interface ConformanceData {
	features: Float64Array[];
	y: Float64Array;
	categorical: Uint8Array;
}

export interface ModelFamilyUnderTest<M> {
	name: string;
	tasks: ConformanceTask[];
	fit(data: ConformanceData, task: ConformanceTask, seed: number): M;
	/** Row-major predictions: 1 value per row (regression, binary P(1)), or one per class. */
	predict(model: M, features: Float64Array[]): Float64Array;
	serialise(model: M): string;
	parse(text: string): M;
}

function lcg(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** Two numeric features (one with missing values), one categorical (5 categories), one constant. */
export function conformanceData(task: ConformanceTask, n: number, seed = 1): ConformanceData {
	const r = lcg(seed);
	const a = Float64Array.from({ length: n }, () => r() * 4 - 2);
	const b = Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : r() * 4 - 2));
	const c = Float64Array.from({ length: n }, () => Math.floor(r() * 5));
	const constant = new Float64Array(n).fill(7);
	const signal = Float64Array.from(
		{ length: n },
		(_, i) => a[i] + (Number.isNaN(b[i]) ? 1 : b[i] * 0.5) + (c[i] >= 3 ? 1.5 : -0.5) + 0.3 * (r() - 0.5)
	);
	const y = Float64Array.from(signal, (s) =>
		task === 'regression' ? s : task === 'binary' ? (s > 0.5 ? 1 : 0) : s < 0 ? 0 : s < 1.2 ? 1 : 2
	);
	return { features: [a, b, c, constant], y, categorical: Uint8Array.of(0, 0, 1, 0) };
}

export function outputsPerRow(task: ConformanceTask): number {
	return task === 'multiclass' ? 3 : 1;
}

export function describeModelConformance<M>(family: ModelFamilyUnderTest<M>): void {
	describe(`${family.name}: conformance`, () => {
		for (const task of family.tasks) {
			const train = conformanceData(task, 600, 1);
			const test = conformanceData(task, 200, 2);
			const width = outputsPerRow(task);

			it(`${task}: one prediction per row (and per class), finite, probabilities summing to 1`, () => {
				const model = family.fit(train, task, 0);
				const p = family.predict(model, test.features);
				expect(p.length).toBe(200 * width);
				for (const v of p) expect(Number.isFinite(v)).toBe(true);
				if (task === 'binary') for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
				if (task === 'multiclass')
					for (let i = 0; i < 200; i++) {
						const s = p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2];
						expect(s).toBeCloseTo(1, 6);
					}
			});

			it(`${task}: the same seed gives the same model`, () => {
				const first = family.predict(family.fit(train, task, 3), test.features);
				const second = family.predict(family.fit(train, task, 3), test.features);
				expect(Array.from(second)).toEqual(Array.from(first));
			});

			it(`${task}: rows with every value missing and unseen categories still get predictions`, () => {
				const model = family.fit(train, task, 0);
				const odd = [
					Float64Array.of(NaN, 0),
					Float64Array.of(NaN, NaN),
					Float64Array.of(NaN, 99),
					Float64Array.of(NaN, -3)
				];
				const p = family.predict(model, odd);
				expect(p.length).toBe(2 * width);
				for (const v of p) expect(Number.isFinite(v)).toBe(true);
			});

			it(`${task}: serialised and read back, predicts exactly the same`, () => {
				const model = family.fit(train, task, 0);
				const again = family.parse(family.serialise(model));
				expect(Array.from(family.predict(again, test.features))).toEqual(
					Array.from(family.predict(model, test.features))
				);
			});

			it(`${task}: beats predicting the average on held-out rows`, () => {
				const model = family.fit(train, task, 0);
				const p = family.predict(model, test.features);
				if (task === 'regression') {
					const mean = train.y.reduce((s, v) => s + v, 0) / train.y.length;
					let se = 0;
					let baseline = 0;
					for (let i = 0; i < 200; i++) {
						se += (p[i] - test.y[i]) ** 2;
						baseline += (mean - test.y[i]) ** 2;
					}
					expect(se).toBeLessThan(0.5 * baseline);
				} else {
					let right = 0;
					for (let i = 0; i < 200; i++) {
						let predicted: number;
						if (width === 1) predicted = p[i] >= 0.5 ? 1 : 0;
						else predicted = [0, 1, 2].reduce((best, c) => (p[i * 3 + c] > p[i * 3 + best] ? c : best), 0);
						if (predicted === test.y[i]) right++;
					}
					expect(right / 200).toBeGreaterThan(0.75);
				}
			});
		}

		if (family.tasks.includes('binary')) {
			it('binary: a training fold holding a single class predicts that class, without failing', () => {
				const data = conformanceData('binary', 100, 5);
				const oneClass = { ...data, y: new Float64Array(100).fill(1) };
				const p = family.predict(family.fit(oneClass, 'binary', 0), data.features);
				for (const v of p) expect(v).toBeGreaterThan(0.5);
			});
		}
	});
}
