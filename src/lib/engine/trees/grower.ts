import { MISSING_BIN, type BinMapper } from './binning';
import { buildHistogram, histogramSize, subtractHistogram } from './histogram';
import {
	findBestSplit,
	goLeftTable,
	leafValue,
	type NodeSums,
	type Split,
	type SplitParams
} from './splitter';
import { TreeBuilder, type FlatTree } from './tree';

export interface GrowParams extends SplitParams {
	/** Leaf-wise growth stops at this many leaves (Infinity: only depth and gain limit the tree). */
	maxLeaves: number;
	/** 0 or less: unlimited. With `maxLeaves: Infinity` this is depth-wise growth, as XGBoost does. */
	maxDepth: number;
	/** Multiplies every leaf value (the boosting learning rate). */
	shrinkage: number;
}

/** Where each leaf's rows ended up: `rows[start..end)` after partitioning. */
export interface LeafRange {
	node: number;
	start: number;
	end: number;
}

export interface GrownTree {
	tree: FlatTree;
	leaves: LeafRange[];
}

interface OpenLeaf extends LeafRange {
	depth: number;
	sums: NodeSums;
	hist: Float64Array | null;
	split: Split | null;
}

/** The numeric threshold or category set a binned split means, written into the tree. */
export function writeSplit(
	builder: TreeBuilder,
	node: number,
	split: Split,
	mapper: BinMapper,
	covers: [number, number]
): [number, number] {
	const f = split.feature;
	const categoryBins = mapper.categoryBins[f];
	if (!categoryBins) {
		const edges = mapper.edges[f];
		const threshold = split.bin < edges.length ? edges[split.bin] : Infinity;
		return builder.splitNumeric(node, f, threshold, split.missingLeft, covers);
	}
	const leftBin = new Uint8Array(256);
	for (const b of split.leftBins!) leftBin[b] = 1;
	const leftCodes: number[] = [];
	const unseen: number[] = [];
	for (let code = 0; code < categoryBins.length; code++) {
		const bin = categoryBins[code];
		if (bin === MISSING_BIN) unseen.push(code);
		else if (leftBin[bin]) leftCodes.push(code);
	}
	return builder.splitCategorical(node, f, leftCodes, unseen, categoryBins.length, split.missingLeft, covers);
}

/**
 * Partitions rows[start..end), rows going left first, keeping each side in its original (ascending) order;
 * returns the boundary. Branch-free: every row is written to both scratch buffers and only the cursor of its
 * side advances, which measured several times faster than swapping in place (the branch is unpredictable),
 * and keeping rows sorted makes the next histogram pass read `binned` and the gradients in memory order.
 */
export function partitionRows(
	binned: Uint8Array,
	width: number,
	rows: Uint32Array,
	start: number,
	end: number,
	feature: number,
	goLeft: Uint8Array,
	scratchLeft: Uint32Array,
	scratchRight: Uint32Array
): number {
	let left = 0;
	let right = 0;
	for (let r = start; r < end; r++) {
		const i = rows[r];
		const toLeft = goLeft[binned[i * width + feature]];
		scratchLeft[left] = i;
		scratchRight[right] = i;
		left += toLeft;
		right += 1 - toLeft;
	}
	rows.set(scratchLeft.subarray(0, left), start);
	rows.set(scratchRight.subarray(0, right), start + left);
	return start + left;
}

/** Reusable histogram buffers and partition scratch space for one fit. */
export class GrowerWorkspace {
	private readonly free: Float64Array[] = [];
	readonly scratchLeft: Uint32Array;
	readonly scratchRight: Uint32Array;
	constructor(
		readonly histogramLength: number,
		rowCount: number
	) {
		this.scratchLeft = new Uint32Array(rowCount);
		this.scratchRight = new Uint32Array(rowCount);
	}
	take(): Float64Array {
		return this.free.pop() ?? new Float64Array(this.histogramLength);
	}
	give(hist: Float64Array | null): void {
		if (hist) this.free.push(hist);
	}
}

/**
 * Grows one boosting tree on the rows in `rows` (all of them, or a subsample). Best-first (leaf-wise): the
 * open leaf whose split gains most is split next, until `maxLeaves`, `maxDepth` or no split gains. Each node's
 * rows are a slice of `rows`, partitioned in place; only the smaller child's histogram is built, the larger is
 * parent − smaller.
 */
