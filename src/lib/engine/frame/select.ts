import type { Column, DataFrame } from './types';

function pick<T extends Float64Array | Uint8Array | Int32Array>(values: T, rows: ArrayLike<number>): T {
	const out = new (values.constructor as { new (n: number): T })(rows.length);
	for (let j = 0; j < rows.length; j++) out[j] = values[rows[j]];
	return out;
}

/** The given rows of a column (in that order); dictionaries are shared, not copied. */
export function selectColumnRows(column: Column, rows: ArrayLike<number>): Column {
	if ('codes' in column) return { ...column, codes: pick(column.codes, rows) };
	// Numeric, datetime and boolean columns: values (of their own array type) and the missing mask.
	return { ...column, values: pick(column.values, rows), missing: pick(column.missing, rows) } as Column;
}

/** The given rows of a table (in that order). */
export function selectRows(frame: DataFrame, rows: ArrayLike<number>): DataFrame {
	return { rowCount: rows.length, columns: frame.columns.map((c) => selectColumnRows(c, rows)) };
}
