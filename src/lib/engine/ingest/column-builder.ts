import type { Column, ColumnType } from '../frame/types';
import {
	booleanPairFor,
	canonicalNumber,
	dateFromParts,
	isMissingToken,
	parseDateParts,
	parseFormattedNumber,
	type DateOrder,
	type DateParts,
	type DecimalMark,
	type ParsedNumber
} from './values';

const PLAIN = -2;

const MISSING = -1;

/**
 * A copy of `text` that does not keep alive the chunk of the file it was cut from: V8 represents a slice of a
 * long string as a view into it, so one stored cell per chunk would hold the whole file's text in memory.
 * Concatenation then slicing makes V8 flatten into a fresh string of the cell's own length.
 */
function detached(text: string): string {
	return text.length < 13 ? text : (' ' + text).slice(1);
}

/** What inference noticed about a column beyond its type; the profile turns these into warnings. */
export interface ColumnNotes {
	/** Share of non-missing values that read as numbers, when the column is neither numeric nor yes/no. */
	numericShare?: number;
	/** The units of a column whose values are all numbers but in more than one unit ('' for none). */
	mixedUnits?: string[];
	/** Share of non-missing values that read as dates, when the column is not a date. */
	dateShare?: number;
	/** Values that could not be read as the forced type and became missing. */
	unreadable?: number;
}

export interface FinishedColumn {
	column: Column;
	notes: ColumnNotes;
}

export interface InferenceContext {
	/** The file's decimal mark; ',' in files that use ';' or tab with decimal commas. */
	decimal: DecimalMark;
	rowCount: number;
}

/**
 * Collects one column's cells as they stream in, compactly: plain numbers go straight into a Float64Array,
 * everything else is dictionary-encoded (each distinct string stored once). At the end the column's type is
 * inferred from the numbers and the distinct strings, each parsed once, and a typed column is built.
 */
export class ColumnBuilder {
	private codes: Int32Array;
	private plain: Float64Array | null = null;
	private readonly dictionary = new Map<string, number>();
	private readonly distinct: string[] = [];
	private readonly counts: number[] = [];
	private length = 0;
	private plainCount = 0;
	/** Set by inference when the column holds numbers only, each different (a numeric identifier). */
	private plainDistinct = false;

	constructor(
		readonly name: string,
		initialCapacity = 1024
	) {
		this.codes = new Int32Array(initialCapacity);
	}

	get rowCount(): number {
		return this.length;
	}

	/** The distinct non-numeric strings seen so far (for file-level decisions such as the decimal mark). */
	distinctStrings(): readonly string[] {
		return this.distinct;
	}

	/** One cell: its text, a number already read from canonical text (the CSV tokenizer's), or undefined. */
	push(cell: string | number | undefined): void {
		if (this.length === this.codes.length) this.grow();
		const i = this.length++;
		if (typeof cell === 'number') {
			if (!this.plain) this.plain = new Float64Array(this.codes.length);
			this.plain[i] = cell;
			this.codes[i] = PLAIN;
			this.plainCount++;
			return;
		}
		if (cell === undefined || cell === '') {
			this.codes[i] = MISSING;
			return;
		}
		// Numbers in canonical form only ("1.5", not "1.50" or "1e5"), so that a column that turns out to hold
		// text gives back exactly what the file said.
		const value = canonicalNumber(cell);
		if (value === value) {
			if (!this.plain) this.plain = new Float64Array(this.codes.length);
			this.plain[i] = value;
			this.codes[i] = PLAIN;
			this.plainCount++;
			return;
		}
		let code = this.dictionary.get(cell);
		if (code === undefined) {
			code = this.distinct.length;
			const own = detached(cell);
			this.dictionary.set(own, code);
			this.distinct.push(own);
			this.counts.push(0);
		}
		this.counts[code]++;
		this.codes[i] = code;
	}

	/** Makes room for `capacity` rows at once (from an estimate of the file's row count). */
	reserve(capacity: number): void {
		if (capacity > this.codes.length) this.resize(capacity);
	}

	private grow(): void {
		this.resize(Math.max(1024, this.codes.length * 2));
	}

	private resize(capacity: number): void {
		const codes = new Int32Array(capacity);
		codes.set(this.codes.subarray(0, this.length));
		this.codes = codes;
		if (this.plain) {
			const plain = new Float64Array(capacity);
			plain.set(this.plain.subarray(0, this.length));
			this.plain = plain;
		}
	}

