/**
 * Turns a table's columns into numeric model features, learned on training rows only and then applied to any
 * table with the same columns (a validation fold, a file to predict, one row sent to an endpoint).
 *
 * - numeric → the value; boolean → 0/1; categorical → a category code (categories seen in training, most
 *   frequent first; anything else gets the "unseen" code, which tree models send where missing values go);
 * - datetime → year, month, day, weekday, hour (when times vary) and days since 1970;
 * - free text → length, word count and "contains <word>" for its most common words;
 * - identifiers (a different value on every row) are dropped: they cannot generalise.
 *
 * Each feature remembers the column it came from, so explanations can be summed back per column.
 * Pure data in, pure data out: the encoder is plain JSON and travels inside the model artifact.
 */
import { cellText, columnLength, isMissing, textCounts, type Column, type DataFrame } from '../frame/types';

export type DatetimePart = 'year' | 'month' | 'day' | 'weekday' | 'hour' | 'days';

export type ColumnSpec =
	| { name: string; kind: 'numeric' }
	| { name: string; kind: 'boolean'; labels: [string, string] }
	| { name: string; kind: 'categorical'; categories: string[] }
	| { name: string; kind: 'datetime'; parts: DatetimePart[] }
	| { name: string; kind: 'text'; words: string[] }
	| { name: string; kind: 'dropped'; reason: string };

export interface FeatureInfo {
	name: string;
	/** The input column this feature is computed from. */
	source: string;
	categorical: boolean;
}

export interface FeatureEncoder {
	columns: ColumnSpec[];
	features: FeatureInfo[];
}

export interface EncodedFeatures {
	/** Column-major, NaN for missing. */
	features: Float64Array[];
	rowCount: number;
	/** Input columns the encoder needs that the table lacks (their features are all missing). */
	absentColumns: string[];
}

/** Most categories kept per column; rarer ones share the unseen code. */
const MAX_CATEGORIES = 1000;
const TEXT_WORDS = 20;

function frequentValues(column: Column, limit: number): string[] {
	return [...textCounts(column).entries()]
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
		.slice(0, limit)
		.map(([t]) => t);
}

function wordsOf(text: string): string[] {
	return text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
}

function commonWords(column: Column): string[] {
	const documents = new Map<string, number>();
	const n = columnLength(column);
	for (let i = 0; i < n; i++) {
		if (isMissing(column, i)) continue;
		for (const w of new Set(wordsOf(cellText(column, i)))) documents.set(w, (documents.get(w) ?? 0) + 1);
	}
	const minDocuments = Math.max(5, Math.ceil(n * 0.01));
	return [...documents.entries()]
		.filter(([, c]) => c >= minDocuments)
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
		.slice(0, TEXT_WORDS)
		.map(([w]) => w);
}

function datetimeParts(column: Column & { type: 'datetime' }): DatetimePart[] {
	let timed = false;
	for (let i = 0; i < column.values.length && !timed; i++)
		if (!column.missing[i] && column.values[i] % 86_400_000 !== 0) timed = true;
	return timed
		? ['year', 'month', 'day', 'weekday', 'hour', 'days']
		: ['year', 'month', 'day', 'weekday', 'days'];
}

function specOf(column: Column): ColumnSpec {
	const name = column.name;
	switch (column.type) {
		case 'numeric':
			return { name, kind: 'numeric' };
		case 'boolean':
			return { name, kind: 'boolean', labels: column.labels };
		case 'datetime':
			return { name, kind: 'datetime', parts: datetimeParts(column) };
		case 'categorical':
			return { name, kind: 'categorical', categories: frequentValues(column, MAX_CATEGORIES) };
		case 'text':
			return { name, kind: 'text', words: commonWords(column) };
		case 'identifier':
			return { name, kind: 'dropped', reason: 'a different value on almost every row (an identifier)' };
	}
}

function featuresOf(spec: ColumnSpec): FeatureInfo[] {
	const f = (name: string, categorical = false): FeatureInfo => ({ name, source: spec.name, categorical });
	switch (spec.kind) {
		case 'numeric':
		case 'boolean':
			return [f(spec.name)];
		case 'categorical':
			return [f(spec.name, true)];
		case 'datetime':
			return spec.parts.map((p) => f(`${spec.name} (${p})`));
		case 'text':
			return [
				f(`${spec.name} (length)`),
				f(`${spec.name} (words)`),
				...spec.words.map((w) => f(`${spec.name} contains "${w}"`))
			];
		case 'dropped':
			return [];
	}
}

