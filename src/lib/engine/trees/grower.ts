import { MISSING_BIN, type BinMapper, type BinnedData } from './binning';
import {
	buildHistogram,
	buildPackedHistogram,
	histogramSize,
	packedSums,
	subtractHistogram,
	subtractPackedHistogram,
	unpackHistogram,
	type PackedGradients
} from './histogram';
import type { HistogramThreads } from './histogram-threads';
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
		const lowest = split.bin < edges.length ? edges[split.bin] : Infinity;
		// The next bin's lower edge is the edge before it.
		const highest = split.nextBin !== undefined ? edges[split.nextBin - 1] : lowest;
		const threshold = highest > lowest ? lowest + (highest - lowest) / 2 : lowest;
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
 * Partitions rows[start..end) by one feature's bins (`column`, indexed by row: a slice of the column-major
 * binned data), rows going left first, keeping each side in its original (ascending) order; returns the
 * boundary. Branch-free: left rows are compacted in place (a row is written at or before where it was read) and
 * every row is also written to the scratch buffer, where only the right side's cursor advances; the branch
 * would be unpredictable. Keeping rows sorted makes the next histogram pass read the data in memory order.
 */
export function partitionRows(
	column: Uint8Array,
	rows: Uint32Array,
	start: number,
	end: number,
	goLeft: Uint8Array,
	scratch: Uint32Array
): number {
	let left = start;
	let right = 0;
	for (let r = start; r < end; r++) {
		const i = rows[r];
		const toLeft = goLeft[column[i]];
		rows[left] = i;
		scratch[right] = i;
		left += toLeft;
		right += 1 - toLeft;
	}
	rows.set(scratch.subarray(0, right), left);
	return left;
}

/** What a workspace needs to build histograms on several threads (see `HistogramThreads`). */
export interface SharedWorkspace {
	threads: HistogramThreads;
	/** Histogram slots of `histogramLength` float64s, shared with the helper threads. */
	arena: Float64Array;
	/** The packed gradients, shared with the helper threads. */
	packed: Float64Array;
}

/** Nodes with fewer rows build their histogram on one thread: waking the helpers costs more than it saves. */
const PARALLEL_MIN_ROWS = 4096;

/**
 * Reusable histogram buffers and partition scratch space for one fit. A packed histogram (quantized gradients)
 * is smaller than an unpacked one and uses the front of the same buffers. With `shared`, buffers come from the
 * shared arena first (histograms built there can be split over threads), then from ordinary memory.
 */
export class GrowerWorkspace {
	private readonly free: Float64Array[] = [];
	private arenaUsed = 0;
	readonly scratch: Uint32Array;
	/** Where packed histograms are unpacked for split finding. */
	readonly unpacked: Float64Array;
	/** Quantized gradients, indexed by row. */
	readonly packed: Float64Array;
	constructor(
		readonly histogramLength: number,
		rowCount: number,
		readonly shared: SharedWorkspace | null = null
	) {
		this.scratch = new Uint32Array(rowCount);
		this.unpacked = new Float64Array(histogramLength);
		this.packed = shared?.packed ?? new Float64Array(rowCount);
	}
	take(): Float64Array {
		const reused = this.free.pop();
		if (reused) return reused;
		const arena = this.shared?.arena;
		if (arena && (this.arenaUsed + 1) * this.histogramLength <= arena.length)
			return arena.subarray(this.arenaUsed++ * this.histogramLength, this.arenaUsed * this.histogramLength);
		return new Float64Array(this.histogramLength);
	}
	give(hist: Float64Array | null): void {
		if (hist) this.free.push(hist);
	}
	/** The arena slot `hist` is, or −1 when it is not in the arena. */
	slotOf(hist: Float64Array): number {
		const arena = this.shared?.arena;
		return arena && hist.buffer === arena.buffer ? hist.byteOffset / (this.histogramLength * 8) : -1;
	}
}

