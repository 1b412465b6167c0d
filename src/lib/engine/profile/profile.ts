import type { ColumnNotes } from '../ingest/column-builder';
import type { ReadNotice } from '../ingest/table';
import { isMissing, type Column, type ColumnType, type DataFrame } from '../frame/types';
import { datasetWarnings, type DataWarning } from './warnings';

export interface Histogram {
	/** Bin edges, one more than counts. */
	edges: number[];
	counts: number[];
}

export interface NumericSummary {
	min: number;
	max: number;
	mean: number;
	std: number;
	quantiles: { p1: number; p5: number; p25: number; p50: number; p75: number; p95: number; p99: number };
	histogram: Histogram;
	zeros: number;
	distinct: number;
	/** The most frequent values with their counts (for spotting stand-in values such as -1 or 999). */
	frequent: { value: number; count: number }[];
}

export interface ColumnProfile {
	name: string;
	type: ColumnType;
	typeOverridden: boolean;
	missing: number;
	missingShare: number;
	distinct: number;
	numeric?: Omit<NumericSummary, 'distinct'> & { unit?: string; integer: boolean };
	datetime?: { min: string; max: string; histogram: Histogram };
	/** How slashed dates were read, and whether that was a guess. */
	dateOrder?: { order: 'mdy' | 'dmy'; ambiguous: boolean };
	categories?: { top: { value: string; count: number }[]; otherCount: number };
	boolean?: { labels: [string, string]; trueCount: number; falseCount: number };
	text?: { meanLength: number; maxLength: number };
	notes: ColumnNotes;
}

export interface DatasetProfile {
	rows: number;
	columns: ColumnProfile[];
	duplicateRows: number;
	warnings: DataWarning[];
}

const TOP_CATEGORIES = 10;
const HISTOGRAM_BINS = 20;