/** Learns the encoding from training rows. `exclude` lists columns that are not features (the target…). */
export function fitEncoder(frame: DataFrame, exclude: Iterable<string> = []): FeatureEncoder {
	const skip = new Set(exclude);
	const columns = frame.columns.filter((c) => !skip.has(c.name)).map(specOf);
	return { columns, features: columns.flatMap(featuresOf) };
}

function numberOf(column: Column, i: number): number {
	if (isMissing(column, i)) return NaN;
	if (column.type === 'numeric' || column.type === 'datetime') return column.values[i];
	if (column.type === 'boolean') return column.values[i];
	const v = Number(cellText(column, i).replace(/[,\s]/g, ''));
	return Number.isFinite(v) ? v : NaN;
}

function datetimeOf(column: Column, i: number): number {
	if (isMissing(column, i)) return NaN;
	if (column.type === 'datetime' || column.type === 'numeric') return column.values[i];
	const t = Date.parse(cellText(column, i));
	return Number.isFinite(t) ? t : NaN;
}

function datetimePart(ms: number, part: DatetimePart): number {
	if (ms !== ms) return NaN;
	const d = new Date(ms);
	switch (part) {
		case 'year':
			return d.getUTCFullYear();
		case 'month':
			return d.getUTCMonth() + 1;
		case 'day':
			return d.getUTCDate();
		case 'weekday':
			return d.getUTCDay();
		case 'hour':
			return d.getUTCHours() + d.getUTCMinutes() / 60;
		case 'days':
			return Math.floor(ms / 86_400_000);
	}
}

function encodeColumn(spec: ColumnSpec, column: Column | undefined, n: number): Float64Array[] {
	const width = featuresOf(spec).length;
	const out = Array.from({ length: width }, () => new Float64Array(n).fill(NaN));
	if (!column) return out;
	switch (spec.kind) {
		case 'numeric':
			for (let i = 0; i < n; i++) out[0][i] = numberOf(column, i);
			break;
		case 'boolean': {
			const lower = spec.labels.map((l) => l.toLowerCase());
			for (let i = 0; i < n; i++) {
				if (isMissing(column, i)) continue;
				if (column.type === 'boolean') out[0][i] = column.values[i];
				else {
					const t = cellText(column, i).toLowerCase();
					out[0][i] =
						t === lower[1] || t === 'true' || t === '1'
							? 1
							: t === lower[0] || t === 'false' || t === '0'
								? 0
								: NaN;
				}
			}
			break;
		}
		case 'categorical': {
			const index = new Map(spec.categories.map((c, k) => [c, k]));
			const unseen = spec.categories.length;
			if ('codes' in column) {
				// Translate the table's dictionary once, not every row's text.
				const translated = column.dictionary.map((t) => index.get(t) ?? unseen);
				for (let i = 0; i < n; i++) out[0][i] = column.codes[i] < 0 ? NaN : translated[column.codes[i]];
			} else
				for (let i = 0; i < n; i++)
					out[0][i] = isMissing(column, i) ? NaN : (index.get(cellText(column, i)) ?? unseen);
			break;
		}
		case 'datetime':
			for (let i = 0; i < n; i++) {
				const ms = datetimeOf(column, i);
				spec.parts.forEach((p, k) => (out[k][i] = datetimePart(ms, p)));
			}
			break;
		case 'text':
			for (let i = 0; i < n; i++) {
				if (isMissing(column, i)) continue;
				const text = cellText(column, i);
				const words = wordsOf(text);
				out[0][i] = text.length;
				out[1][i] = words.length;
				const present = new Set(words);
				spec.words.forEach((w, k) => (out[2 + k][i] = present.has(w) ? 1 : 0));
			}
			break;
		case 'dropped':
			break;
	}
	return out;
}

/** Applies a fitted encoder to a table, matching columns by name. */
export function encodeFeatures(encoder: FeatureEncoder, frame: DataFrame): EncodedFeatures {
	const byName = new Map(frame.columns.map((c) => [c.name, c]));
	const features: Float64Array[] = [];
	const absentColumns: string[] = [];
	for (const spec of encoder.columns) {
		const column = byName.get(spec.name);
		if (!column && spec.kind !== 'dropped') absentColumns.push(spec.name);
		features.push(...encodeColumn(spec, column, frame.rowCount));
	}
	return { features, rowCount: frame.rowCount, absentColumns };
}
