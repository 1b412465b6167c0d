import { MISSING_BIN, type BinMapper } from './binning';
import { buildHistogram, histogramSize, subtractHistogram } from './histogram';
import { findBestSplit, leafValue, type NodeSums, type Split, type SplitParams } from './splitter';
import type { FlatTree } from './tree';

export interface GrowParams extends SplitParams {
	maxLeaves: number;
	/** 0 or less: unlimited. */
	maxDepth: number;
	/** Multiplies every leaf value (the boosting learning rate; 1 for forests). */
	shrinkage: number;
}

interface OpenLeaf {
	node: number;
	start: number;
	end: number;
	depth: number;
	sums: NodeSums;
	hist: Float64Array;
	split: Split | null;
}

/**
 * Grows one tree best-first (leaf-wise): the open leaf whose split gains most is split next, until `maxLeaves`
 * or no split gains. `rows[start..end)` of each node is partitioned in place. Only the smaller child's
 * histogram is built; the larger is parent − smaller.
 */
export function growTree(
	binned: Uint8Array,
	n: number,
	mapper: BinMapper,
	features: Int32Array,
	grad: Float64Array,
	hess: Float64Array,
	rows: Uint32Array,
	params: GrowParams
): FlatTree {
	const feature: number[] = [-1];
	const threshold: number[] = [0];
	const missingLeft: number[] = [0];
	const left: number[] = [-1];
	const right: number[] = [-1];
	const value: number[] = [0];
	const size = histogramSize(mapper.binCounts.length);

	const rootSums: NodeSums = { grad: 0, hess: 0, count: rows.length };
	for (let r = 0; r < rows.length; r++) {
		rootSums.grad += grad[rows[r]];
		rootSums.hess += hess[rows[r]];
	}
	const rootHist = new Float64Array(size);
	buildHistogram(binned, n, features, rows, 0, rows.length, grad, hess, rootHist);
	const splittable = (depth: number) => params.maxDepth <= 0 || depth < params.maxDepth;
	const open: OpenLeaf[] = [
		{
			node: 0,
			start: 0,
			end: rows.length,
			depth: 0,
			sums: rootSums,
			hist: rootHist,
			split: splittable(0) ? findBestSplit(rootHist, features, mapper.binCounts, rootSums, params) : null
		}
	];
	let leaves = 1;

	while (leaves < params.maxLeaves) {
		let bestIndex = -1;
		for (let i = 0; i < open.length; i++) {
			const s = open[i].split;
			if (s && (bestIndex < 0 || s.gain > open[bestIndex].split!.gain)) bestIndex = i;
		}
		if (bestIndex < 0) break;
		const leaf = open.splice(bestIndex, 1)[0];
		const split = leaf.split!;

		// Partition rows[start..end) in place: left rows first.
		const column = split.feature * n;
		let lo = leaf.start;
		let hi = leaf.end - 1;
		while (lo <= hi) {
			const bin = binned[column + rows[lo]];
			const goLeft = bin === MISSING_BIN ? split.missingLeft : bin <= split.bin;
			if (goLeft) lo++;
			else {
				const tmp = rows[lo];
				rows[lo] = rows[hi];
				rows[hi] = tmp;
				hi--;
			}
		}
		const mid = lo;

		const leftNode = feature.length;
		const rightNode = leftNode + 1;
		for (let k = 0; k < 2; k++) {
			feature.push(-1);
			threshold.push(0);
			missingLeft.push(0);
			left.push(-1);
			right.push(-1);
			value.push(0);
		}
		const edges = mapper.edges[split.feature];
		feature[leaf.node] = split.feature;
		threshold[leaf.node] = split.bin < edges.length ? edges[split.bin] : Infinity;
		missingLeft[leaf.node] = split.missingLeft ? 1 : 0;
		left[leaf.node] = leftNode;
		right[leaf.node] = rightNode;

		const leftSmaller = mid - leaf.start <= leaf.end - mid;
		const smallHist = new Float64Array(size);
		const largeHist = leaf.hist; // reused: becomes parent − small
		if (leftSmaller) buildHistogram(binned, n, features, rows, leaf.start, mid, grad, hess, smallHist);
		else buildHistogram(binned, n, features, rows, mid, leaf.end, grad, hess, smallHist);
		subtractHistogram(leaf.hist, smallHist, largeHist);
		const depth = leaf.depth + 1;
		const children: OpenLeaf[] = [
			{
				node: leftNode,
				start: leaf.start,
				end: mid,
				depth,
				sums: split.left,
				hist: leftSmaller ? smallHist : largeHist,
				split: null
			},
			{
				node: rightNode,
				start: mid,
				end: leaf.end,
				depth,
				sums: split.right,
				hist: leftSmaller ? largeHist : smallHist,
				split: null
			}
		];
		for (const child of children) {
			child.split = splittable(depth)
				? findBestSplit(child.hist, features, mapper.binCounts, child.sums, params)
				: null;
			open.push(child);
		}
		leaves++;
	}

	for (const leaf of open) {
		value[leaf.node] = params.shrinkage * leafValue(leaf.sums.grad, leaf.sums.hess, params);
	}
	return {
		feature: Int32Array.from(feature),
		threshold: Float64Array.from(threshold),
		missingLeft: Uint8Array.from(missingLeft),
		left: Int32Array.from(left),
		right: Int32Array.from(right),
		value: Float64Array.from(value)
	};
}
