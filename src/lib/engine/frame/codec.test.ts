import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../ingest/read-csv';
import { bufferChunks } from '../ingest/sources';
import { decodeColumn, encodeColumn } from './codec';
import { cellText } from './types';

describe('column codec', () => {
	it('round-trips every column type exactly', async () => {
		const csv = 'n,d,b,c,t\n1.5,2024-01-02,yes,red,hello\n,2024-02-03T04:05:06Z,no,,"a, b"\n-3,,yes,blue,\n';
		const { frame } = await readCsv(bufferChunks(csv), { overrides: new Map([['t', 'text' as const]]) });
		for (const column of frame.columns) {
			const back = decodeColumn(encodeColumn(column));
			expect(back).toEqual(column);
			for (let row = 0; row < frame.rowCount; row++) expect(cellText(back, row)).toBe(cellText(column, row));
		}
	});

	it('keeps every naughty string byte-identical', async () => {
		const blns = path.resolve(__dirname, '../../../../../shared/peer/naughty-strings/blns.json');
		const strings: string[] = fs.existsSync(blns)
			? JSON.parse(fs.readFileSync(blns, 'utf8'))
			: ['', '__proto__', '<script>alert(1)</script>', '\u202e', 'Ω≈ç√', '𝕿𝖍𝖊', '\ud83d\ude00'];
		const column = {
			name: 'naughty',
			type: 'text' as const,
			codes: Int32Array.from(strings, (_, i) => i),
			dictionary: strings
		};
		expect(decodeColumn(encodeColumn(column))).toEqual(column);
	});

	it('refuses bytes from a newer format with a clear message', () => {
		const bytes = encodeColumn({
			name: 'x',
			type: 'numeric',
			values: new Float64Array([1]),
			missing: new Uint8Array(1),
			integer: true
		});
		const raw = gunzipSync(bytes);
		raw[4] = 99;
		expect(() => decodeColumn(gzipSync(raw))).toThrow(/newer format \(version 99\).*Upgrade Hunch/);
	});
});