	/** Infers the type (or applies `forced`) and builds the typed column. The builder is spent afterwards. */
	finish(context: InferenceContext, forced?: ColumnType): FinishedColumn {
		const n = this.length;
		const codes = this.codes.subarray(0, n);
		const plain = this.plain?.subarray(0, n) ?? null;
		const missingEntry = this.distinct.map((s) => isMissingToken(s));
		let nonMissingDistinctCount = 0;
		let nonMissingStringCells = 0;
		for (let c = 0; c < this.distinct.length; c++) {
			if (!missingEntry[c]) {
				nonMissingDistinctCount++;
				nonMissingStringCells += this.counts[c];
			}
		}
		const nonMissing = this.plainCount + nonMissingStringCells;

		// Numbers written with separators, units or decimal commas, read once per distinct string.
		const formatted = this.distinct.map((s, c) =>
			missingEntry[c] ? null : parseFormattedNumber(s, context.decimal)
		);
		let formattedCells = 0;
		const units = new Set<string | undefined>();
		formatted.forEach((f, c) => {
			if (f) {
				formattedCells += this.counts[c];
				units.add(f.unit);
			}
		});
		const numericCells = this.plainCount + formattedCells;

		const dateParts: (DateParts | null)[] = this.distinct.map((s, c) =>
			missingEntry[c] || formatted[c] ? null : parseDateParts(s)
		);
		let dateCells = 0;
		dateParts.forEach((p, c) => {
			if (p) dateCells += this.counts[c];
		});

		const type =
			forced ??
			this.inferType({
				nonMissing,
				numericCells,
				dateCells,
				units,
				nonMissingDistinctCount,
				plain,
				codes,
				missingEntry
			});
		const notes: ColumnNotes = {};
		// A 0/1 column is yes/no: that it reads as numbers says nothing. Nor does it in a column of codes, where
		// the cells that are not numbers are digits with a leading zero (0795000620 beside 7200179).
		if (
			type !== 'numeric' &&
			type !== 'boolean' &&
			numericCells > 0 &&
			!this.onlyLeadingZeroCodesBesides(numericCells, nonMissing, missingEntry, formatted)
		) {
			notes.numericShare = numericCells / nonMissing;
			if (numericCells === nonMissing && units.size > 1) {
				const kinds = new Set([...units].map((u) => u ?? ''));
				if (this.plainCount > 0) kinds.add('');
				notes.mixedUnits = [...kinds];
			}
		}
		if (type !== 'datetime' && nonMissing > 0 && dateCells > 0 && this.plainCount === 0)
			notes.dateShare = dateCells / nonMissing;

		switch (type) {
			case 'numeric':
				return this.buildNumeric(codes, plain, formatted, missingEntry, units, notes);
			case 'boolean':
				return this.buildBoolean(codes, plain, missingEntry, notes);
			case 'datetime':
				return this.buildDatetime(codes, dateParts, missingEntry, notes);
			default:
				return this.buildStrings(type, codes, plain, missingEntry, notes);
		}
	}

	/** Whether every non-missing cell that is not among the `numericCells` is digits with a leading zero. */
	private onlyLeadingZeroCodesBesides(
		numericCells: number,
		nonMissing: number,
		missingEntry: boolean[],
		formatted: (ParsedNumber | null)[]
	): boolean {
		let zeroLed = 0;
		for (let c = 0; c < this.distinct.length; c++)
			if (!missingEntry[c] && !formatted[c] && /^0\d+$/.test(this.distinct[c])) zeroLed += this.counts[c];
		return zeroLed > 0 && numericCells + zeroLed === nonMissing;
	}

	private inferType(s: {
		nonMissing: number;
		numericCells: number;
		dateCells: number;
		units: Set<string | undefined>;
		nonMissingDistinctCount: number;
		plain: Float64Array | null;
		codes: Int32Array;
		missingEntry: boolean[];
	}): ColumnType {
		if (s.nonMissing === 0) return 'categorical';
		// yes/no, true/false, Y/N, and 0/1 when those are the only values
		const tokens = new Set<string>();
		for (let c = 0; c < this.distinct.length; c++) if (!s.missingEntry[c]) tokens.add(this.distinct[c]);
		if (this.plainCount > 0 && s.plain) {
			for (let i = 0; i < s.codes.length && tokens.size <= 3; i++)
				if (s.codes[i] === PLAIN) tokens.add(String(s.plain[i]));
		}
		if (tokens.size <= 2 && booleanPairFor(tokens)) return 'boolean';

		if (s.numericCells === s.nonMissing && s.units.size <= 1) {
			return this.looksLikeNumericId(s.codes, s.plain) ? 'identifier' : 'numeric';
		}
		if (s.dateCells === s.nonMissing && this.plainCount === 0) return 'datetime';

		// Strings: identifiers are all distinct short codes; text is long, wordy and mostly distinct.
		const distinctShare = s.nonMissingDistinctCount / Math.max(1, s.nonMissing - this.plainCount);
		let totalLength = 0;
		let totalWords = 0;
		let withSpaces = 0;
		for (let c = 0; c < this.distinct.length; c++) {
			if (s.missingEntry[c]) continue;
			const value = this.distinct[c];
			totalLength += value.length * this.counts[c];
			const words = value.trim().split(/\s+/).length;
			totalWords += words * this.counts[c];
			if (words > 1) withSpaces += this.counts[c];
		}
		const stringCells = Math.max(1, s.nonMissing - this.plainCount);
		const meanLength = totalLength / stringCells;
		const meanWords = totalWords / stringCells;
		if (meanLength >= 25 && meanWords >= 4 && distinctShare > 0.3) return 'text';
		if (
			this.plainCount === 0 &&
			distinctShare === 1 &&
			s.nonMissing >= 20 &&
			meanLength <= 64 &&
			withSpaces / stringCells < 0.2
		) {
			return 'identifier';
		}
		return 'categorical';
	}