/**
 * Grows one boosting tree on the rows in `rows` (all of them, or a subsample). Best-first (leaf-wise): the
 * open leaf whose split gains most is split next, until `maxLeaves`, `maxDepth` or no split gains. Each node's
 * rows are a slice of `rows`, partitioned in place; only the smaller child's histogram is built, the larger is
 * parent − smaller.
 */
export function growTree(
	data: BinnedData,
	mapper: BinMapper,
	/** The features this tree may split on; null for all. */
	featureSubset: Int32Array | null,
	grad: Float64Array,
	hess: Float64Array,
	rows: Uint32Array,
	params: GrowParams,
	workspace = new GrowerWorkspace(histogramSize(mapper.binCounts.length), rows.length),
	/** Gradients packed by `quantizeGradients` for these rows: histograms are built from them, leaf values not. */
	quantized: PackedGradients | null = null
): GrownTree {
	const width = mapper.binCounts.length;
	const binned = data.byRow;
	const features = featureSubset ?? Int32Array.from({ length: width }, (_, f) => f);
	const builder = new TreeBuilder(1);
	const categorical = mapper.categorical;
	// Per-bin row counts are needed only to enforce a minimum leaf size and to see which categories occur.
	const countsTracked = params.minSamplesLeaf > 1 || categorical.some((c) => c === 1);
	const splittable = (leaf: OpenLeaf) =>
		(params.maxDepth <= 0 || leaf.depth < params.maxDepth) && leaf.sums.count >= 2 * params.minSamplesLeaf;
	const threads = workspace.shared?.threads;
	const build = (start: number, end: number, out: Float64Array) => {
		const slot = threads && !featureSubset && end - start >= PARALLEL_MIN_ROWS ? workspace.slotOf(out) : -1;
		if (quantized && slot >= 0) threads!.build(slot, start, end, countsTracked);
		else if (quantized)
			buildPackedHistogram(binned, featureSubset, rows, start, end, quantized.values, out, countsTracked);
		else buildHistogram(binned, featureSubset, rows, start, end, grad, hess, out, countsTracked);
	};
	const subtract = (parent: Float64Array, small: Float64Array) => {
		if (quantized) subtractPackedHistogram(parent, small, parent, width, featureSubset, countsTracked);
		else subtractHistogram(parent, small, parent, featureSubset);
	};
	const decide = (leaf: OpenLeaf) => {
		let hist = leaf.hist!;
		if (quantized && splittable(leaf)) {
			unpackHistogram(hist, quantized, width, featureSubset, workspace.unpacked, countsTracked);
			hist = workspace.unpacked;
		}
		leaf.split = splittable(leaf)
			? findBestSplit(hist, features, mapper.binCounts, leaf.sums, params, categorical, countsTracked)
			: null;
		if (!leaf.split) {
			workspace.give(leaf.hist);
			leaf.hist = null;
		}
	};

	// Split finding works on one kind of sums throughout: the quantized ones when gradients are packed.
	const rootSums: NodeSums = { grad: 0, hess: 0, count: rows.length };
	if (quantized) Object.assign(rootSums, packedSums(quantized, rows, 0, rows.length));
	else
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
	build(0, rows.length, root.hist!);
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
		const column = data.byColumn.subarray(split.feature * data.rowCount, (split.feature + 1) * data.rowCount);
		const mid = partitionRows(column, rows, leaf.start, leaf.end, goLeftTable(split), workspace.scratch);
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
			build(from, to, small);
			subtract(large, small);
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
		let { grad: g, hess: h } = leaf.sums;
		if (quantized) {
			// Leaf values from the exact gradients of the leaf's rows.
			g = 0;
			h = 0;
			for (let r = leaf.start; r < leaf.end; r++) {
				g += grad[rows[r]];
				h += hess[rows[r]];
			}
		}
		builder.setValue(leaf.node, 0, params.shrinkage * leafValue(g, h, params));
		workspace.give(leaf.hist);
		finalLeaves.push({ node: leaf.node, start: leaf.start, end: leaf.end });
	}
	return { tree: builder.finish(), leaves: finalLeaves };
}
