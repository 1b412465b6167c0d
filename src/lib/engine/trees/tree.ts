/**
 * A fitted tree as flat typed arrays: what is predicted with, serialised and served. Node 0 is the root; a leaf
 * has `left[node] === -1`. Rows go left when `x <= threshold[node]`, and missing values (NaN) go where
 * `missingLeft` says.
 */
export interface FlatTree {
	feature: Int32Array;
	threshold: Float64Array;
	missingLeft: Uint8Array;
	left: Int32Array;
	right: Int32Array;
	value: Float64Array;
}

/** The leaf a row falls into; `row(f)` gives feature f's raw value. */
export function leafOf(tree: FlatTree, row: (feature: number) => number): number {
	let node = 0;
	while (tree.left[node] >= 0) {
		const x = row(tree.feature[node]);
		const goLeft = Number.isNaN(x) ? tree.missingLeft[node] === 1 : x <= tree.threshold[node];
		node = goLeft ? tree.left[node] : tree.right[node];
	}
	return node;
}

/** Adds this tree's output for every row of a column-major feature set into `out`. */
export function addTreePredictions(tree: FlatTree, features: Float64Array[], out: Float64Array): void {
	const { feature, threshold, missingLeft, left, right, value } = tree;
	for (let i = 0; i < out.length; i++) {
		let node = 0;
		while (left[node] >= 0) {
			const x = features[feature[node]][i];
			node = (x !== x ? missingLeft[node] === 1 : x <= threshold[node]) ? left[node] : right[node];
		}
		out[i] += value[node];
	}
}

export function leafCount(tree: FlatTree): number {
	let leaves = 0;
	for (let i = 0; i < tree.left.length; i++) if (tree.left[i] < 0) leaves++;
	return leaves;
}
