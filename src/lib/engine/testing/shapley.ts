/**
 * Shapley values by their definition, for tests: every subset of the other features, weighted
 * |S|!(F − |S| − 1)!/F!. Exponential, so only for a handful of features; it is the reference the fast
 * algorithms are checked against.
 */
import { goesLeft, type FlatTree } from '../trees/tree';

function factorial(k: number): number {
	return k <= 1 ? 1 : k * factorial(k - 1);
}

/** φ_i = Σ_S weight(S) · (v(S ∪ {i}) − v(S)) for each of `F` features, with value function `v`. */
export function bruteForceShapley(F: number, v: (known: Set<number>) => number): Float64Array {
	const phi = new Float64Array(F);
	for (let i = 0; i < F; i++) {
		const others = [...Array(F).keys()].filter((f) => f !== i);
		for (let mask = 0; mask < 1 << others.length; mask++) {
			const S = new Set(others.filter((_, j) => (mask >> j) & 1));
			const weight = (factorial(S.size) * factorial(F - S.size - 1)) / factorial(F);
			phi[i] += weight * (v(new Set(S).add(i)) - v(S));
		}
	}
	return phi;
}

/** A tree's expected output when only the `known` features of `row` are known (TreeSHAP's v). */
export function conditionalExpectation(
	tree: FlatTree,
	row: ArrayLike<number>,
	known: Set<number>,
	node = 0,
	slot = 0
): number {
	if (tree.left[node] < 0) return tree.value[node * tree.width + slot];
	const l = tree.left[node];
	const r = tree.right[node];
	if (known.has(tree.feature[node])) {
		const left = goesLeft(tree, node, row[tree.feature[node]]);
		return conditionalExpectation(tree, row, known, left ? l : r, slot);
	}
	return (
		(tree.cover[l] * conditionalExpectation(tree, row, known, l, slot) +
			tree.cover[r] * conditionalExpectation(tree, row, known, r, slot)) /
		tree.cover[node]
	);
}
