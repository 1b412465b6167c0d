import { describe, expect, it } from 'vitest';
import { createRandom } from '../trees/random';
import { CsvSyntaxError, CsvTokenizer, type CsvCell } from './csv-tokenizer';
import { canonicalNumber } from './values';

/** Tokenizes `text` fed in pieces cut at `cuts` (offsets), returning the records. */
function tokenize(text: string, cuts: number[] = [], delimiter = ',', numbers = false): CsvCell[][] {
	const records: CsvCell[][] = [];
	const tokenizer = new CsvTokenizer(
		delimiter,
		(cells, record) => {
			expect(record).toBe(records.length + 1);
			records.push(cells);
		},
		{ numbers }
	);
	let from = 0;
	for (const cut of [...cuts, text.length]) {
		tokenizer.write(text.slice(from, cut));
		from = cut;
	}
	tokenizer.end();
	return records;
}

/** How a spreadsheet writes a cell: quoted when it holds a delimiter, quote or line end. */
function quoteCell(cell: string): string {
	return /[",\r\n]/.test(cell) || cell === '' ? `"${cell.replace(/"/g, '""')}"` : cell;
}

describe('CsvTokenizer', () => {
	it('reads quoted delimiters, doubled quotes and line ends, at every chunk boundary', () => {
		const text =
			'name,note\r\n"Smith, J","line one\r\nline two"\r\n"O""Brien",plain\n"",x\n\n"a" ,"b"  \nlast,row';
		const expected = [
			['name', 'note'],
			['Smith, J', 'line one\r\nline two'],
			['O"Brien', 'plain'],
			['', 'x'],
			['a', 'b'],
			['last', 'row']
		];
		expect(tokenize(text)).toEqual(expected);
		for (let cut = 0; cut <= text.length; cut++) expect(tokenize(text, [cut])).toEqual(expected);
		expect(
			tokenize(
				text,
				Array.from({ length: text.length }, (_, i) => i)
			)
		).toEqual(expected);
	});

	it('ends records at LF, CRLF and a lone CR, skips empty lines, keeps empty and trailing fields', () => {
		expect(tokenize('a,b\r1,2\r\n\r\n3,\n,4\n\n\n')).toEqual([
			['a', 'b'],
			['1', '2'],
			['3', ''],
			['', '4']
		]);
		expect(tokenize('a\tb\n1\t"x\ty"\n', [], '\t')).toEqual([
			['a', 'b'],
			['1', 'x\ty']
		]);
		expect(tokenize('')).toEqual([]);
		expect(tokenize('\n\n')).toEqual([]);
	});

	it('reads long values fed in small pieces, resuming where the last piece ran out', () => {
		const quoted = 'ab""c\n,'.repeat(30_000);
		const plain = 'x'.repeat(200_000);
		const text = `id,long,other\n1,"${quoted}",${plain}\n2,"",z\n`;
		const cuts = Array.from({ length: Math.floor(text.length / 997) }, (_, k) => (k + 1) * 997);
		expect(tokenize(text, cuts)).toEqual([
			['id', 'long', 'other'],
			['1', 'ab"c\n,'.repeat(30_000), plain],
			['2', '', 'z']
		]);
	});

	it('keeps a quote inside an unquoted value as data', () => {
		expect(tokenize('a,b\n5" pipe,=HYPERLINK("x")\n')).toEqual([
			['a', 'b'],
			['5" pipe', '=HYPERLINK("x")']
		]);
	});

	it('names the record of an unclosed quote and of a stray character after a closing quote', () => {
		const failure = (text: string) => {
			try {
				tokenize(text, [3]);
			} catch (err) {
				return err instanceof CsvSyntaxError ? [err.problem, err.record] : err;
			}
			return null;
		};
		expect(failure('a,b\n1,2\n3,"never closed\n4,5\n')).toEqual(['unclosed_quote', 3]);
		expect(failure('a,b\n\n1,"x"y\n')).toEqual(['invalid_quote', 2]);
		expect(failure('a,b\n1,"x"\n')).toBeNull();
	});

	it('gives back every record a spreadsheet would write, whatever the chunking (random round trips)', () => {
		const random = createRandom(17);
		const alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', '\r', 'é', '€', '😀', '1', '.'];
		for (let trial = 0; trial < 200; trial++) {
			const width = 1 + Math.floor(random() * 4);
			const records = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
				Array.from({ length: width }, () =>
					Array.from(
						{ length: Math.floor(random() * 6) },
						() => alphabet[Math.floor(random() * alphabet.length)]
					).join('')
				)
			);
			// A record of one empty cell is an empty line, which is not a record (as in papaparse).
			for (const r of records) if (width === 1 && r[0] === '') r[0] = 'a';
			const text = records.map((r) => r.map(quoteCell).join(',')).join(random() < 0.5 ? '\n' : '\r\n');
			const cuts = Array.from({ length: Math.floor(random() * 5) }, () =>
				Math.floor(random() * text.length)
			).sort((a, b) => a - b);
			expect(tokenize(text, cuts)).toEqual(records);
		}
	});

	it('hands canonical plain numbers as the very numbers Number() reads, and everything else as text', () => {
		let seed = 5;
		const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
		const alphabet = '0123456789000.-e ';
		const cells = [
			'0',
			'-0',
			'-0.5',
			'0.50',
			'01',
			'1.',
			'-',
			'5.25',
			'123456789012345',
			'-12345678901234',
			'1e5',
			'0.1'
		];
		for (let k = 0; k < 5000; k++) {
			const digits = Array.from({ length: 1 + (next() % 16) }, () => alphabet[next() % alphabet.length]).join(
				''
			);
			cells.push(digits.replace(/[,"\r\n]/g, ''));
		}
		// Also every double printed by JavaScript in its short form: many digits, tiny and huge fractions.
		for (let k = 0; k < 2000; k++) cells.push(String((next() / 2 ** 32) * 10 ** ((next() % 12) - 4)));
		const [record] = tokenize(cells.join(',') + '\n', [], ',', true);
		record.forEach((cell, k) => {
			const text = cells[k];
			// Canonical, short and without an exponent: what the tokenizer reads as a number.
			if (text.length <= 15 && !/[eE]/.test(text) && !Number.isNaN(canonicalNumber(text))) {
				expect([text, cell]).toEqual([text, Number(text)]);
				expect(String(cell)).toBe(text);
			} else expect([text, cell]).toEqual([text, text]);
		});
	});

	it('refuses a delimiter that cannot work', () => {
		expect(() => new CsvTokenizer('::', () => {})).toThrow(/one character/);
		expect(() => new CsvTokenizer('"', () => {})).toThrow(/one character/);
	});
});