	/**
	 * Whole numbers, all different, that are a row counter (each one more than the last) or sit in a column
	 * named like an id. Merely sorted measurements (a file ordered by income) are not identifiers.
	 */
	private looksLikeNumericId(codes: Int32Array, plain: Float64Array | null): boolean {
		if (!plain || this.distinct.some((s) => !isMissingToken(s)) || this.plainCount < 20) return false;
		const named = /(^|[^a-z])(id|uuid|key)$|^id([^a-z]|$)|_id$|Id$/i.test(this.name.trim());
		// One pass: whole numbers, each one more than the last (a counter is distinct by construction).
		let counter = true;
		let previous = NaN;
		for (let i = 0; i < codes.length; i++) {
			if (codes[i] !== PLAIN) continue;
			const v = plain[i];
			if (!Number.isInteger(v)) return false;
			if (!Number.isNaN(previous) && v !== previous + 1) {
				counter = false;
				if (!named) return false;
			}
			previous = v;
		}
		if (counter) return (this.plainDistinct = true);
		// Named like an id: it must still be all distinct (sorted copy, no per-value set).
		const values = new Float64Array(this.plainCount);
		let k = 0;
		for (let i = 0; i < codes.length; i++) if (codes[i] === PLAIN) values[k++] = plain[i];
		values.sort();
		for (let i = 1; i < values.length; i++) if (values[i] === values[i - 1]) return false;
		return (this.plainDistinct = true);
	}

	private buildNumeric(
		codes: Int32Array,
		plain: Float64Array | null,
		formatted: ReturnType<typeof parseFormattedNumber>[],
		missingEntry: boolean[],
		units: Set<string | undefined>,
		notes: ColumnNotes
	): FinishedColumn {
		const n = codes.length;
		const values = new Float64Array(n);
		const missing = new Uint8Array(n);
		let unreadable = 0;
		let integer = true;
		for (let i = 0; i < n; i++) {
			const code = codes[i];
			let v = NaN;
			if (code === PLAIN) v = plain![i];
			else if (code >= 0 && !missingEntry[code]) {
				const f = formatted[code];
				if (f) v = f.value;
				else unreadable++;
			}
			if (Number.isNaN(v)) {
				missing[i] = 1;
				values[i] = NaN;
			} else {
				values[i] = v;
				if (integer && !Number.isInteger(v)) integer = false;
			}
		}
		if (unreadable) notes.unreadable = unreadable;
		const unit = [...units].find((u) => u) as 'currency' | 'percent' | undefined;
		return {
			column: { name: this.name, type: 'numeric', values, missing, integer, ...(unit ? { unit } : {}) },
			notes
		};
	}

