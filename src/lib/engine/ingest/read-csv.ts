import Papa from 'papaparse';
import type { ColumnType } from '../frame/types';
import type { ColumnBuilder } from './column-builder';
import { CsvSyntaxError, CsvTokenizer, isUsableDelimiter, type CsvCell } from './csv-tokenizer';
import { IngestError } from './errors';
import { detectEncoding, sniffFileKind } from './sniff';
import {
	DEFAULT_LIMITS,
	chooseDecimalMark,
	finishTable,
	pushRow,
	startColumns,
	type ReadLimits,
	type ReadNotice,
	type ReadResult
} from './table';

export interface CsvOptions {
	fileName?: string;
	/** Force a delimiter instead of guessing among `,` `;` tab `|`. */
	delimiter?: string;
	limits?: ReadLimits;
	/** Column types the user chose; the others are inferred. */
	overrides?: ReadonlyMap<string, ColumnType>;
	/** The file's size in bytes, when known: columns are sized for its rows once (estimated from the start). */
	sizeHint?: number;
}

const HEAD_BYTES = 64 * 1024;
const GUESSED_DELIMITERS = [',', ';', '\t', '|'] as const;
/**
 * The longest row read: one endless row (a missing closing quote, a 100 MB cell) is refused at this length
 * rather than held in memory until the file ends.
 */
const MAX_ROW_CHARS = 16 * 1024 * 1024;

/** Tracks, across chunks, how long the current row is, honouring quotes (a quoted newline does not end a row). */
class RowLengthGuard {
	private inQuotes = false;
	private run = 0;

	/** Returns false once the current row is longer than `max`. Linear in the text: each search runs once. */
	scan(text: string, max: number): boolean {
		const n = text.length;
		// Next positions of each character at or after i; refreshed only once i has passed them.
		let quote = -2;
		let lf = -2;
		let cr = -2;
		const next = (ch: string, cached: number, i: number) =>
			cached === -1 || cached >= i ? cached : text.indexOf(ch, i);
		let i = 0;
		while (i < n) {
			quote = next('"', quote, i);
			if (this.inQuotes) {
				if (quote < 0) {
					this.run += n - i;
					break;
				}
				this.run += quote - i + 1;
				i = quote + 1;
				this.inQuotes = false;
			} else {
				lf = next('\n', lf, i);
				cr = next('\r', cr, i);
				const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
				if (end >= 0 && (quote < 0 || end < quote)) {
					this.run = 0;
					i = end + 1;
				} else if (quote >= 0) {
					this.run += quote - i + 1;
					i = quote + 1;
					this.inQuotes = true;
				} else {
					this.run += n - i;
					break;
				}
			}
			if (this.run > max) return false;
		}
		return this.run <= max;
	}
}
const MAX_LISTED_ROWS = 20;

async function readHead(iterator: AsyncIterator<Uint8Array>): Promise<{ head: Uint8Array; done: boolean }> {
	const parts: Uint8Array[] = [];
	let size = 0;
	while (size < HEAD_BYTES) {
		const next = await iterator.next();
		if (next.done) return { head: concat(parts, size), done: true };
		parts.push(next.value);
		size += next.value.length;
	}
	return { head: concat(parts, size), done: false };
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
	if (parts.length === 1) return parts[0];
	const out = new Uint8Array(size);
	let offset = 0;
	for (const p of parts) {
		out.set(p, offset);
		offset += p.length;
	}
	return out;
}

/**
 * Reads a delimited text file as it streams in (never holding the whole text), into typed columns. Handles
 * BOMs, UTF-16, Windows-1252, quoted fields with delimiters and newlines, CRLF/LF, and ragged rows (short rows
 * are padded with missing values and reported; rows with extra values are refused). Rows in messages are
 * numbered as a spreadsheet shows them: the header is row 1.
 */