export function growTree(
	binned: Uint8Array,
	mapper: BinMapper,
	/** The features this tree may split on; null for all. */
	featureSubset: Int32Array | null,
	grad: Float64Array,
	hess: Float64Array,
	rows: Uint32Array,
	params: GrowParams,
	workspace = new GrowerWorkspace(histogramSize(mapper.binCounts.length), rows.length)
): GrownTree {
	const width = mapper.binCounts.length;
	const features = featureSubset ?? Int32Array.from({ length: width }, (_, f) => f);
	const builder = new TreeBuilder(1);
	const categorical = mapper.categorical;
	// Per-bin row counts are needed only to enforce a minimum leaf size and to see which categories occur.
	const countsTracked = params.minSamplesLeaf > 1 || categorical.some((c) => c === 1);
	const splittable = (leaf: OpenLeaf) =>
		(params.maxDepth <= 0 || leaf.depth < params.maxDepth) && leaf.sums.count >= 2 * params.minSamplesLeaf;
	const decide = (leaf: OpenLeaf) => {
		leaf.split = splittable(leaf)
			? findBestSplit(leaf.hist!, features, mapper.binCounts, leaf.sums, params, categorical, countsTracked)
			: null;
		if (!leaf.split) {
			workspace.give(leaf.hist);
			leaf.hist = null;
		}
	};

	const rootSums: NodeSums = { grad: 0, hess: 0, count: rows.length };
	for (let r = 0; r < rows.length; r++) {
		rootSums.grad += grad[rows[r]];
		rootSums.hess += hess[rows[r]];
	}
	const root: OpenLeaf = {
		node: builder.addNode(rows.length),
		start: 0,
		end: rows.length,
		depth: 0,
		sums: rootSums,
		hist: workspace.take(),
		split: null
	};
	buildHistogram(binned, width, featureSubset, rows, 0, rows.length, grad, hess, root.hist!, countsTracked);
	decide(root);
	const open: OpenLeaf[] = [root];
	let leaves = 1;

	while (leaves < params.maxLeaves) {
		let bestIndex = -1;
		for (let i = 0; i < open.length; i++) {
			const s = open[i].split;
			if (s && (bestIndex < 0 || s.gain > open[bestIndex].split!.gain)) bestIndex = i;
		}
		if (bestIndex < 0) break;
		const leaf = open[bestIndex];
		open[bestIndex] = open[open.length - 1];
		open.pop();
		const split = leaf.split!;
		const mid = partitionRows(
			binned,
			width,
			rows,
			leaf.start,
			leaf.end,
			split.feature,
			goLeftTable(split),
			workspace.scratchLeft,
			workspace.scratchRight
		);
		const [leftNode, rightNode] = writeSplit(builder, leaf.node, split, mapper, [
			mid - leaf.start,
			leaf.end - mid
		]);

		const depth = leaf.depth + 1;
		const children: OpenLeaf[] = [
			{
				node: leftNode,
				start: leaf.start,
				end: mid,
				depth,
				sums: { ...split.left, count: mid - leaf.start },
				hist: null,
				split: null
			},
			{
				node: rightNode,
				start: mid,
				end: leaf.end,
				depth,
				sums: { ...split.right, count: leaf.end - mid },
				hist: null,
				split: null
			}
		];
		if (children.some(splittable)) {
			const leftSmaller = mid - leaf.start <= leaf.end - mid;
			const small = workspace.take();
			const large = leaf.hist!; // reused: becomes parent − small
			const [from, to] = leftSmaller ? [leaf.start, mid] : [mid, leaf.end];
			buildHistogram(binned, width, featureSubset, rows, from, to, grad, hess, small, countsTracked);
			subtractHistogram(large, small, large, featureSubset);
			children[0].hist = leftSmaller ? small : large;
			children[1].hist = leftSmaller ? large : small;
		} else workspace.give(leaf.hist); // both children are final leaves: no histogram needed
		leaf.hist = null;
		for (const child of children) {
			if (child.hist) decide(child);
			open.push(child);
		}
		leaves++;
	}

	const finalLeaves: LeafRange[] = [];
	for (const leaf of open) {
		builder.setValue(leaf.node, 0, params.shrinkage * leafValue(leaf.sums.grad, leaf.sums.hess, params));
		workspace.give(leaf.hist);
		finalLeaves.push({ node: leaf.node, start: leaf.start, end: leaf.end });
	}
	return { tree: builder.finish(), leaves: finalLeaves };
}
