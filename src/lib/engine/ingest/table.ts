import type { ColumnType, DataFrame } from '../frame/types';
import { ColumnBuilder, type ColumnNotes } from './column-builder';
import { IngestError } from './errors';
import type { DecimalMark } from './values';

/** Something the reader fixed or noticed in the file, worded for the user. */
export const READ_NOTICE_CODES = [
	'renamed_columns',
	'short_rows',
	'no_header',
	'encoding',
	'ambiguous_delimiter',
	'trailing_fields'
] as const;

export interface ReadNotice {
	code: (typeof READ_NOTICE_CODES)[number];
	message: string;
	rows?: number[];
	columns?: string[];
}

export interface ReadResult {
	frame: DataFrame;
	/** Per column (same order as frame.columns): what inference noticed. */
	notes: ColumnNotes[];
	notices: ReadNotice[];
	source: {
		format: 'csv' | 'xlsx';
		encoding?: string;
		delimiter?: string;
		sheet?: string;
		decimal: DecimalMark;
	};
}

export interface ReadLimits {
	maxColumns: number;
	maxCellChars: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxColumns: 2_000, maxCellChars: 256 * 1024 };

/** Makes header names usable: blanks get a name, duplicates get a suffix, and the user is told. */
export function normaliseHeaders(raw: string[], notices: ReadNotice[]): string[] {
	const used = new Set<string>();
	const renamed: string[] = [];
	const names = raw.map((value, index) => {
		const trimmed = value.trim();
		let name = trimmed || `column_${index + 1}`;
		if (used.has(name)) {
			let k = 2;
			while (used.has(`${name}_${k}`)) k++;
			name = `${name}_${k}`;
		}
		if (name !== trimmed)
			renamed.push(trimmed ? `"${trimmed}" → "${name}"` : `column ${index + 1} (no name) → "${name}"`);
		used.add(name);
		return name;
	});
	if (renamed.length) {
		notices.push({
			code: 'renamed_columns',
			message: `Some column names were empty or repeated, so Hunch renamed them: ${renamed.slice(0, 8).join(', ')}${renamed.length > 8 ? `, and ${renamed.length - 8} more` : ''}.`,
			columns: names.filter((_, i) => names[i] !== raw[i].trim())
		});
	}
	return names;
}

/**
 * A file without a header row starts with data. Decided when every cell of the first row is a number or a
 * date: real column names almost never are — except columns named by their position (1, 2, 3 … or 0, 1, 2 …,
 * as exported by tools that number columns), which are read as names.
 */
export function firstRowLooksLikeData(row: string[]): boolean {
	if (row.length < 2) return false;
	const numeric = row.every(
		(cell) => /^\s*-?\d+([.,]\d+)?\s*$/.test(cell) || /^\d{4}-\d{2}-\d{2}/.test(cell.trim())
	);
	return numeric && !numbersColumns(row);
}

/** 0, 1, 2 … or 1, 2, 3 … across five or more columns: column positions used as names. */
function numbersColumns(row: string[]): boolean {
	if (row.length < 5) return false;
	const first = Number(row[0].trim());
	if (first !== 0 && first !== 1) return false;
	return row.every((cell, i) => /^\s*\d+\s*$/.test(cell) && Number(cell.trim()) === first + i);
}

/**
 * Turns the first non-blank row into one builder per column. `where` names the source in messages ("data.csv",
 * 'Sheet "Q3" of book.xlsx'). Returns null for a blank row (the header is still to come). When the row is
 * data rather than names, `headerless` is true and the caller must also push it as the first data row.
 */
export function startColumns(
	header: string[],
	where: string,
	fileName: string,
	limits: ReadLimits,
	notices: ReadNotice[]
): { builders: ColumnBuilder[]; headerless: boolean } | null {
	if (header.every((cell) => cell.trim() === '')) return null;
	if (header.length > limits.maxColumns) {
		throw new IngestError(
			'too_many_columns',
			`${where} has ${header.length.toLocaleString('en')} columns; Hunch handles up to ${limits.maxColumns.toLocaleString('en')}. Remove columns you do not need and upload it again.`,
			{ file: fileName, row: 1 }
		);
	}
	const headerless = firstRowLooksLikeData(header);
	const names = normaliseHeaders(headerless ? header.map(() => '') : header, headerless ? [] : notices);
	if (headerless) {
		notices.push({
			code: 'no_header',
			message:
				'The first row holds numbers, not column names, so Hunch treated it as data and named the columns column_1, column_2, …'
		});
	}
	return { builders: names.map((name) => new ColumnBuilder(name)), headerless };
}

/** Pushes one row's cells (missing ones as undefined) into the builders, refusing a cell over the size limit. */
export function pushRow(
	builders: ColumnBuilder[],
	cells: readonly (string | number | undefined)[],
	fileRow: number,
	where: string,
	fileName: string,
	limits: ReadLimits
): void {
	for (let c = 0; c < builders.length; c++) {
		const cell = cells[c];
		if (typeof cell === 'string' && cell.length > limits.maxCellChars) {
			throw new IngestError(
				'cell_too_large',
				`Row ${fileRow}, column "${builders[c].name}" of ${where} holds ${(cell.length / 1024).toFixed(0)} KB of text; Hunch accepts at most ${limits.maxCellChars / 1024} KB in one cell.`,
				{ file: fileName, row: fileRow, column: builders[c].name }
			);
		}
		builders[c].push(cell);
	}
}

/** The decimal mark the file uses, from its number-like strings: ',' only in files not delimited by commas. */
export function chooseDecimalMark(builders: ColumnBuilder[], delimiter: string | undefined): DecimalMark {
	if (delimiter === ',') return '.';
	let comma = 0;
	let dot = 0;
	for (const b of builders) {
		for (const s of b.distinctStrings()) {
			const t = s.trim();
			if (
				/^[-+]?[$€£]?\s?\d{1,3}(\.\d{3})+(,\d+)?\s?[$€£%]?$/.test(t) ||
				/^[-+]?[$€£]?\s?\d+,\d+\s?[$€£%]?$/.test(t)
			)
				comma++;
			else if (/^[-+]?[$€£]?\s?\d{1,3}(,\d{3})+(\.\d+)?\s?[$€£%]?$/.test(t)) dot++;
		}
	}
	return comma > dot ? ',' : '.';
}

/** Builds the frame from per-column builders once every row is in. */
export function finishTable(
	builders: ColumnBuilder[],
	decimal: DecimalMark,
	overrides: ReadonlyMap<string, ColumnType> = new Map()
): { frame: DataFrame; notes: ColumnNotes[] } {
	const rowCount = builders[0]?.rowCount ?? 0;
	const finished = builders.map((b) => {
		const forced = overrides.get(b.name);
		const result = b.finish({ decimal, rowCount }, forced);
		if (forced) result.column.typeOverridden = true;
		return result;
	});
	return { frame: { rowCount, columns: finished.map((f) => f.column) }, notes: finished.map((f) => f.notes) };
}