function quantile(sorted: Float64Array, q: number): number {
	if (sorted.length === 0) return NaN;
	const pos = (sorted.length - 1) * q;
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Bars for a non-empty sorted array (summariseNumbers returns early when there are no values). */
function histogram(sorted: Float64Array, integer: boolean): Histogram {
	const min = sorted[0];
	const max = sorted[sorted.length - 1];
	if (min === max) return { edges: [min, max], counts: [sorted.length] };
	// Whole numbers with a small range get one bar per value, so counts like "children: 0, 1, 2, 3" read naturally.
	const span = max - min;
	const bins = integer && span < HISTOGRAM_BINS ? span + 1 : HISTOGRAM_BINS;
	const width = integer && span < HISTOGRAM_BINS ? 1 : span / bins;
	const start = integer && span < HISTOGRAM_BINS ? min - 0.5 : min;
	const edges = Array.from({ length: bins + 1 }, (_, i) => start + i * width);
	const counts = new Array<number>(bins).fill(0);
	for (const v of sorted) counts[Math.min(bins - 1, Math.floor((v - start) / width))]++;
	return { edges, counts };
}

function summariseNumbers(
	values: Float64Array,
	missing: Uint8Array,
	integer: boolean
): NumericSummary | undefined {
	let n = 0;
	for (let i = 0; i < values.length; i++) if (!missing[i]) n++;
	if (n === 0) return undefined;
	const sorted = new Float64Array(n);
	let k = 0;
	let sum = 0;
	let zeros = 0;
	for (let i = 0; i < values.length; i++) {
		if (missing[i]) continue;
		const v = values[i];
		sorted[k++] = v;
		sum += v;
		if (v === 0) zeros++;
	}
	sorted.sort();
	const mean = sum / n;
	let squares = 0;
	for (const v of sorted) squares += (v - mean) * (v - mean);
	// One pass over the sorted values: distinct count, and the ten most frequent values (kept in a small array,
	// not one object per distinct value).
	const frequent: { value: number; count: number }[] = [];
	let distinct = 0;
	for (let i = 0; i < n; ) {
		let j = i + 1;
		while (j < n && sorted[j] === sorted[i]) j++;
		distinct++;
		const count = j - i;
		if (frequent.length < 10 || count > frequent[frequent.length - 1].count) {
			let at = frequent.length;
			while (at > 0 && frequent[at - 1].count < count) at--;
			frequent.splice(at, 0, { value: sorted[i], count });
			if (frequent.length > 10) frequent.pop();
		}
		i = j;
	}
	return {
		min: sorted[0],
		max: sorted[n - 1],
		mean,
		std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
		quantiles: {
			p1: quantile(sorted, 0.01),
			p5: quantile(sorted, 0.05),
			p25: quantile(sorted, 0.25),
			p50: quantile(sorted, 0.5),
			p75: quantile(sorted, 0.75),
			p95: quantile(sorted, 0.95),
			p99: quantile(sorted, 0.99)
		},
		histogram: histogram(sorted, integer),
		zeros,
		frequent,
		distinct
	};
}

/**
 * The `k` most frequent codes, most frequent first (ties in dictionary order), in one pass keeping a short
 * sorted list: an identifier column has as many categories as rows, too many to sort.
 */
function mostFrequent(counts: Int32Array, dictionary: string[], k: number): number[] {
	const before = (a: number, b: number) =>
		counts[a] > counts[b] || (counts[a] === counts[b] && dictionary[a] < dictionary[b]);
	const top: number[] = [];
	for (let c = 0; c < counts.length; c++) {
		if (counts[c] === 0 || (top.length === k && !before(c, top[k - 1]))) continue;
		let at = top.length;
		while (at > 0 && before(c, top[at - 1])) at--;
		top.splice(at, 0, c);
		if (top.length > k) top.pop();
	}
	return top;
}

export function profileColumn(column: Column, notes: ColumnNotes = {}): ColumnProfile {
	const rows = 'codes' in column ? column.codes.length : column.values.length;
	let missing = 0;
	for (let i = 0; i < rows; i++) if (isMissing(column, i)) missing++;
	const profile: ColumnProfile = {
		name: column.name,
		type: column.type,
		typeOverridden: !!column.typeOverridden,
		missing,
		missingShare: rows ? missing / rows : 0,
		distinct: 0,
		notes
	};
	switch (column.type) {
		case 'numeric': {
			const summary = summariseNumbers(column.values, column.missing, column.integer);
			if (summary) {
				const { distinct, ...rest } = summary;
				profile.distinct = distinct;
				profile.numeric = { ...rest, integer: column.integer, ...(column.unit ? { unit: column.unit } : {}) };
			}
			break;
		}
		case 'datetime': {
			const summary = summariseNumbers(column.values, column.missing, false);
			if (summary) {
				profile.distinct = summary.distinct;
				profile.datetime = {
					min: new Date(summary.min).toISOString(),
					max: new Date(summary.max).toISOString(),
					histogram: summary.histogram
				};
			}
			if (column.order) profile.dateOrder = { order: column.order, ambiguous: !!column.ambiguousOrder };
			break;
		}
		case 'boolean': {
			let trueCount = 0;
			for (let i = 0; i < rows; i++) if (!column.missing[i] && column.values[i] === 1) trueCount++;
			profile.boolean = { labels: column.labels, trueCount, falseCount: rows - missing - trueCount };
			profile.distinct = (trueCount > 0 ? 1 : 0) + (rows - missing - trueCount > 0 ? 1 : 0);
			break;
		}
		default: {
			const counts = new Int32Array(column.dictionary.length);
			for (const c of column.codes) if (c >= 0) counts[c]++;
			const top = mostFrequent(counts, column.dictionary, TOP_CATEGORIES).map((c) => ({
				value: column.dictionary[c],
				count: counts[c]
			}));
			profile.categories = { top, otherCount: rows - missing - top.reduce((s, t) => s + t.count, 0) };
			let distinct = 0;
			for (let c = 0; c < counts.length; c++) if (counts[c] > 0) distinct++;
			profile.distinct = distinct;
			if (column.type === 'text') {
				let total = 0;
				let maxLength = 0;
				for (const c of column.codes) {
					if (c < 0) continue;
					const len = column.dictionary[c].length;
					total += len;
					if (len > maxLength) maxLength = len;
				}
				profile.text = { meanLength: rows - missing ? total / (rows - missing) : 0, maxLength };
			}
		}
	}
	return profile;
}

/**
 * Rows that repeat an earlier row exactly, found by hashing each row's values into two 32-bit hashes (64 bits:
 * collisions negligible) and counting hashes already seen in an open-addressing table of typed arrays (a Set of
 * 53-bit numbers allocated a heap number per row).
 */
export function countDuplicateRows(frame: DataFrame): number {
	const n = frame.rowCount;
	const h1 = new Uint32Array(n).fill(0x811c9dc5);
	const h2 = new Uint32Array(n).fill(0x9747b28c);
	const mix = (i: number, a: number, b: number) => {
		h1[i] = Math.imul(h1[i] ^ a, 0x01000193) ^ Math.imul(b, 0x5bd1e995);
		h2[i] = Math.imul(h2[i] ^ b, 0x85ebca6b) ^ Math.imul(a, 0xc2b2ae35);
	};
	const f64 = new Float64Array(1);
	const u32 = new Uint32Array(f64.buffer);
	for (const column of frame.columns) {
		if ('codes' in column) {
			const codes = column.codes;
			for (let i = 0; i < n; i++) mix(i, codes[i], codes[i] ^ 0x5bd1e995);
			continue;
		}
		const { values, missing } = column;
		for (let i = 0; i < n; i++) {
			if (missing[i]) mix(i, 0x7ff80001, 0x1);
			else {
				f64[0] = values[i];
				mix(i, u32[0], u32[1]);
			}
		}
	}
	// Slots hold h1 and h2 + 1 (0 marks an empty slot); at most half full, so probes stay short.
	const size = 2 ** Math.max(4, Math.ceil(Math.log2(2 * n + 1)));
	const mask = size - 1;
	const first = new Uint32Array(size);
	const second = new Float64Array(size);
	let duplicates = 0;
	for (let i = 0; i < n; i++) {
		const a = h1[i];
		const b = h2[i] + 1;
		let slot = Math.imul(a ^ (b >>> 7), 0x9e3779b1) & mask;
		for (;;) {
			if (second[slot] === 0) {
				first[slot] = a;
				second[slot] = b;
				break;
			}
			if (first[slot] === a && second[slot] === b) {
				duplicates++;
				break;
			}
			slot = (slot + 1) & mask;
		}
	}
	return duplicates;
}

export function profileFrame(
	frame: DataFrame,
	notes: ColumnNotes[] = [],
	notices: ReadNotice[] = []
): DatasetProfile {
	const columns = frame.columns.map((c, i) => profileColumn(c, notes[i] ?? {}));
	const duplicateRows = countDuplicateRows(frame);
	return {
		rows: frame.rowCount,
		columns,
		duplicateRows,
		warnings: datasetWarnings(frame.rowCount, columns, duplicateRows, notices)
	};
}
