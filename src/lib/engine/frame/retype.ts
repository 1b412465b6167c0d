import { ColumnBuilder, type FinishedColumn } from '../ingest/column-builder';
import type { DecimalMark } from '../ingest/values';
import { cellText, type Column, type ColumnType } from './types';

/**
 * Gives a column another type, as when the user overrides what Hunch inferred. The column's values are turned
 * back into text and read again as the chosen type; values that cannot be read that way become missing and are
 * counted in `notes.unreadable`.
 */
export function retypeColumn(column: Column, type: ColumnType, decimal: DecimalMark = '.'): FinishedColumn {
	const rows = 'codes' in column ? column.codes.length : column.values.length;
	const builder = new ColumnBuilder(column.name, Math.max(1, rows));
	for (let i = 0; i < rows; i++) builder.push(cellText(column, i) || undefined);
	const result = builder.finish({ decimal, rowCount: rows }, type);
	result.column.typeOverridden = true;
	return result;
}
