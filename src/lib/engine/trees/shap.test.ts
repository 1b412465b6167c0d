import { describe, expect, it } from 'vitest';
import { bruteForceShapley, conditionalExpectation } from '../testing/shapley';
import { rng } from '../testing/tables';
import { addTreeShap, expectedValue, recursiveTreeShap } from './shap';
import { buildLeafTables, leafTableShap } from './shap-leaf-tables';
import { leafOf, TreeBuilder, type FlatTree } from './tree';

/**
 * A random tree over F features (numeric and, for feature 0, categorical splits; features reused on a path;
 * random missing-value directions and uneven covers) grown to `leaves` leaves, with `width` values per leaf.
 */
function randomTree(seed: number, F: number, leaves: number, width = 1): FlatTree {
	const r = rng(seed);
	const b = new TreeBuilder(width);
	const open = [b.addNode(1000)];
	const cover = new Map([[open[0], 1000]]);
	let count = 1;
	while (count < leaves) {
		const node = open.splice(Math.floor(r() * open.length), 1)[0];
		const total = cover.get(node)!;
		const share = 0.1 + 0.8 * r();
		const covers: [number, number] = [total * share, total * (1 - share)];
		const feature = Math.floor(r() * F);
		const missingLeft = r() < 0.5;
		const children =
			feature === 0
				? b.splitCategorical(
						node,
						0,
						[0, 2].filter(() => r() < 0.7),
						[3],
						5,
						missingLeft,
						covers
					)
				: b.splitNumeric(node, feature, Math.round(r() * 10), missingLeft, covers);
		children.forEach((c, i) => {
			cover.set(c, covers[i]);
			open.push(c);
		});
		count++;
	}
	for (const node of open)
		for (let k = 0; k < width; k++) b.setValue(node, k, Math.round(r() * 200 - 100) / 10);
	return b.finish();
}

function randomRow(r: () => number, F: number): number[] {
	return Array.from({ length: F }, (_, f) =>
		r() < 0.15 ? NaN : f === 0 ? Math.floor(r() * 7) : Math.round(r() * 10 * 2) / 2
	);
}

const target = (phi: Float64Array, count = 1, stride = 1) => ({
	phi,
	stride,
	first: 0,
	count,
	leafFirst: 0,
	scale: 1
});

describe('TreeSHAP from leaf tables', () => {
	it('equals brute-force Shapley values (categories, missing values, features repeated on a path)', () => {
		const F = 5;
		for (let seed = 1; seed <= 12; seed++) {
			const tree = randomTree(seed, F, 4 + seed);
			const tables = buildLeafTables(tree);
			expect(tables).not.toBeNull();
			const r = rng(100 + seed);
			for (let t = 0; t < 4; t++) {
				const row = randomRow(r, F);
				const phi = new Float64Array(F);
				leafTableShap(tree, tables!, row, target(phi));
				const exact = bruteForceShapley(F, (known) => conditionalExpectation(tree, row, known));
				for (let i = 0; i < F; i++) expect(phi[i]).toBeCloseTo(exact[i], 10);
				const prediction = tree.value[leafOf(tree, (f) => row[f])];
				expect(phi.reduce((a, b) => a + b, 0) + expectedValue(tree)).toBeCloseTo(prediction, 10);
			}
		}
	});

	it('equals the recursive algorithm on bigger trees, for every output of multi-value leaves', () => {
		const F = 12;
		const K = 3;
		let checked = 0;
		for (let seed = 1; seed <= 10; seed++) {
			const tree = randomTree(seed, F, 31, K);
			const tables = buildLeafTables(tree);
			if (!tables) continue;
			checked++;
			const r = rng(200 + seed);
			for (let t = 0; t < 10; t++) {
				const row = randomRow(r, F);
				const fast = new Float64Array(F * K);
				const reference = new Float64Array(F * K);
				leafTableShap(tree, tables, row, target(fast, K, K));
				recursiveTreeShap(tree, row, target(reference, K, K));
				for (let j = 0; j < F * K; j++) expect(fast[j]).toBeCloseTo(reference[j], 10);
			}
		}
		expect(checked).toBeGreaterThanOrEqual(8);
	});

	it('leaves trees whose tables would be too big to the recursive algorithm', () => {
		// A chain of 16 splits on 16 different features: its deepest leaves have 16 path features.
		const b = new TreeBuilder(1);
		let node = b.addNode(1 << 16);
		for (let f = 0; f < 16; f++) {
			const half = 2 ** (15 - f);
			const [l, rgt] = b.splitNumeric(node, f, 0.5, false, [half, half]);
			b.setValue(rgt, 0, f);
			node = l;
		}
		b.setValue(node, 0, 100);
		const tree = b.finish();
		expect(buildLeafTables(tree)).toBeNull();
		const row = Array.from({ length: 16 }, (_, f) => (f % 3 === 0 ? 1 : 0));
		const phi = new Float64Array(16);
		addTreeShap(tree, row, phi);
		expect(phi.reduce((a, b) => a + b, 0) + expectedValue(tree)).toBeCloseTo(
			tree.value[leafOf(tree, (f) => row[f])],
			9
		);
	});
});
