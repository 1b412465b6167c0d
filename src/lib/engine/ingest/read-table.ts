import fs from 'node:fs/promises';
import type { ColumnType } from '../frame/types';
import { IngestError } from './errors';
import { readCsv } from './read-csv';
import { readXlsx } from './read-xlsx';
import { sniffFileKind } from './sniff';
import { fileChunks } from './sources';
import type { ReadLimits, ReadResult } from './table';

export interface ReadTableOptions {
	/** The name the user knows the file by, for messages. */
	fileName?: string;
	sheet?: string;
	delimiter?: string;
	limits?: ReadLimits;
	overrides?: ReadonlyMap<string, ColumnType>;
}

/** Reads a CSV/TSV or XLSX file from disk, deciding the format from its bytes, not its name. */
export async function readTableFile(path: string, options: ReadTableOptions = {}): Promise<ReadResult> {
	const handle = await fs.open(path, 'r');
	const head = Buffer.alloc(4096);
	let bytesRead: number;
	try {
		({ bytesRead } = await handle.read(head, 0, head.length, 0));
	} finally {
		await handle.close();
	}
	const kind = sniffFileKind(head.subarray(0, bytesRead), options.fileName ?? 'The file');
	if (kind === 'zip') return readXlsx(path, options);
	if (/\.xlsx$/i.test(options.fileName ?? '')) {
		// Named .xlsx but not a zip: say so rather than reading it as text.
		throw new IngestError(
			'not_xlsx',
			`${options.fileName} is named .xlsx but is not an Excel workbook (it is not a zip archive).`,
			{ file: options.fileName }
		);
	}
	const { size } = await fs.stat(path);
	return readCsv(fileChunks(path), { ...options, sizeHint: size });
}
