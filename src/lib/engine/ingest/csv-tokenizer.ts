/**
 * A streaming CSV tokenizer (RFC 4180 as spreadsheets write it): text goes in chunk by chunk, each complete
 * record comes out as an array of cell strings. A field that starts with `"` is quoted: delimiters and line
 * ends inside it are data and `""` is one quote; spaces between its closing quote and the next delimiter are
 * allowed. Records end at LF, CRLF or a lone CR. Empty lines are skipped (they are not records).
 *
 * Why not papaparse for the body: it materialises its own row arrays, tracks options Hunch never uses and
 * re-scans partial rows per chunk; reading a 50 MB mixed file took it 1.65 s in memory against 0.19 s for this
 * loop (indexOf over quoted fields, a character scan over plain ones). Papaparse still guesses the delimiter.
 *
 * An unfinished record at the end of a chunk waits (as text, from its start) for the next one, so a record is
 * parsed whole once its end has arrived; the caller bounds record length (a record that never ends is re-read
 * per chunk).
 */

import { plainNumberAt } from './values';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;

export type CsvSyntaxProblem = 'unclosed_quote' | 'invalid_quote';

/** A quoting error in `record` (1-based, counting the records handed out before it). */
export class CsvSyntaxError extends Error {
	constructor(
		readonly problem: CsvSyntaxProblem,
		readonly record: number
	) {
		super(
			problem === 'unclosed_quote'
				? `A quoted value starting in record ${record} is never closed.`
				: `Record ${record} has a character after a closing quote.`
		);
	}
}

/** A cell: its text, or (with `numbers`) the number a canonical plain number's text stands for. */
export type CsvCell = string | number;

export interface CsvTokenizerOptions {
	/**
	 * Hand unquoted cells that are plain numbers written exactly as JavaScript prints them ("1.5", not "1.50",
	 * "01" or "1e5") as numbers, computed without making a string: `String(value)` gives back the text.
	 */
	numbers?: boolean;
}

/** A delimiter is one character other than a quote or a line end. */
export function isUsableDelimiter(delimiter: string): boolean {
	return delimiter.length === 1 && delimiter !== '"' && delimiter !== '\n' && delimiter !== '\r';
}

export class CsvTokenizer {
	private carry = '';
	/**
	 * Where the last search that ran out of text started (`from`), and how far it had looked (`to`): when the
	 * unfinished record is parsed again with more text, that search resumes at `to` instead of re-reading a long
	 * quoted value or field from its start each chunk (which would be quadratic in its length).
	 */
	private stalledFrom = -1;
	private stalledTo = -1;
	/** What the stalled search looks for: a quote, or the end of a plain field; null when nothing stalled. */
	private stalledOn: 'quote' | 'fieldEnd' | null = null;
	/** Text that arrived while the search stalled and cannot have finished it, not yet joined to the carry. */
	private pending: string[] = [];
	private records = 0;
	private readonly delimiter: number;
	private readonly numbers: boolean;

	constructor(
		delimiter: string,
		/** Each record's cells and its number (1-based; empty lines are not counted). */
		private readonly onRecord: (cells: CsvCell[], record: number) => void,
		options: CsvTokenizerOptions = {}
	) {
		this.numbers = options.numbers ?? false;
		if (!isUsableDelimiter(delimiter))
			throw new Error(
				`A CSV delimiter is one character other than a quote or a line end, not ${JSON.stringify(delimiter)}.`
			);
		this.delimiter = delimiter.charCodeAt(0);
	}

	/** Reads `text`; every record it completes is handed out, an unfinished one waits for more. */
	write(text: string): void {
		// A long value still open: text without what could end it is only kept (no re-reading, no copying).
		if (this.stalledOn && !this.couldEnd(text)) {
			this.pending.push(text);
			this.stalledTo += text.length;
			return;
		}
		this.carry = this.parse(this.joined(text), false);
	}

	/** The end of the input: the last record (without a final line end) is handed out. */
	end(): void {
		const rest = this.joined('');
		if (rest) this.parse(rest, true);
		this.carry = '';
	}

	private couldEnd(text: string): boolean {
		return this.stalledOn === 'quote'
			? text.includes('"')
			: text.includes(String.fromCharCode(this.delimiter)) || text.includes('\n') || text.includes('\r');
	}

	/** The carry, the pending pieces and `text` as one flat string (a join, not a chain of concatenations). */
	private joined(text: string): string {
		if (!this.carry && !this.pending.length) return text;
		const all = [this.carry, ...this.pending, text].join('');
		this.carry = '';
		this.pending = [];
		return all;
	}

	/** Parses the records of `text`; returns the unfinished tail from its record's start ('' when none). */
	private parse(text: string, final: boolean): string {
		const n = text.length;
		const d = this.delimiter;
		// Where the carried record's last search stopped (it starts this text); forgotten after that record.
		let stalledFrom = this.stalledFrom;
		const stalledTo = this.stalledTo;
		this.stalledFrom = this.stalledTo = -1;
		this.stalledOn = null;
		let i = 0;
		records: while (i < n) {
			const recordStart = i;
			if (recordStart > 0) stalledFrom = -1;
			const cells: CsvCell[] = [];
			for (;;) {
				if (i < n && text.charCodeAt(i) === QUOTE) {
					let from = i + 1;
					let value = '';
					for (;;) {
						const q = text.indexOf('"', from === stalledFrom ? stalledTo : from);
						if (q < 0) {
							if (final) throw new CsvSyntaxError('unclosed_quote', this.records + 1);
							return this.stall(text, recordStart, from, 'quote');
						}
						// A quote at the very end of a chunk may be the first half of "".
						if (q + 1 === n && !final) return text.slice(recordStart);
						if (text.charCodeAt(q + 1) === QUOTE) {
							value += text.slice(from, q + 1);
							from = q + 2;
							continue;
						}
						value += text.slice(from, q);
						i = q + 1;
						break;
					}
					while (i < n && text.charCodeAt(i) === SPACE) i++;
					if (i < n) {
						const c = text.charCodeAt(i);
						if (c !== d && c !== LF && c !== CR) throw new CsvSyntaxError('invalid_quote', this.records + 1);
					} else if (!final) return text.slice(recordStart);
					cells.push(value);
				} else {
					let j = i === stalledFrom ? stalledTo : i;
					for (; j < n; j++) {
						const c = text.charCodeAt(j);
						if (c === d || c === LF || c === CR) break;
					}
					if (j === n && !final) return this.stall(text, recordStart, i, 'fieldEnd');
					const value = this.numbers && j > i && j - i <= 15 ? plainNumberAt(text, i, j) : NaN;
					cells.push(value === value ? value : text.slice(i, j));
					i = j;
				}
				if (i === n) {
					this.hand(cells);
					return '';
				}
				const c = text.charCodeAt(i++);
				if (c === d) continue;
				// A line end. CRLF's LF is skipped here; if a chunk split the pair, the LF reads as an empty line.
				if (c === CR && i < n && text.charCodeAt(i) === LF) i++;
				this.hand(cells);
				continue records;
			}
		}
		return '';
	}

	/** The unfinished record as the carry, noting the search that ran out (positions relative to the carry). */
	private stall(text: string, recordStart: number, searchFrom: number, on: 'quote' | 'fieldEnd'): string {
		this.stalledFrom = searchFrom - recordStart;
		this.stalledTo = text.length - recordStart;
		this.stalledOn = on;
		return text.slice(recordStart);
	}

	private hand(cells: CsvCell[]): void {
		if (cells.length === 1 && cells[0] === '') return; // an empty line
		this.onRecord(cells, ++this.records);
	}
}
