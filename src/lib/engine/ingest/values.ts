/** How a single cell's text is read: missing markers, numbers as people write them, dates, yes/no. */

const MISSING_TOKENS = new Set([
	'',
	'na',
	'n/a',
	'null',
	'nan',
	'-',
	'?',
	'#n/a',
	'none',
	'#null!',
	'#value!',
	'#div/0!'
]);

export function isMissingToken(raw: string): boolean {
	const s = raw.trim();
	return s.length <= 7 && MISSING_TOKENS.has(s.toLowerCase());
}

/** Plain numbers as a program writes them: no leading zeros (so ZIP codes like 00123 stay text). */
export const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The value of a plain number written exactly as JavaScript prints it ("1.5", not "1.50", "01" or "1e5"), or NaN
 * for any other text: only such cells are read as numbers while a column is collected, so a column that turns
 * out to hold text gives back exactly what the file said. Short cells are read by `plainNumberAt`; exponents
 * and long cells by the regular expression and a round trip.
 */
export function canonicalNumber(cell: string): number {
	const n = cell.length;
	if (n === 0) return NaN;
	if (n <= 15) {
		const value = plainNumberAt(cell, 0, n);
		if (value === value || (cell.indexOf('e') < 0 && cell.indexOf('E') < 0)) return value;
	}
	return n < 25 && PLAIN_NUMBER.test(cell) && String(Number(cell)) === cell ? Number(cell) : NaN;
}

/** Powers of ten that a double holds exactly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The value of `text[start..end)` (at most 15 characters) when it is a canonical plain number — optional "-",
 * digits without a leading zero, an optional fraction not ending in 0, not "-0" — and NaN otherwise. With at
 * most 15 digits the digits form an exact integer and 10^k is exact, so one division, rounded correctly as
 * IEEE division is, gives the same double as `Number(text)` (Clinger's fast path).
 */
export function plainNumberAt(text: string, start: number, end: number): number {
	let i = start;
	const negative = text.charCodeAt(i) === 45; // -
	if (negative && ++i === end) return NaN;
	const first = text.charCodeAt(i) - 48;
	if (!(first >= 0 && first <= 9)) return NaN;
	let mantissa = first;
	i++;
	if (first === 0 && i < end && text.charCodeAt(i) !== 46) return NaN; // "01", or "0e5": not canonical here
	for (; i < end; i++) {
		const digit = text.charCodeAt(i) - 48;
		if (!(digit >= 0 && digit <= 9)) break;
		mantissa = mantissa * 10 + digit;
	}
	let scale = 0;
	if (i < end) {
		if (text.charCodeAt(i) !== 46) return NaN; // ".": anything else (an exponent, a letter) is not plain
		const fraction = ++i;
		for (; i < end; i++) {
			const digit = text.charCodeAt(i) - 48;
			if (!(digit >= 0 && digit <= 9)) return NaN;
			mantissa = mantissa * 10 + digit;
		}
		scale = end - fraction;
		if (scale === 0 || text.charCodeAt(end - 1) === 48) return NaN; // "1." or "1.50"
	} else if (negative && mantissa === 0) return NaN; // "-0" prints as "0"
	const value = scale ? mantissa / EXACT_POWERS_OF_TEN[scale] : mantissa;
	return negative ? -value : value;
}

export type DecimalMark = '.' | ',';
export type NumberUnit = 'currency' | 'percent' | undefined;

export interface ParsedNumber {
	value: number;
	unit: NumberUnit;
	/** The text used a thousands separator (1,234 or 1.234,5). */
	grouped: boolean;
}

const CURRENCY = /^[$€£¥₹]|^(?:usd|eur|gbp|chf)\s?|[$€£¥₹]$|\s?(?:usd|eur|gbp|chf)$/i;

/**
 * Reads a number as a spreadsheet shows it: thousands separators, a currency sign, a percent sign, a
 * decimal comma (when `decimal` is ','), accounting negatives in parentheses. Returns null for anything else,
 * including numbers with leading zeros, which are codes rather than quantities.
 */
