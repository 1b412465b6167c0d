/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature attribution for tree
 * ensembles", Algorithm 2): each feature's Shapley value for one row, where "feature unknown" means following
 * both children in proportion to how many training rows went each way (the node covers). Polynomial time:
 * O(leaves × depth²) per tree, instead of the 2^features of the definition.
 *
 * For a tree, Σ contributions + expectedValue(tree) = the tree's output for the row.
 */
import { goesLeft, type FlatTree } from './tree';

/** One element of the path of unique features from the root to the current node. */
interface PathElement {
	feature: number;
	/** Fraction of "feature unknown" flow that reaches here (zero fraction). */
	zero: number;
	/** 1 when the row itself takes this path (one fraction), else 0. */
	one: number;
	/** Permutation weight. */
	weight: number;
}

function extendPath(path: PathElement[], zero: number, one: number, feature: number): PathElement[] {
	const next = path.map((e) => ({ ...e }));
	const length = next.length;
	next.push({ feature, zero, one, weight: length === 0 ? 1 : 0 });
	for (let i = length - 1; i >= 0; i--) {
		next[i + 1].weight += (one * next[i].weight * (i + 1)) / (length + 1);
		next[i].weight = (zero * next[i].weight * (length - i)) / (length + 1);
	}
	return next;
}

/** Removes element `index` from the path, undoing its extension. */
function unwindPath(path: PathElement[], index: number): PathElement[] {
	const next = path.map((e) => ({ ...e }));
	const last = next.length - 1;
	const { one, zero } = next[index];
	let carry = next[last].weight;
	for (let j = last - 1; j >= 0; j--) {
		if (one !== 0) {
			const previous = next[j].weight;
			next[j].weight = (carry * (last + 1)) / ((j + 1) * one);
			carry = previous - (next[j].weight * zero * (last - j)) / (last + 1);
		} else {
			next[j].weight = (next[j].weight * (last + 1)) / (zero * (last - j));
		}
	}
	for (let j = index; j < last; j++) {
		next[j].feature = next[j + 1].feature;
		next[j].zero = next[j + 1].zero;
		next[j].one = next[j + 1].one;
	}
	next.pop();
	return next;
}

/** The total permutation weight the path would have with element `index` unwound. */
function unwoundSum(path: PathElement[], index: number): number {
	const last = path.length - 1;
	const { one, zero } = path[index];
	let carry = path[last].weight;
	let total = 0;
	for (let j = last - 1; j >= 0; j--) {
		if (one !== 0) {
			const w = (carry * (last + 1)) / ((j + 1) * one);
			total += w;
			carry = path[j].weight - (w * zero * (last - j)) / (last + 1);
		} else {
			total += path[j].weight / ((zero * (last - j)) / (last + 1));
		}
	}
	return total;
}

/**
 * Adds one tree's SHAP values for `row` into `phi` (one slot per feature), for output `k` of the tree's leaves
 * (0 for boosting trees).
 */
export function addTreeShap(tree: FlatTree, row: ArrayLike<number>, phi: Float64Array, k = 0): void {
	const width = tree.width;
	const recurse = (node: number, parentPath: PathElement[], zero: number, one: number, feature: number) => {
		let path = extendPath(parentPath, zero, one, feature);
		if (tree.left[node] < 0) {
			const value = tree.value[node * width + k];
			for (let i = 1; i < path.length; i++) {
				const w = unwoundSum(path, i);
				phi[path[i].feature] += w * (path[i].one - path[i].zero) * value;
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
		const seen = path.findIndex((e, i) => i > 0 && e.feature === f);
		if (seen > 0) {
			incomingZero = path[seen].zero;
			incomingOne = path[seen].one;
			path = unwindPath(path, seen);
		}
		const cover = tree.cover[node];
		recurse(hot, path, (incomingZero * tree.cover[hot]) / cover, incomingOne, f);
		recurse(cold, path, (incomingZero * tree.cover[cold]) / cover, 0, f);
	};
	recurse(0, [], 1, 1, -1);
}

/** The tree's output averaged over its training rows (by cover): its contribution to the base value. */
export function expectedValue(tree: FlatTree, k = 0): number {
	const visit = (node: number): number => {
		if (tree.left[node] < 0) return tree.value[node * tree.width + k];
		const l = tree.left[node];
		const r = tree.right[node];
		const total = tree.cover[l] + tree.cover[r];
		if (total <= 0) return (visit(l) + visit(r)) / 2;
		return (tree.cover[l] * visit(l) + tree.cover[r] * visit(r)) / total;
	};
	return visit(0);
}

export interface Contributions {
	/** Per output: the model's average raw output (log-odds, class score, or value). */
	base: Float64Array;
	/** Row-major per feature and output: `values[f * outputs + k]`. Σ_f values + base = the raw prediction. */
	values: Float64Array;
	outputs: number;
}

/**
 * SHAP values of one row for a boosted model (in raw-score space: log-odds for logistic) or a forest (in the
 * averaged output's space: values or class probabilities).
 */
export function treeModelContributions(
	model:
		| { kind: 'gbdt'; outputs: number; baseScore: Float64Array; trees: FlatTree[]; featureCount: number }
		| { kind: 'forest'; outputs: number; trees: FlatTree[]; featureCount: number },
	row: ArrayLike<number>
): Contributions {
	const K = model.outputs;
	const F = model.featureCount;
	const base = model.kind === 'gbdt' ? Float64Array.from(model.baseScore) : new Float64Array(K);
	const values = new Float64Array(F * K);
	const phi = new Float64Array(F);
	const scale = model.kind === 'forest' ? 1 / Math.max(1, model.trees.length) : 1;
	model.trees.forEach((tree, t) => {
		// Boosting: tree t serves output t % K with one value per leaf; forests: every output from each leaf.
		const outputs = model.kind === 'gbdt' ? [t % K] : Array.from({ length: K }, (_, k) => k);
		for (const k of outputs) {
			const leafSlot = model.kind === 'gbdt' ? 0 : k;
			phi.fill(0);
			addTreeShap(tree, row, phi, leafSlot);
			for (let f = 0; f < F; f++) values[f * K + k] += scale * phi[f];
			base[k] += scale * expectedValue(tree, leafSlot);
		}
	});
	return { base, values, outputs: K };
}