	private buildBoolean(
		codes: Int32Array,
		plain: Float64Array | null,
		missingEntry: boolean[],
		notes: ColumnNotes
	): FinishedColumn {
		const n = codes.length;
		const values = new Uint8Array(n);
		const missing = new Uint8Array(n);
		// The distinct tokens: dictionary strings, plus the few distinct plain numbers (compared as numbers,
		// so a column of a million 0/1 cells allocates no strings).
		const tokens: string[] = [];
		for (let c = 0; c < this.distinct.length; c++) if (!missingEntry[c]) tokens.push(this.distinct[c]);
		const plainValues = new Set<number>();
		if (plain)
			for (let i = 0; i < n && plainValues.size <= 2; i++) if (codes[i] === PLAIN) plainValues.add(plain[i]);
		const pair = booleanPairFor([...tokens, ...[...plainValues].map(String)]) ?? ['false', 'true'];
		// Keep the file's own spelling ("Yes"/"No") for display and export.
		const labels: [string, string] = [pair[0], pair[1]];
		for (const token of tokens) {
			const lower = token.trim().toLowerCase();
			if (lower === pair[0] && labels[0] === pair[0]) labels[0] = token.trim();
			if (lower === pair[1] && labels[1] === pair[1]) labels[1] = token.trim();
		}
		// Each distinct string's truth decided once: 1, 0, or -1 when it is neither word of the pair.
		const truthOf = Int8Array.from(this.distinct, (text) => {
			const lower = text.trim().toLowerCase();
			return lower === pair[1] ? 1 : lower === pair[0] ? 0 : -1;
		});
		// Plain numbers are canonical, so only 0 and 1 can match, and only the '0'/'1' pair.
		const plainTruth = (v: number) => (v === 1 && pair[1] === '1' ? 1 : v === 0 && pair[0] === '0' ? 0 : -1);
		let unreadable = 0;
		for (let i = 0; i < n; i++) {
			const code = codes[i];
			if (code !== PLAIN && (code < 0 || missingEntry[code])) {
				missing[i] = 1;
				continue;
			}
			const truth = code === PLAIN ? plainTruth(plain![i]) : truthOf[code];
			if (truth === 1) values[i] = 1;
			else if (truth < 0) {
				missing[i] = 1;
				unreadable++;
			}
		}
		if (unreadable) notes.unreadable = unreadable;
		return { column: { name: this.name, type: 'boolean', values, missing, labels }, notes };
	}

	private buildDatetime(
		codes: Int32Array,
		parts: (DateParts | null)[],
		missingEntry: boolean[],
		notes: ColumnNotes
	): FinishedColumn {
		// Slashed dates: the column decides day/month order. A first number above 12 means day first.
		let firstAbove12 = false;
		let secondAbove12 = false;
		let slashed = false;
		for (const p of parts) {
			if (!p || p.order !== 'ambiguous') continue;
			slashed = true;
			if (p.a > 12) firstAbove12 = true;
			if (p.b > 12) secondAbove12 = true;
		}
		const order: DateOrder = firstAbove12 && !secondAbove12 ? 'dmy' : 'mdy';
		const ambiguousOrder = slashed && !firstAbove12 && !secondAbove12;
		const n = codes.length;
		const values = new Float64Array(n);
		const missing = new Uint8Array(n);
		const byCode = parts.map((p) => (p ? dateFromParts(p, order) : NaN));
		let unreadable = 0;
		for (let i = 0; i < n; i++) {
			const code = codes[i];
			const v = code >= 0 ? byCode[code] : NaN;
			if (Number.isNaN(v)) {
				missing[i] = 1;
				values[i] = NaN;
				if (code === PLAIN || (code >= 0 && !missingEntry[code])) unreadable++;
			} else values[i] = v;
		}
		if (unreadable) notes.unreadable = unreadable;
		return {
			column: {
				name: this.name,
				type: 'datetime',
				values,
				missing,
				...(slashed ? { order: order as 'mdy' | 'dmy', ambiguousOrder } : {})
			},
			notes
		};
	}

	private buildStrings(
		type: 'categorical' | 'text' | 'identifier',
		codes: Int32Array,
		plain: Float64Array | null,
		missingEntry: boolean[],
		notes: ColumnNotes
	): FinishedColumn {
		const n = codes.length;
		const out = new Int32Array(n);
		const dictionary: string[] = [];
		if (this.plainDistinct) {
			// Numbers only, each different (checked by inference): one entry per row in order, no lookups.
			for (let i = 0; i < n; i++) {
				if (codes[i] !== PLAIN) out[i] = -1;
				else {
					out[i] = dictionary.length;
					dictionary.push(String(plain![i]));
				}
			}
			return { column: { name: this.name, type, codes: out, dictionary }, notes };
		}
		const remap = new Int32Array(this.distinct.length).fill(-1);
		const numberCodes = new Map<string, number>();
		for (let i = 0; i < n; i++) {
			const code = codes[i];
			if (code === MISSING || (code >= 0 && missingEntry[code])) {
				out[i] = -1;
			} else if (code === PLAIN) {
				const text = String(plain![i]);
				let c = numberCodes.get(text);
				if (c === undefined) {
					c = dictionary.length;
					dictionary.push(text);
					numberCodes.set(text, c);
				}
				out[i] = c;
			} else {
				if (remap[code] < 0) {
					remap[code] = dictionary.length;
					dictionary.push(this.distinct[code]);
				}
				out[i] = remap[code];
			}
		}
		return { column: { name: this.name, type, codes: out, dictionary }, notes };
	}
}