export async function readCsv(
	source: AsyncIterable<Uint8Array>,
	options: CsvOptions = {}
): Promise<ReadResult> {
	const fileName = options.fileName ?? 'The file';
	const limits = options.limits ?? DEFAULT_LIMITS;
	const iterator = source[Symbol.asyncIterator]();
	const { head, done } = await readHead(iterator);
	const kind = sniffFileKind(head, fileName);
	if (kind === 'zip') {
		throw new IngestError(
			'not_text',
			`${fileName} is a zip archive (perhaps an Excel file), not a CSV file.`,
			{
				file: fileName
			}
		);
	}
	const { encoding, bomLength } = detectEncoding(head);
	const notices: ReadNotice[] = [];
	if (encoding === 'windows-1252') {
		notices.push({
			code: 'encoding',
			message:
				'The file is not UTF-8; Hunch read it as Windows-1252 (Western European), as Excel on Windows saves it.'
		});
	}

	let rowsSeen = 0; // file rows handed to us so far, header included
	const guard = new RowLengthGuard();
	const checkRow = (text: string) => {
		if (!guard.scan(text, MAX_ROW_CHARS)) {
			throw new IngestError(
				'cell_too_large',
				`${fileName} has a row longer than ${MAX_ROW_CHARS / 1024 / 1024} MB after row ${rowsSeen + 1}: a closing quote is probably missing, or a cell is far too large.`,
				{ file: fileName, row: rowsSeen + 1 }
			);
		}
		return text;
	};
	async function* decoded(): AsyncGenerator<string> {
		const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
		const fail = () =>
			new IngestError(
				'bad_encoding',
				`${fileName} is not valid ${encoding.toUpperCase()} text near row ${rowsSeen + 1}. Save it as "CSV UTF-8" and upload it again.`,
				{ file: fileName, row: rowsSeen + 1 }
			);
		try {
			yield checkRow(decoder.decode(head.subarray(bomLength), { stream: true }));
			if (!done) {
				for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
					yield checkRow(decoder.decode(next.value, { stream: true }));
				}
			}
			yield checkRow(decoder.decode());
		} catch (err) {
			if (err instanceof TypeError) throw fail();
			throw err;
		}
	}

	let builders: ColumnBuilder[] = [];
	let columnCount = 0;
	const shortRows: number[] = [];
	let shortRowCount = 0;
	let trailingFieldRows = 0;

	const consumeRow = (row: CsvCell[], fileRow: number) => {
		if (columnCount === 0) {
			const started = startColumns(row.map(String), fileName, fileName, limits, notices);
			if (!started) return; // whitespace-only lines before the header
			builders = started.builders;
			columnCount = builders.length;
			if (!started.headerless) return;
		}
		if (row.length > columnCount) {
			const extra = row.slice(columnCount);
			if (extra.some((cell) => String(cell).trim() !== '')) {
				throw new IngestError(
					'too_many_fields',
					`Row ${fileRow} of ${fileName} has ${row.length} values but the header names ${columnCount} columns. Check for an unquoted delimiter in that row.`,
					{ file: fileName, row: fileRow }
				);
			}
			trailingFieldRows++;
		} else if (row.length < columnCount) {
			shortRowCount++;
			if (shortRows.length < MAX_LISTED_ROWS) shortRows.push(fileRow);
		}
		pushRow(builders, row, fileRow, fileName, fileName, limits);
	};

	// The delimiter: the one asked for, or papaparse's guess from the start of the file.
	const texts = decoded();
	const first = await texts.next();
	const headText = first.done ? '' : first.value;
	const delimiter =
		options.delimiter ??
		Papa.parse<string[]>(headText, {
			delimitersToGuess: [...GUESSED_DELIMITERS],
			skipEmptyLines: true,
			preview: 10
		}).meta.delimiter;
	if (!isUsableDelimiter(delimiter)) {
		throw new IngestError(
			'bad_delimiter',
			`The delimiter must be one character other than a quote or a line end; ${JSON.stringify(delimiter)} is not.`,
			{ file: fileName }
		);
	}
	// Plain numbers come as numbers, read without making a string per cell.
	const tokenizer = new CsvTokenizer(
		delimiter,
		(cells, record) => {
			rowsSeen = record;
			consumeRow(cells, record);
		},
		{ numbers: true }
	);
	try {
		tokenizer.write(headText);
		// Size the columns once for the rows the file probably holds (its start's bytes per row, 2% spare)
		// instead of doubling them as rows arrive, which copies and over-allocates.
		if (options.sizeHint && !done && builders.length && rowsSeen >= 50)
			for (const b of builders) b.reserve(Math.ceil((options.sizeHint / head.length) * rowsSeen * 1.02));
		for await (const text of texts) tokenizer.write(text);
		tokenizer.end();
	} catch (err) {
		if (!(err instanceof CsvSyntaxError)) throw err;
		throw new IngestError(
			err.problem,
			err.problem === 'unclosed_quote'
				? `${fileName} has a quoted value starting in row ${err.record} that is never closed: a " is missing.`
				: `Row ${err.record} of ${fileName} has a stray " after a quoted value. Quotes inside a quoted value must be doubled ("").`,
			{ file: fileName, row: err.record }
		);
	}

	if (columnCount === 0) {
		throw new IngestError('empty_file', `${fileName} has no rows: it is empty or holds only blank lines.`, {
			file: fileName
		});
	}
	if (builders[0].rowCount === 0) {
		throw new IngestError('no_data_rows', `${fileName} has a header row but no data rows below it.`, {
			file: fileName
		});
	}
	if (shortRowCount) {
		notices.push({
			code: 'short_rows',
			message: `${shortRowCount.toLocaleString('en')} row${shortRowCount === 1 ? ' has' : 's have'} fewer values than there are columns (row${shortRowCount === 1 ? '' : 's'} ${shortRows.join(', ')}${shortRowCount > shortRows.length ? ', …' : ''}); the missing values were left empty.`,
			rows: shortRows
		});
	}
	if (trailingFieldRows) {
		notices.push({
			code: 'trailing_fields',
			message: `${trailingFieldRows.toLocaleString('en')} row(s) end with extra empty values (a trailing delimiter); Hunch ignored them.`
		});
	}
	const decimal = chooseDecimalMark(builders, delimiter);
	const { frame, notes } = finishTable(builders, decimal, options.overrides);
	return { frame, notes, notices, source: { format: 'csv', encoding, delimiter, decimal } };
}
