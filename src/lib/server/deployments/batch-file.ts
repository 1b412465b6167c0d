/**
 * Scores an uploaded CSV or XLSX file with a deployment's model and writes it back in the same format with
 * prediction, probability and reason columns added. Every cell that a spreadsheet would run as a formula is
 * neutralised (see `spreadsheetSafe`).
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import path from 'node:path';
import type { ModelArtifact } from '../../engine/automl/artifact';
import { IngestError } from '../../engine/ingest/errors';
import { readTableFile } from '../../engine/ingest/read-table';
import { scoreTable, spreadsheetSafe, type ScoredTable } from '../../engine/serve/score-table';

export class BatchFileError extends Error {
	constructor(
		readonly status: 400 | 413,
		message: string
	) {
		super(message);
	}
}

export function maxBatchRows(): number {
	const rows = Number(process.env.HUNCH_MAX_BATCH_ROWS ?? 100_000);
	return Number.isInteger(rows) && rows > 0 ? rows : 100_000;
}

/** Seconds spent on reasons before the rest of the file is sent without them. */
const EXPLAIN_SECONDS = 20;

export interface ScoredFile {
	bytes: Buffer;
	contentType: string;
	fileName: string;
	rows: number;
	explainedRows: number;
	/** Said to the user next to the download. */
	warnings: string[];
}

async function toXlsx(table: ScoredTable): Promise<Buffer> {
	const workbook = new ExcelJS.Workbook();
	const sheet = workbook.addWorksheet('Predictions');
	sheet.addRow(table.header.map(spreadsheetSafe));
	for (const row of table.rows) sheet.addRow(row.map(spreadsheetSafe));
	sheet.getRow(1).font = { bold: true };
	sheet.views = [{ state: 'frozen', ySplit: 1 }];
	return Buffer.from(await workbook.xlsx.writeBuffer());
}

function toCsv(table: ScoredTable): Buffer {
	const csv = Papa.unparse(
		{
			fields: table.header.map((h) => String(spreadsheetSafe(h))),
			data: table.rows.map((r) => r.map(spreadsheetSafe))
		},
		{ newline: '\r\n' }
	);
	// A BOM so Excel opens UTF-8 text (accents, currency signs) correctly.
	return Buffer.from(`\ufeff${csv}\r\n`, 'utf8');
}

export async function scoreFile(
	artifact: ModelArtifact,
	filePath: string,
	fileName: string,
	inputNames: string[]
): Promise<ScoredFile> {
	let read;
	try {
		read = await readTableFile(filePath, { fileName });
	} catch (err) {
		if (err instanceof IngestError) throw new BatchFileError(400, err.message);
		throw err;
	}
	const { frame, source } = read;
	if (frame.rowCount === 0) throw new BatchFileError(400, `${fileName} has no data rows.`);
	const limit = maxBatchRows();
	if (frame.rowCount > limit)
		throw new BatchFileError(
			413,
			`${fileName} has ${frame.rowCount.toLocaleString('en-US')} rows; at most ${limit.toLocaleString('en-US')} can be scored at once. Split the file.`
		);
	const present = new Set(frame.columns.map((c) => c.name));
	const absent = inputNames.filter((name) => !present.has(name));
	if (absent.length === inputNames.length)
		throw new BatchFileError(
			400,
			`${fileName} has none of the columns this model reads (${inputNames.map((n) => `"${n}"`).join(', ')}). Is it the right file, with a header row?`
		);
	const table = scoreTable(artifact, frame, { deadline: Date.now() + EXPLAIN_SECONDS * 1000 });
	const warnings: string[] = [];
	if (absent.length)
		warnings.push(
			`The file has no ${absent.map((n) => `"${n}"`).join(', ')} column${absent.length > 1 ? 's' : ''}: predicted as if ${absent.length > 1 ? 'those values were' : 'that value was'} unknown, which makes predictions less accurate.`
		);
	if (table.explainedRows < frame.rowCount)
		warnings.push(
			`Reasons were written for the first ${table.explainedRows.toLocaleString('en-US')} of ${frame.rowCount.toLocaleString('en-US')} rows (the time for reasons ran out); every row has its prediction.`
		);
	const base = path.parse(fileName).name || 'predictions';
	const xlsx = source.format === 'xlsx';
	return {
		bytes: xlsx ? await toXlsx(table) : toCsv(table),
		contentType: xlsx
			? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
			: 'text/csv; charset=utf-8',
		fileName: `${base}-predictions.${xlsx ? 'xlsx' : 'csv'}`,
		rows: frame.rowCount,
		explainedRows: table.explainedRows,
		warnings
	};
}
