import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { cellText } from '../frame/types';
import { readTableFile } from './read-table';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunch-xlsx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
	const wb = new ExcelJS.Workbook();
	build(wb);
	const file = path.join(dir, name);
	await wb.xlsx.writeFile(file);
	return file;
}

/** A minimal zip with the given (name, data) entries, stored with deflate; enough to test the archive guard. */
function zip(entries: { name: string; data: Buffer; claimedSize?: number }[]): Buffer {
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const e of entries) {
		const compressed = deflateRawSync(e.data);
		const name = Buffer.from(e.name);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(8, 8);
		local.writeUInt32LE(compressed.length, 18);
		local.writeUInt32LE(e.claimedSize ?? e.data.length, 22);
		local.writeUInt16LE(name.length, 26);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(8, 10);
		central.writeUInt32LE(compressed.length, 20);
		central.writeUInt32LE(e.claimedSize ?? e.data.length, 24);
		central.writeUInt16LE(name.length, 28);
		central.writeUInt32LE(offset, 42);
		locals.push(local, name, compressed);
		centrals.push(central, name);
		offset += 30 + name.length + compressed.length;
	}
	const cd = Buffer.concat(centrals);
	const eocd = Buffer.alloc(22);
	eocd.writeUInt32LE(0x06054b50, 0);
	eocd.writeUInt16LE(entries.length, 8);
	eocd.writeUInt16LE(entries.length, 10);
	eocd.writeUInt32LE(cd.length, 12);
	eocd.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, cd, eocd]);
}

describe('readTableFile on Excel files', () => {
	it('reads the first sheet: header, numbers, dates, booleans, formulas by their cached result', async () => {
		const file = await workbook('sales.xlsx', (wb) => {
			const ws = wb.addWorksheet('Sales');
			ws.addRow(['region', 'amount', 'closed', 'won', 'double']);
			ws.addRow(['North', 1200.5, new Date(Date.UTC(2024, 0, 15)), true, { formula: 'B2*2', result: 2401 }]);
			ws.addRow(['South', 800, new Date(Date.UTC(2024, 1, 1)), false, { formula: 'B3*2', result: 1600 }]);
			ws.addRow(['East', null, new Date(Date.UTC(2024, 2, 3)), true, { error: '#N/A' }]);
			wb.addWorksheet('Notes').addRow(['ignored']);
		});
		const { frame, source } = await readTableFile(file, { fileName: 'sales.xlsx' });
		expect(source).toMatchObject({ format: 'xlsx', sheet: 'Sales' });
		expect(frame.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
			'region:categorical',
			'amount:numeric',
			'closed:datetime',
			'won:boolean',
			'double:numeric'
		]);
		expect(cellText(frame.columns[2], 0)).toBe('2024-01-15');
		expect(cellText(frame.columns[4], 1)).toBe('1600');
		expect(cellText(frame.columns[4], 2)).toBe('');
		expect(cellText(frame.columns[1], 2)).toBe('');
	});

	it('reads a sheet chosen by name, and names the sheets when it is missing', async () => {
		const file = await workbook('two.xlsx', (wb) => {
			wb.addWorksheet('First').addRows([['a'], [1]]);
			wb.addWorksheet('Second').addRows([
				['b', 'c'],
				[2, 'x'],
				[3, 'y']
			]);
		});
		const { frame } = await readTableFile(file, { fileName: 'two.xlsx', sheet: 'Second' });
		expect(frame.columns.map((c) => c.name)).toEqual(['b', 'c']);
		expect(frame.rowCount).toBe(2);
		await expect(readTableFile(file, { fileName: 'two.xlsx', sheet: 'Third' })).rejects.toMatchObject({
			code: 'sheet_not_found',
			message: expect.stringMatching(/First, Second/)
		});
	});

	it('refuses a .xlsx that is not a zip, and a header-only sheet', async () => {
		const fake = path.join(dir, 'fake.xlsx');
		fs.writeFileSync(fake, 'a,b\n1,2\n');
		await expect(readTableFile(fake, { fileName: 'fake.xlsx' })).rejects.toMatchObject({ code: 'not_xlsx' });
		const headerOnly = await workbook('header.xlsx', (wb) => wb.addWorksheet('S').addRow(['a', 'b']));
		await expect(readTableFile(headerOnly, { fileName: 'header.xlsx' })).rejects.toMatchObject({
			code: 'no_data_rows'
		});
	});

	it('refuses zip bombs and path-escaping entries before unpacking anything', async () => {
		const bomb = path.join(dir, 'bomb.xlsx');
		fs.writeFileSync(
			bomb,
			zip([
				{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
				{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(1024 * 1024), claimedSize: 3 * 1024 ** 3 - 1 }
			])
		);
		await expect(readTableFile(bomb, { fileName: 'bomb.xlsx' })).rejects.toMatchObject({
			code: 'unsafe_archive',
			message: /unpack to/
		});

		const ratio = path.join(dir, 'ratio.xlsx');
		fs.writeFileSync(ratio, zip([{ name: 'xl/workbook.xml', data: Buffer.alloc(200 * 1024 * 1024) }]));
		await expect(readTableFile(ratio, { fileName: 'ratio.xlsx' })).rejects.toMatchObject({
			code: 'unsafe_archive',
			message: /zip bombs/
		});

		const escape = path.join(dir, 'escape.xlsx');
		fs.writeFileSync(
			escape,
			zip([
				{ name: '../../etc/passwd', data: Buffer.from('x') },
				{ name: 'xl/workbook.xml', data: Buffer.from('x') }
			])
		);
		await expect(readTableFile(escape, { fileName: 'escape.xlsx' })).rejects.toMatchObject({
			code: 'unsafe_archive',
			message: /unsafe path/
		});

		const notExcel = path.join(dir, 'other.zip');
		fs.writeFileSync(notExcel, zip([{ name: 'readme.txt', data: Buffer.from('hello') }]));
		await expect(readTableFile(notExcel, { fileName: 'other.zip' })).rejects.toMatchObject({
			code: 'not_xlsx'
		});
	});
});