export function parseFormattedNumber(raw: string, decimal: DecimalMark): ParsedNumber | null {
	let s = raw.trim();
	if (!s || s.length > 40) return null;
	let negative = false;
	if (s.startsWith('(') && s.endsWith(')')) {
		negative = true;
		s = s.slice(1, -1).trim();
	}
	let unit: NumberUnit;
	if (s.endsWith('%')) {
		unit = 'percent';
		s = s.slice(0, -1).trim();
	}
	if (CURRENCY.test(s)) {
		if (unit) return null;
		unit = 'currency';
		s = s.replace(CURRENCY, '').trim();
	}
	if (s.startsWith('-')) {
		negative = !negative;
		s = s.slice(1).trim();
	} else if (s.startsWith('+')) {
		s = s.slice(1).trim();
	}
	if (CURRENCY.test(s)) {
		// -$5 as well as $-5
		if (unit === 'percent') return null;
		unit = 'currency';
		s = s.replace(CURRENCY, '').trim();
	}
	const group = decimal === '.' ? ',' : '.';
	const groupedPattern =
		decimal === '.'
			? /^(?:0|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?$/
			: /^(?:0|[1-9]\d{0,2}(?:\.\d{3})+)(?:,\d+)?$/;
	const ungroupedPattern =
		decimal === '.' ? /^(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/ : /^(?:0|[1-9]\d*)(?:,\d+)?$/;
	let grouped = false;
	if (groupedPattern.test(s)) {
		grouped = true;
		s = s.split(group).join('');
	} else if (!ungroupedPattern.test(s)) {
		// ".5" and "5." are fine; leading zeros ("007") are not numbers
		if (!(decimal === '.' ? /^\.\d+$/ : /^,\d+$/).test(s)) return null;
	}
	if (decimal === ',') s = s.replace(',', '.');
	const value = Number(s);
	if (!Number.isFinite(value)) return null;
	return { value: negative ? -value : value, unit, grouped };
}

const BOOLEAN_PAIRS: [string, string][] = [
	['false', 'true'],
	['no', 'yes'],
	['n', 'y'],
	['f', 't'],
	['0', '1']
];

/** The (false, true) pair that a set of distinct lower-cased tokens belongs to, if any. */
export function booleanPairFor(tokens: Iterable<string>): [string, string] | null {
	const distinct = new Set([...tokens].map((t) => t.trim().toLowerCase()));
	if (distinct.size === 0 || distinct.size > 2) return null;
	for (const pair of BOOLEAN_PAIRS) {
		if ([...distinct].every((t) => pair.includes(t))) return pair;
	}
	return null;
}

export type DateOrder = 'ymd' | 'mdy' | 'dmy';

export interface DateParts {
	order: 'ymd' | 'ambiguous';
	/** For slashed/dotted dates: the two leading numbers, whose order the whole column decides. */
	a: number;
	b: number;
	year: number;
	hours: number;
	minutes: number;
	seconds: number;
	millis: number;
	/** Minutes east of UTC when the text carried a zone; undefined means "as written" (treated as UTC). */
	offsetMinutes?: number;
}

const ISO =
	/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;
const SLASHED =
	/^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
const YMD_SLASHED = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
/** ISO 8601's basic format with a time ("20140625T000000", "20140625T1530Z"); without the T it is a number. */
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Splits a date-looking text into parts; the column later decides day/month order for slashed dates. */
export function parseDateParts(raw: string): DateParts | null {
	const s = raw.trim();
	if (s.length < 6 || s.length > 40) return null;
	let m = ISO.exec(s) ?? ISO_BASIC.exec(s) ?? YMD_SLASHED.exec(s);
	if (m) {
		const zone = m[8];
		let offsetMinutes: number | undefined;
		if (zone === 'Z') offsetMinutes = 0;
		else if (zone) {
			const sign = zone.startsWith('-') ? -1 : 1;
			const digits = zone.slice(1).replace(':', '');
			offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
		}
		return {
			order: 'ymd',
			year: Number(m[1]),
			a: Number(m[2]),
			b: Number(m[3]),
			hours: Number(m[4] ?? 0),
			minutes: Number(m[5] ?? 0),
			seconds: Number(m[6] ?? 0),
			millis: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
			offsetMinutes
		};
	}
	m = SLASHED.exec(s);
	if (!m) return null;
	let year = Number(m[4]);
	if (m[4].length === 2) year += year < 70 ? 2000 : 1900;
	let hours = Number(m[5] ?? 0);
	const meridiem = m[8]?.toLowerCase();
	if (meridiem === 'pm' && hours < 12) hours += 12;
	if (meridiem === 'am' && hours === 12) hours = 0;
	return {
		order: 'ambiguous',
		a: Number(m[1]),
		b: Number(m[3]),
		year,
		hours,
		minutes: Number(m[6] ?? 0),
		seconds: Number(m[7] ?? 0),
		millis: 0
	};
}

/** Milliseconds since the epoch (UTC) for parts read in `order`, or NaN when they are not a real date. */
export function dateFromParts(p: DateParts, order: DateOrder): number {
	let month: number;
	let day: number;
	if (p.order === 'ymd' || order === 'ymd') [month, day] = [p.a, p.b];
	else if (order === 'mdy') [month, day] = [p.a, p.b];
	else [day, month] = [p.a, p.b];
	if (month < 1 || month > 12 || day < 1 || day > 31 || p.hours > 23 || p.minutes > 59 || p.seconds > 60)
		return NaN;
	const ms = Date.UTC(p.year, month - 1, day, p.hours, p.minutes, p.seconds, p.millis);
	if (new Date(ms).getUTCDate() !== day) return NaN; // 31 February and friends
	return ms - (p.offsetMinutes ?? 0) * 60_000;
}
