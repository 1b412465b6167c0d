export const COLUMN_TYPES = ['numeric', 'categorical', 'boolean', 'datetime', 'text', 'identifier'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

interface ColumnBase {
	name: string;
	/** Set when the user chose the type instead of Hunch inferring it. */
	typeOverridden?: boolean;
}

/** Missing values: `missing[i] === 1`; `values[i]` is then NaN. */
export interface NumericColumn extends ColumnBase {
	type: 'numeric';
	values: Float64Array;
	missing: Uint8Array;
	unit?: 'currency' | 'percent';
	/** Every value is a whole number. */
	integer: boolean;
}

/** Milliseconds since the epoch, UTC. */
export interface DatetimeColumn extends ColumnBase {
	type: 'datetime';
	values: Float64Array;
	missing: Uint8Array;
	/** How slashed dates were read, when the file had them. */
	order?: 'mdy' | 'dmy';
	/** Day and month could not be told apart (all parts ≤ 12): the order is a guess. */
	ambiguousOrder?: boolean;
}

export interface BooleanColumn extends ColumnBase {
	type: 'boolean';
	/** 0 = false, 1 = true. */
	values: Uint8Array;
	missing: Uint8Array;
	/** The words the file used for false and true, as first written (e.g. ["No", "Yes"]). */
	labels: [string, string];
}

/** Strings, dictionary-encoded: `codes[i]` indexes `dictionary`, -1 is missing. */
export interface StringColumn extends ColumnBase {
	type: 'categorical' | 'text' | 'identifier';
	codes: Int32Array;
	dictionary: string[];
}

export type Column = NumericColumn | DatetimeColumn | BooleanColumn | StringColumn;

export interface DataFrame {
	rowCount: number;
	columns: Column[];
}

export function isMissing(column: Column, row: number): boolean {
	return 'codes' in column ? column.codes[row] < 0 : column.missing[row] === 1;
}

/** How many rows the column holds. */
export function columnLength(column: Column): number {
	return 'codes' in column ? column.codes.length : column.missing.length;
}

export function missingCount(column: Column): number {
	let n = 0;
	const rows = columnLength(column);
	for (let i = 0; i < rows; i++) if (isMissing(column, i)) n++;
	return n;
}

/** A cell as text, the way Hunch shows it in previews and writes it in exports (missing → ''). */
export function cellText(column: Column, row: number): string {
	if (isMissing(column, row)) return '';
	switch (column.type) {
		case 'numeric':
			return String(column.values[row]);
		case 'datetime': {
			const iso = new Date(column.values[row]).toISOString();
			return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
		}
		case 'boolean':
			return column.labels[column.values[row]];
		default:
			return column.dictionary[column.codes[row]];
	}
}

/** How many times each non-missing cell text occurs. */
export function textCounts(column: Column): Map<string, number> {
	const counts = new Map<string, number>();
	const n = columnLength(column);
	for (let i = 0; i < n; i++) {
		if (isMissing(column, i)) continue;
		const text = cellText(column, i);
		counts.set(text, (counts.get(text) ?? 0) + 1);
	}
	return counts;
}
