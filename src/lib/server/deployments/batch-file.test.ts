import ExcelJS from 'exceljs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifact } from '../../engine/automl/artifact';
import { trainAutoML } from '../../engine/automl/train';
import { churn } from '../../engine/testing/tables';
import { BatchFileError, scoreFile } from './batch-file';

let dir: string;
let artifact: ModelArtifact;

beforeAll(async () => {
	dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hunch-batch-'));
	artifact = await trainAutoML(churn(300, 3), { target: 'churned', timeLimitSeconds: 30, maxTrials: 1 });
}, 60_000);
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const inputs = ['tenure', 'spend', 'plan'];

describe('batch scoring of files', () => {
	it('scores an Excel workbook back into a workbook: numbers stay numbers, formulas are defused', async () => {
		const workbook = new ExcelJS.Workbook();
		const sheet = workbook.addWorksheet('Customers');
		sheet.addRow(['id', 'tenure', 'spend', 'plan']);
		sheet.addRow(['=1+1', 3, 80.5, 'basic']);
		sheet.addRow(['@ceo', 50, 12, 'pro']);
		const file = path.join(dir, 'in.xlsx');
		await workbook.xlsx.writeFile(file);

		const scored = await scoreFile(artifact, file, 'customers.xlsx', inputs);
		expect(scored).toMatchObject({
			fileName: 'customers-predictions.xlsx',
			rows: 2,
			explainedRows: 2,
			warnings: []
		});
		const out = new ExcelJS.Workbook();
		await out.xlsx.load(scored.bytes as unknown as ArrayBuffer);
		const rows = out.worksheets[0].getSheetValues().filter(Boolean) as unknown[][];
		expect(rows[0].slice(1)).toEqual([
			'id',
			'tenure',
			'spend',
			'plan',
			'prediction',
			'probability',
			'reason_1',
			'reason_2',
			'reason_3'
		]);
		expect(rows[1][1]).toBe("'=1+1");
		expect(rows[2][1]).toBe("'@ceo");
		expect(rows[1][2]).toBe(3);
		expect(['yes', 'no']).toContain(rows[1][5]);
		expect(rows[1][6]).toEqual(expect.any(Number));
		expect(rows[1][7]).toMatch(/^(tenure|spend|plan) = /);
	});

	it('writes CSV with a BOM for Excel, warns about absent columns, and refuses a file with none of them', async () => {
		const file = path.join(dir, 'in.csv');
		await fs.writeFile(file, 'tenure,plan\n5,basic\n40,plus\n');
		const scored = await scoreFile(artifact, file, 'few.csv', inputs);
		const text = scored.bytes.toString('utf8');
		expect(text.startsWith('\ufefftenure,plan,prediction,probability,reason_1')).toBe(true);
		expect(text.trim().split('\r\n')).toHaveLength(3);
		expect(scored.warnings[0]).toMatch(/no "spend" column: predicted as if that value was unknown/);

		const other = path.join(dir, 'other.csv');
		await fs.writeFile(other, 'a,b\n1,2\n');
		await expect(scoreFile(artifact, other, 'other.csv', inputs)).rejects.toThrow(BatchFileError);
		await expect(scoreFile(artifact, other, 'other.csv', inputs)).rejects.toThrow(
			/has none of the columns this model reads \("tenure", "spend", "plan"\)/
		);
	});
});
