/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature attribution for tree
 * ensembles", Algorithm 2): each feature's Shapley value for one row, where "feature unknown" means following
 * both children in proportion to how many training rows went each way (the node covers). Polynomial time:
 * O(leaves × depth²) per tree, instead of the 2^features of the definition.
 *
 * The path of unique features lives in flat typed arrays, one segment per recursion level (as in the
 * reference implementation), so explaining a row allocates nothing: this is the serving path of every
 * prediction's explanation.
 *
 * For a tree, Σ contributions + expectedValue(tree) = the tree's output for the row.
 *
 * Trees small enough to have per-leaf tables (shap-leaf-tables.ts; every serving-sized boosting tree) are
 * explained from those instead, 3–4× faster; this recursion is the reference they are tested against and the
 * path for deep trees.
 */
import { buildLeafTables, leafTableShap, type LeafTables } from './shap-leaf-tables';
import { goesLeft, treeDepth, type FlatTree } from './tree';

/** Path segments, one per recursion level, each right after its parent's (sized for the deepest tree seen). */
let pathFeature = new Int32Array(0);
let pathZero = new Float64Array(0);
let pathOne = new Float64Array(0);
let pathWeight = new Float64Array(0);

function ensurePathCapacity(depth: number): void {
	const needed = ((depth + 3) * (depth + 4)) / 2 + 8;
	if (pathWeight.length >= needed) return;
	pathFeature = new Int32Array(needed);
	pathZero = new Float64Array(needed);
	pathOne = new Float64Array(needed);
	pathWeight = new Float64Array(needed);
}

/** Adds element (zero, one, feature) at position `length` of the path starting at `at`. */
function extendPath(at: number, length: number, zero: number, one: number, feature: number): void {
	pathFeature[at + length] = feature;
	pathZero[at + length] = zero;
	pathOne[at + length] = one;
	pathWeight[at + length] = length === 0 ? 1 : 0;
	for (let i = length - 1; i >= 0; i--) {
		pathWeight[at + i + 1] += (one * pathWeight[at + i] * (i + 1)) / (length + 1);
		pathWeight[at + i] = (zero * pathWeight[at + i] * (length - i)) / (length + 1);
	}
}

/** Removes element `index` from the path (last element at `last`), undoing its extension. */
function unwindPath(at: number, last: number, index: number): void {
	const one = pathOne[at + index];
	const zero = pathZero[at + index];
	let carry = pathWeight[at + last];
	for (let j = last - 1; j >= 0; j--) {
		if (one !== 0) {
			const previous = pathWeight[at + j];
			pathWeight[at + j] = (carry * (last + 1)) / ((j + 1) * one);
			carry = previous - (pathWeight[at + j] * zero * (last - j)) / (last + 1);
		} else {
			pathWeight[at + j] = (pathWeight[at + j] * (last + 1)) / (zero * (last - j));
		}
	}
	for (let j = index; j < last; j++) {
		pathFeature[at + j] = pathFeature[at + j + 1];
		pathZero[at + j] = pathZero[at + j + 1];
		pathOne[at + j] = pathOne[at + j + 1];
	}
}

/** The total permutation weight the path would have with element `index` unwound. */
function unwoundSum(at: number, last: number, index: number): number {
	const one = pathOne[at + index];
	const zero = pathZero[at + index];
	let carry = pathWeight[at + last];
	let total = 0;
	for (let j = last - 1; j >= 0; j--) {
		if (one !== 0) {
			const w = (carry * (last + 1)) / ((j + 1) * one);
			total += w;
			carry = pathWeight[at + j] - (w * zero * (last - j)) / (last + 1);
		} else {
			total += pathWeight[at + j] / ((zero * (last - j)) / (last + 1));
		}
	}
	return total;
}

/** Where SHAP values go: `phi[feature · stride + first + s] += scale · φ` for leaf slot `leafFirst + s`, s < count. */
export interface Target {
	phi: Float64Array;
	stride: number;
	first: number;
	count: number;
	leafFirst: number;
	scale: number;
}

/**
 * One node of the recursion. `depth` is the index this level's new path element takes; the parent's path
 * (depth elements) starts at `parentAt`, this level's copy right after it.
 */
