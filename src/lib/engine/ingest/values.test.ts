import { describe, expect, it } from 'vitest';
import {
	booleanPairFor,
	dateFromParts,
	isMissingToken,
	parseDateParts,
	PLAIN_NUMBER,
	canonicalNumber,
	parseFormattedNumber
} from './values';

describe('missing markers', () => {
	it.each(['', '  ', 'NA', 'N/A', 'NULL', 'null', 'NaN', '-', '?', '#N/A', 'None'])('%j is missing', (s) => {
		expect(isMissingToken(s)).toBe(true);
	});
	it.each(['0', 'no', 'n', 'nah', '--', 'NAN1', 'Nancy'])('%j is a value', (s) => {
		expect(isMissingToken(s)).toBe(false);
	});
});

describe('formatted numbers', () => {
	it.each([
		['1,234.5', '.', 1234.5],
		['1.234,5', ',', 1234.5],
		['1,5', ',', 1.5],
		['1e5', '.', 100000],
		['$1,200', '.', 1200],
		['€ 3,50', ',', 3.5],
		['1 200 USD'.replace(' 200', '200'), '.', 1200],
		['12%', '.', 12],
		['(1,200.50)', '.', -1200.5],
		['-$5', '.', -5],
		['.5', '.', 0.5],
		['0.25', '.', 0.25],
		['+7', '.', 7]
	] as const)('%j with decimal %j is %d', (text, decimal, value) => {
		expect(parseFormattedNumber(text, decimal)?.value).toBe(value);
	});

	it.each(['00123', '12-34', '1,23,4', 'abc', '1.2.3', '$', '%', '1,234.5.6', '--5', '0x1F'])(
		'%j is not a number',
		(s) => {
			expect(parseFormattedNumber(s, '.')).toBeNull();
		}
	);

	it('records units and grouping', () => {
		expect(parseFormattedNumber('12%', '.')).toEqual({ value: 12, unit: 'percent', grouped: false });
		expect(parseFormattedNumber('$1,200', '.')).toEqual({ value: 1200, unit: 'currency', grouped: true });
	});
});

describe('booleans', () => {
	it('recognises the usual pairs in any case', () => {
		expect(booleanPairFor(['Yes', 'no', 'YES'])).toEqual(['no', 'yes']);
		expect(booleanPairFor(['TRUE', 'false'])).toEqual(['false', 'true']);
		expect(booleanPairFor(['Y', 'N'])).toEqual(['n', 'y']);
		expect(booleanPairFor(['0', '1'])).toEqual(['0', '1']);
	});
	it('rejects mixes and three values', () => {
		expect(booleanPairFor(['yes', 'false'])).toBeNull();
		expect(booleanPairFor(['yes', 'no', 'maybe'])).toBeNull();
	});
});

describe('dates', () => {
	const utc = (s: string) => Date.parse(s);

	it('reads ISO dates and times, with zones', () => {
		expect(dateFromParts(parseDateParts('2024-02-29')!, 'ymd')).toBe(utc('2024-02-29T00:00:00Z'));
		expect(dateFromParts(parseDateParts('2024-01-02T03:04:05Z')!, 'ymd')).toBe(utc('2024-01-02T03:04:05Z'));
		expect(dateFromParts(parseDateParts('2024-01-02 03:04:05+02:00')!, 'ymd')).toBe(
			utc('2024-01-02T01:04:05Z')
		);
		expect(dateFromParts(parseDateParts('2024-01-02T03:04:05.123Z')!, 'ymd')).toBe(
			utc('2024-01-02T03:04:05.123Z')
		);
	});

	it("reads ISO 8601's basic format when it has a time, and leaves bare digits to numbers", () => {
		expect(dateFromParts(parseDateParts('20140625T000000')!, 'ymd')).toBe(utc('2014-06-25T00:00:00Z'));
		expect(dateFromParts(parseDateParts('20240102T0304Z')!, 'ymd')).toBe(utc('2024-01-02T03:04:00Z'));
		expect(dateFromParts(parseDateParts('20240102T030405+0200')!, 'ymd')).toBe(utc('2024-01-02T01:04:05Z'));
		expect(parseDateParts('20140625')).toBeNull();
		expect(dateFromParts(parseDateParts('20141325T000000')!, 'ymd')).toBeNaN();
	});

	it('reads slashed dates in the order the column decides', () => {
		const parts = parseDateParts('01/02/2024')!;
		expect(parts.order).toBe('ambiguous');
		expect(dateFromParts(parts, 'mdy')).toBe(utc('2024-01-02T00:00:00Z'));
		expect(dateFromParts(parts, 'dmy')).toBe(utc('2024-02-01T00:00:00Z'));
		expect(dateFromParts(parseDateParts('31.12.1999')!, 'dmy')).toBe(utc('1999-12-31T00:00:00Z'));
		expect(dateFromParts(parseDateParts('3/4/24 5:06 PM')!, 'mdy')).toBe(utc('2024-03-04T17:06:00Z'));
	});

	it('refuses impossible dates and non-dates', () => {
		expect(dateFromParts(parseDateParts('2023-02-29')!, 'ymd')).toBeNaN();
		expect(dateFromParts(parseDateParts('13/13/2024')!, 'mdy')).toBeNaN();
		expect(parseDateParts('12345')).toBeNull();
		expect(parseDateParts('hello world')).toBeNull();
	});
});

describe('canonicalNumber', () => {
	it('reads exactly the cells the regular expression and a round trip accept, as Number() does', () => {
		// The rule as it was before the scan (regular expression, then a round trip where digits could be lost).
		const slow = (cell: string) => {
			if (!(cell.length < 25 && PLAIN_NUMBER.test(cell))) return false;
			if (/[eE]/.test(cell)) return String(Number(cell)) === cell;
			if (cell.includes('.') && cell.endsWith('0')) return false;
			if (cell === '-0') return false;
			return cell.length <= 15 || String(Number(cell)) === cell;
		};
		const alphabet = '0123456789.-eE+ ';
		let seed = 11;
		const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
		const cases = [
			'0',
			'-0',
			'00',
			'0.5',
			'-0.5',
			'0.50',
			'1.',
			'.5',
			'10',
			'1e5',
			'1E-3',
			'123456789012345',
			'1234567890123456',
			'-',
			''
		];
		for (let k = 0; k < 20_000; k++)
			cases.push(Array.from({ length: next() % 18 }, () => alphabet[next() % alphabet.length]).join(''));
		for (const cell of cases)
			expect([cell, canonicalNumber(cell)]).toEqual([cell, slow(cell) ? Number(cell) : NaN]);
	});
});
