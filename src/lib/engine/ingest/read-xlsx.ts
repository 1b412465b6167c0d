import ExcelJS from 'exceljs';
import type { ColumnType } from '../frame/types';
import type { ColumnBuilder } from './column-builder';
import { IngestError } from './errors';
import {
	DEFAULT_LIMITS,
	finishTable,
	pushRow,
	startColumns,
	type ReadLimits,
	type ReadNotice,
	type ReadResult
} from './table';
import { inspectZip } from './zip-guard';

export interface XlsxOptions {
	fileName?: string;
	/** Sheet name; the first sheet when absent. */
	sheet?: string;
	limits?: ReadLimits;
	overrides?: ReadonlyMap<string, ColumnType>;
}

/** Excel cell values as text: dates as ISO, formulas by their cached result, errors (#N/A…) as missing. */
export function cellToText(value: ExcelJS.CellValue): string | undefined {
	if (value === null || value === undefined) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
	if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
	if (typeof value === 'object') {
		if ('error' in value) return undefined;
		if ('richText' in value) return value.richText.map((r) => r.text).join('');
		if ('formula' in value || 'sharedFormula' in value) {
			const result = (value as { result?: ExcelJS.CellValue }).result;
			if (result && typeof result === 'object' && 'error' in result) return undefined;
			return cellToText((result ?? null) as ExcelJS.CellValue);
		}
		if ('text' in value)
			return typeof value.text === 'string' ? value.text : cellToText(value.text as ExcelJS.CellValue);
	}
	return String(value);
}

/**
 * Reads one sheet of an .xlsx file row by row (the streaming reader: the workbook is never all in memory),
 * after checking the archive is safe to unpack. The header is the sheet's first non-empty row.
 */
export async function readXlsx(path: string, options: XlsxOptions = {}): Promise<ReadResult> {
	const fileName = options.fileName ?? 'The file';
	const limits = options.limits ?? DEFAULT_LIMITS;
	await inspectZip(path, fileName);
	const notices: ReadNotice[] = [];
	const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
		sharedStrings: 'cache',
		styles: 'cache',
		hyperlinks: 'ignore',
		worksheets: 'emit',
		entries: 'ignore'
	});
	let builders: ColumnBuilder[] | null = null;
	let columnCount = 0;
	let sheetName: string | undefined;
	const seenSheets: string[] = [];
	try {
		for await (const worksheet of reader) {
			const ws = worksheet as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
			seenSheets.push(ws.name);
			if (options.sheet !== undefined && ws.name !== options.sheet) {
				for await (const _row of ws) void _row; // drain, so the reader can move to the next sheet
				continue;
			}
			sheetName = ws.name;
			for await (const row of ws) {
				const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellToText);
				const where = `sheet "${ws.name}" of ${fileName}`;
				if (!builders) {
					const started = startColumns(
						values.map((v) => v ?? ''),
						where,
						fileName,
						limits,
						notices
					);
					if (!started) continue;
					builders = started.builders;
					columnCount = builders.length;
					if (!started.headerless) continue;
				}
				// Entirely empty rows are not emitted by the reader: they are skipped, as blank CSV lines are.
				if (
					values.length > columnCount &&
					values.slice(columnCount).some((v) => v !== undefined && v.trim() !== '')
				) {
					throw new IngestError(
						'too_many_fields',
						`Row ${row.number} of ${where} has values beyond the ${columnCount} named columns. Give those columns a header.`,
						{ file: fileName, row: row.number }
					);
				}
				pushRow(builders, values, row.number, where, fileName, limits);
			}
			break; // the chosen sheet is read; the rest of the workbook is not needed
		}
	} catch (err) {
		if (err instanceof IngestError) throw err;
		throw new IngestError(
			'not_xlsx',
			`${fileName} could not be read as an Excel workbook: ${(err as Error).message}`,
			{ file: fileName }
		);
	}
	if (options.sheet !== undefined && sheetName === undefined) {
		throw new IngestError(
			'sheet_not_found',
			`${fileName} has no sheet named "${options.sheet}"${seenSheets.length ? ` (it has: ${seenSheets.join(', ')})` : ''}.`,
			{ file: fileName }
		);
	}
	if (!builders)
		throw new IngestError(
			'empty_file',
			`${sheetName ? `Sheet "${sheetName}" of ` : ''}${fileName} is empty.`,
			{ file: fileName }
		);
	if (builders[0].rowCount === 0) {
		throw new IngestError(
			'no_data_rows',
			`Sheet "${sheetName}" of ${fileName} has a header row but no data rows below it.`,
			{ file: fileName }
		);
	}
	const { frame, notes } = finishTable(builders, '.', options.overrides);
	return { frame, notes, notices, source: { format: 'xlsx', sheet: sheetName, decimal: '.' } };
}
