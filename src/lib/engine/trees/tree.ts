/**
 * A fitted tree as flat typed arrays: what is predicted with, serialised and served. Node 0 is the root; a leaf
 * has `left[node] === -1`.
 *
 * - Numeric nodes (`categoryStart[node] === -1`): rows go left when `x <= threshold[node]`.
 * - Categorical nodes: rows go left when their category code's bit is set in
 *   `categories[categoryStart[node] .. + categoryWords[node])`. Codes beyond the bitset were never seen in
 *   training and go where missing values go.
 * - Missing values (NaN) go left when `missingLeft[node] === 1`.
 *
 * Leaves hold `width` values each (`value[node * width + k]`): 1 for boosting and regression, the class
 * distribution for classification forests. `cover` is the (weighted) number of training rows that reached
 * each node, which TreeSHAP needs.
 */
export interface FlatTree {
	width: number;
	feature: Int32Array;
	threshold: Float64Array;
	missingLeft: Uint8Array;
	left: Int32Array;
	right: Int32Array;
	value: Float64Array;
	cover: Float64Array;
	categoryStart: Int32Array;
	categoryWords: Int32Array;
	categories: Uint32Array;
}

/** Whether a row with raw value `x` at this (split) node goes left. */
export function goesLeft(tree: FlatTree, node: number, x: number): boolean {
	if (x !== x) return tree.missingLeft[node] === 1;
	const start = tree.categoryStart[node];
	if (start < 0) return x <= tree.threshold[node];
	const word = Math.floor(x / 32);
	if (x < 0 || x !== Math.floor(x) || word >= tree.categoryWords[node]) return tree.missingLeft[node] === 1;
	return ((tree.categories[start + word] >>> x % 32) & 1) === 1;
}

/** The leaf a row falls into; `row(f)` gives feature f's raw value. */
export function leafOf(tree: FlatTree, row: (feature: number) => number): number {
	let node = 0;
	while (tree.left[node] >= 0) {
		node = goesLeft(tree, node, row(tree.feature[node])) ? tree.left[node] : tree.right[node];
	}
	return node;
}

/** The leaf row `i` of a column-major feature set falls into (small enough for V8 to inline in the loops below). */
function leafAt(tree: FlatTree, features: Float64Array[], i: number): number {
	const { feature, threshold, missingLeft, left, right, categoryStart } = tree;
	let node = 0;
	while (left[node] >= 0) {
		const x = features[feature[node]][i];
		let toLeft: boolean;
		if (categoryStart[node] < 0) toLeft = x !== x ? missingLeft[node] === 1 : x <= threshold[node];
		else toLeft = goesLeft(tree, node, x);
		node = toLeft ? left[node] : right[node];
	}
	return node;
}

/** The leaf each row of a column-major feature set falls into. */
export function leafIndices(tree: FlatTree, features: Float64Array[], n: number): Int32Array {
	const out = new Int32Array(n);
	for (let i = 0; i < n; i++) out[i] = leafAt(tree, features, i);
	return out;
}

/**
 * Adds this tree's leaf values for every row into `out`, row-major with `stride` slots per row starting at
 * `offset` (a boosted multiclass model's class k: stride K, offset k; a forest's class distribution: stride
 * width, offset 0).
 */
export function addTreePredictions(
	tree: FlatTree,
	features: Float64Array[],
	out: Float64Array,
	stride = tree.width,
	offset = 0
): void {
	const n = Math.floor(out.length / stride);
	const { value, width } = tree;
	for (let i = 0; i < n; i++) {
		const at = i * stride + offset;
		const from = leafAt(tree, features, i) * width;
		for (let k = 0; k < width; k++) out[at + k] += value[from + k];
	}
}

export function leafCount(tree: FlatTree): number {
	let leaves = 0;
	for (let i = 0; i < tree.left.length; i++) if (tree.left[i] < 0) leaves++;
	return leaves;
}

export function treeDepth(tree: FlatTree, node = 0): number {
	if (tree.left[node] < 0) return 0;
	return 1 + Math.max(treeDepth(tree, tree.left[node]), treeDepth(tree, tree.right[node]));
}

/** Collects nodes while a tree is grown, then freezes them into a FlatTree. */
export class TreeBuilder {
	private readonly feature: number[] = [];
	private readonly threshold: number[] = [];
	private readonly missingLeft: number[] = [];
	private readonly left: number[] = [];
	private readonly right: number[] = [];
	private readonly value: number[] = [];
	private readonly cover: number[] = [];
	private readonly categoryStart: number[] = [];
	private readonly categoryWords: number[] = [];
	private readonly categories: number[] = [];

	constructor(readonly width = 1) {}

	/** A new leaf; returns its index. */
	addNode(cover: number): number {
		this.feature.push(-1);
		this.threshold.push(0);
		this.missingLeft.push(0);
		this.left.push(-1);
		this.right.push(-1);
		for (let k = 0; k < this.width; k++) this.value.push(0);
		this.cover.push(cover);
		this.categoryStart.push(-1);
		this.categoryWords.push(0);
		return this.feature.length - 1;
	}

	/** Turns a leaf into a numeric split with two new leaf children; returns [left, right]. */
	splitNumeric(
		node: number,
		feature: number,
		threshold: number,
		missingLeft: boolean,
		covers: [number, number]
	): [number, number] {
		this.threshold[node] = threshold;
		return this.attachChildren(node, feature, missingLeft, covers);
	}

	/**
	 * Turns a leaf into a categorical split. `leftCodes` are the category codes that go left; codes in
	 * [0, knownCodes) outside it go right, except `unseenCodes`, which (like codes ≥ knownCodes) follow missing
	 * values.
	 */
	splitCategorical(
		node: number,
		feature: number,
		leftCodes: Iterable<number>,
		unseenCodes: Iterable<number>,
		knownCodes: number,
		missingLeft: boolean,
		covers: [number, number]
	): [number, number] {
		const words = Math.max(1, Math.ceil(knownCodes / 32));
		const bits = new Uint32Array(words);
		const set = (code: number) => (bits[code >>> 5] |= 1 << (code & 31));
		for (const code of leftCodes) set(code);
		if (missingLeft) {
			for (const code of unseenCodes) set(code);
			for (let code = knownCodes; code < words * 32; code++) set(code);
		}
		this.categoryStart[node] = this.categories.length;
		this.categoryWords[node] = words;
		for (const w of bits) this.categories.push(w);
		return this.attachChildren(node, feature, missingLeft, covers);
	}

	private attachChildren(
		node: number,
		feature: number,
		missingLeft: boolean,
		covers: [number, number]
	): [number, number] {
		const l = this.addNode(covers[0]);
		const r = this.addNode(covers[1]);
		this.feature[node] = feature;
		this.missingLeft[node] = missingLeft ? 1 : 0;
		this.left[node] = l;
		this.right[node] = r;
		return [l, r];
	}

	setValue(node: number, k: number, value: number): void {
		this.value[node * this.width + k] = value;
	}

	finish(): FlatTree {
		return {
			width: this.width,
			feature: Int32Array.from(this.feature),
			threshold: Float64Array.from(this.threshold),
			missingLeft: Uint8Array.from(this.missingLeft),
			left: Int32Array.from(this.left),
			right: Int32Array.from(this.right),
			value: Float64Array.from(this.value),
			cover: Float64Array.from(this.cover),
			categoryStart: Int32Array.from(this.categoryStart),
			categoryWords: Int32Array.from(this.categoryWords),
			categories: Uint32Array.from(this.categories)
		};
	}
}
