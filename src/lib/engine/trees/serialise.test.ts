import { describe, expect, it } from 'vitest';
import { fitForest, predictForest } from './forest';
import { fromPlain, parseTreeModel, serialiseTreeModel, toPlain } from './serialise';

function bitsOf(array: Float64Array): string {
	return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex');
}

describe('typed arrays in saved models', () => {
	it('saves a mostly-zero array as its non-zero entries and reads back every bit, -0 and NaN included', () => {
		const values = new Float64Array(1000);
		values[3] = 0.25;
		values[500] = -0;
		values[998] = NaN;
		values[999] = -7.5e-300;
		const plain = toPlain({ values }) as { values: Record<string, unknown> };
		expect(plain.values.$sparse).toBe('Float64Array');
		expect(plain.values.length).toBe(1000);
		const back = (fromPlain(JSON.parse(JSON.stringify(plain))) as { values: Float64Array }).values;
		expect(back).toBeInstanceOf(Float64Array);
		expect(bitsOf(back)).toBe(bitsOf(values));
	});

	it('keeps dense arrays dense, and empty or all-zero arrays round trip', () => {
		const dense = Int32Array.from({ length: 50 }, (_, i) => i - 10);
		const plain = toPlain({ dense, empty: new Uint8Array(0), zeros: new Float64Array(64) }) as Record<
			string,
			Record<string, unknown>
		>;
		expect(plain.dense.$typed).toBe('Int32Array');
		expect(plain.zeros.$sparse).toBe('Float64Array');
		const back = fromPlain(JSON.parse(JSON.stringify(plain))) as Record<string, ArrayLike<number>>;
		expect(Array.from(back.dense)).toEqual(Array.from(dense));
		expect(back.empty).toBeInstanceOf(Uint8Array);
		expect(back.empty.length).toBe(0);
		expect(Array.from(back.zeros)).toEqual(new Array(64).fill(0));
	});

	it('refuses a damaged sparse array with a message that says what is wrong', () => {
		const plain = toPlain(new Float64Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 2])) as Record<string, unknown>;
		expect(() => fromPlain({ ...plain, length: 5 })).toThrow(/index 9 beyond its length/);
		expect(() => fromPlain({ ...plain, length: -1 })).toThrow(/unknown sparse array/);
		expect(() => fromPlain({ ...plain, index: '' })).toThrow(/0 indices for 1 values/);
	});

	it('a many-class forest saves its leaf values sparsely and predicts the same once read back', () => {
		// 12 classes, one per region of x: leaves are pure, so each holds one non-zero value of 12.
		const n = 1200;
		const x = Float64Array.from({ length: n }, (_, i) => (i * 7919) % n);
		const noise = Float64Array.from({ length: n }, (_, i) => (i * 104729) % 97);
		const y = Float64Array.from(x, (v) => Math.floor(v / 100));
		const model = fitForest(
			{ features: [x, noise], y, task: 'classification' },
			{ trees: 5, extraTrees: false, bootstrap: true, maxFeatures: 1, minSamplesLeaf: 1, seed: 3 }
		);
		const text = serialiseTreeModel(model);
		const saved = JSON.parse(text) as { trees: { value: Record<string, string> }[] };
		for (const [t, tree] of saved.trees.entries()) {
			expect(tree.value.$sparse).toBe('Float64Array');
			// A leaf of one class: 12 bytes (index and value) saved of its 96, nothing of a split node's.
			expect(tree.value.base64.length + tree.value.index.length).toBeLessThan(
				model.trees[t].value.byteLength / 8
			);
		}
		const back = parseTreeModel(text) as typeof model;
		const probe = [Float64Array.from({ length: 50 }, (_, i) => i * 24), new Float64Array(50)];
		expect(Array.from(predictForest(back, probe))).toEqual(Array.from(predictForest(model, probe)));
	});
});