function recurse(
	tree: FlatTree,
	row: ArrayLike<number>,
	out: Target,
	node: number,
	parentAt: number,
	depth: number,
	zero: number,
	one: number,
	feature: number
): void {
	const at = parentAt + depth + 1;
	for (let i = 0; i < depth; i++) {
		pathFeature[at + i] = pathFeature[parentAt + i];
		pathZero[at + i] = pathZero[parentAt + i];
		pathOne[at + i] = pathOne[parentAt + i];
		pathWeight[at + i] = pathWeight[parentAt + i];
	}
	extendPath(at, depth, zero, one, feature);
	if (tree.left[node] < 0) {
		const width = tree.width;
		for (let i = 1; i <= depth; i++) {
			const w = unwoundSum(at, depth, i) * (pathOne[at + i] - pathZero[at + i]) * out.scale;
			const base = pathFeature[at + i] * out.stride + out.first;
			const leaf = node * width + out.leafFirst;
			for (let s = 0; s < out.count; s++) out.phi[base + s] += w * tree.value[leaf + s];
		}
		return;
	}
	const f = tree.feature[node];
	const left = tree.left[node];
	const right = tree.right[node];
	const hot = goesLeft(tree, node, row[f]) ? left : right;
	const cold = hot === left ? right : left;
	let incomingZero = 1;
	let incomingOne = 1;
	let last = depth;
	for (let i = 1; i <= last; i++) {
		if (pathFeature[at + i] !== f) continue;
		incomingZero = pathZero[at + i];
		incomingOne = pathOne[at + i];
		unwindPath(at, last, i);
		last--;
		break;
	}
	const cover = tree.cover[node];
	recurse(tree, row, out, hot, at, last + 1, (incomingZero * tree.cover[hot]) / cover, incomingOne, f);
	recurse(tree, row, out, cold, at, last + 1, (incomingZero * tree.cover[cold]) / cover, 0, f);
}

const depths = new WeakMap<FlatTree, number>();

/** Algorithm 2 for one tree: the reference, and the path for trees too deep for leaf tables. */
export function recursiveTreeShap(tree: FlatTree, row: ArrayLike<number>, out: Target): void {
	let depth = depths.get(tree);
	if (depth === undefined) {
		depth = treeDepth(tree);
		depths.set(tree, depth);
	}
	ensurePathCapacity(depth);
	recurse(tree, row, out, 0, 0, 0, 1, 1, -1);
}

const leafTables = new WeakMap<FlatTree, LeafTables | null>();

function treeShap(tree: FlatTree, row: ArrayLike<number>, out: Target): void {
	let tables = leafTables.get(tree);
	if (tables === undefined) {
		tables = buildLeafTables(tree);
		leafTables.set(tree, tables);
	}
	if (tables) leafTableShap(tree, tables, row, out);
	else recursiveTreeShap(tree, row, out);
}

/**
 * Adds one tree's SHAP values for `row` into `phi` (one slot per feature), for output `k` of the tree's leaves
 * (0 for boosting trees).
 */
export function addTreeShap(tree: FlatTree, row: ArrayLike<number>, phi: Float64Array, k = 0): void {
	treeShap(tree, row, { phi, stride: 1, first: 0, count: 1, leafFirst: k, scale: 1 });
}

const expectations = new WeakMap<FlatTree, Float64Array>();

/** The tree's output averaged over its training rows (by cover): its contribution to the base value. */
export function expectedValue(tree: FlatTree, k = 0): number {
	let values = expectations.get(tree);
	if (!values) {
		const width = tree.width;
		values = new Float64Array(width);
		const visit = (node: number, share: number) => {
			if (tree.left[node] < 0) {
				for (let s = 0; s < width; s++) values![s] += share * tree.value[node * width + s];
				return;
			}
			const l = tree.left[node];
			const r = tree.right[node];
			const total = tree.cover[l] + tree.cover[r];
			const toLeft = total > 0 ? tree.cover[l] / total : 0.5;
			visit(l, share * toLeft);
			visit(r, share * (1 - toLeft));
		};
		visit(0, 1);
		expectations.set(tree, values);
	}
	return values[k];
}

export interface Contributions {
	/** Per output: the model's average raw output (log-odds, class score, or value). */
	base: Float64Array;
	/** Row-major per feature and output: `values[f * outputs + k]`. Σ_f values + base = the raw prediction. */
	values: Float64Array;
	outputs: number;
}

export type ExplainableTreeModel =
	| { kind: 'gbdt'; outputs: number; baseScore: Float64Array; trees: FlatTree[]; featureCount: number }
	| { kind: 'forest'; outputs: number; trees: FlatTree[]; featureCount: number };

/**
 * SHAP values of one row for a boosted model (in raw-score space: log-odds for logistic) or a forest (in the
 * averaged output's space: values or class probabilities).
 */
export function treeModelContributions(model: ExplainableTreeModel, row: ArrayLike<number>): Contributions {
	const K = model.outputs;
	const base = model.kind === 'gbdt' ? Float64Array.from(model.baseScore) : new Float64Array(K);
	const values = new Float64Array(model.featureCount * K);
	const scale = model.kind === 'forest' ? 1 / Math.max(1, model.trees.length) : 1;
	const out: Target = { phi: values, stride: K, first: 0, count: K, leafFirst: 0, scale };
	model.trees.forEach((tree, t) => {
		if (model.kind === 'gbdt') {
			// Round-major trees: tree t serves output t % K, with one value per leaf.
			out.first = t % K;
			out.count = 1;
			base[t % K] += expectedValue(tree);
		} else {
			// Forests: every output from each leaf's class distribution (or value).
			for (let k = 0; k < K; k++) base[k] += scale * expectedValue(tree, k);
		}
		treeShap(tree, row, out);
	});
	return { base, values, outputs: K };
}
