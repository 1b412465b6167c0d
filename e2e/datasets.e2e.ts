import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, test } from '@playwright/test';
import { expectAccessible, signUp, uniqueEmail, watchConsole } from './helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunch-e2e-files-'));
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function csvFile(name: string, text: string): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	return file;
}

test('an analyst uploads a CSV and an Excel file and reads their profiles', async ({ page }) => {
	const errors = watchConsole(page);
	await signUp(page, uniqueEmail('upload'));

	const rows = Array.from(
		{ length: 60 },
		(_, i) =>
			`${5000 + i},${['Basic', 'Pro', 'Team'][i % 3]},${(19.5 + (i % 7) * 3).toFixed(2)},${i % 5 === 0 ? -1 : 10 + (i % 30)},${i % 4 ? 'No' : 'Yes'}`
	);
	const csv = csvFile(
		'subscribers.csv',
		['subscriber_id,plan,monthly_fee,months_active,cancelled', ...rows].join('\n')
	);
	await page.locator('#dataset-file').setInputFiles(csv);
	await expect(page).toHaveURL(/\/datasets\/[0-9a-f-]{36}$/);
	await expect(page.getByRole('heading', { name: 'subscribers', level: 1 })).toBeVisible();
	await expect(page.getByText('60 rows × 5 columns')).toBeVisible();
	// A card per column, with its type and a chart
	await expect(page.getByRole('heading', { name: 'monthly_fee', level: 3 })).toBeVisible();
	await expect(page.getByLabel('Type').first()).toHaveValue('identifier');
	await expect(page.locator('.chart canvas')).toHaveCount(4);
	// Plain-language warnings
	await expect(page.getByText(/"months_active" has the value -1 in 12 rows/)).toBeVisible();
	await expect(page.getByText(/"subscriber_id" looks like an ID/)).toBeVisible();
	// Preview of the rows
	await expect(page.getByRole('region', { name: 'Preview of the first rows' }).getByRole('row')).toHaveCount(
		61
	);
	await expectAccessible(page);

	// Override a type: the choice is kept after a reload
	const plan = page.locator('article', { has: page.getByRole('heading', { name: 'months_active' }) });
	await plan.getByLabel('Type').selectOption('categorical');
	await expect(plan.getByText('(your choice)')).toBeVisible();
	await page.reload();
	await expect(plan.getByLabel('Type')).toHaveValue('categorical');

	// Excel
	await page.getByRole('link', { name: '← Datasets' }).click();
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('Q3 sales');
	ws.addRow(['region', 'closed_on', 'amount']);
	for (let i = 0; i < 25; i++)
		ws.addRow([['North', 'South', 'West'][i % 3], new Date(Date.UTC(2024, 6, 1 + i)), 1000 + i * 37]);
	const xlsx = path.join(dir, 'sales.xlsx');
	await wb.xlsx.writeFile(xlsx);
	await page.locator('#dataset-file').setInputFiles(xlsx);
	await expect(page.getByRole('heading', { name: 'sales', level: 1 })).toBeVisible();
	await expect(page.getByText(/sheet “Q3 sales”/)).toBeVisible();
	const closedOn = page.locator('article', { has: page.getByRole('heading', { name: 'closed_on' }) });
	await expect(closedOn.getByLabel('Type')).toHaveValue('datetime');
	await expect(closedOn.getByText('2024-07-01 to 2024-07-25')).toBeVisible();

	// Both are listed
	await page.getByRole('link', { name: '← Datasets' }).click();
	await expect(page.getByRole('link', { name: 'subscribers' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'sales' })).toBeVisible();
	expect(errors).toEqual([]);
});

test('a bad file gets a message that names the problem', async ({ page }) => {
	await signUp(page, uniqueEmail('badfile'));
	await page.locator('#dataset-file').setInputFiles(csvFile('ragged.csv', 'a,b\n1,2\n3,4,5\n'));
	await expect(page.getByRole('alert')).toHaveText(
		/Row 3 of ragged.csv has 3 values but the header names 2 columns/
	);
	await expect(page).toHaveURL(/\/datasets$/);
});

test('a sample dataset loads in one click, and a dataset can be deleted', async ({ page }) => {
	await signUp(page, uniqueEmail('sample'));
	await page.getByRole('button', { name: 'Load Customer churn (sample)' }).click();
	await expect(page.getByRole('heading', { name: 'Customer churn (sample)', level: 1 })).toBeVisible();
	await expect(page.getByText('2,000 rows × 11 columns')).toBeVisible();
	page.once('dialog', (d) => d.accept());
	await page.getByRole('button', { name: 'Delete dataset' }).click();
	await expect(page).toHaveURL(/\/datasets$/);
	await expect(page.getByRole('heading', { name: 'No datasets yet' })).toBeVisible();
});

test('naughty strings in cells and headers render as text, never as script', async ({ page }) => {
	const blnsPath = path.resolve(process.cwd(), '../shared/peer/naughty-strings/blns.json');
	const strings: string[] = fs.existsSync(blnsPath)
		? JSON.parse(fs.readFileSync(blnsPath, 'utf8'))
		: ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>'];
	const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
	// Markup first, so it lands in the 100-row preview that the page renders.
	const usable = strings
		.filter((s) => s.trim() !== '' && !s.includes('\u0000'))
		.sort((a, b) => Number(/<\w/.test(b)) - Number(/<\w/.test(a)));
	const firstScript = usable.find((s) => s.includes('<script'))!;
	const file = csvFile('naughty.csv', ['value', ...usable.map(quote)].join('\r\n'));
	let dialogs = 0;
	page.on('dialog', (d) => {
		dialogs++;
		void d.dismiss();
	});
	await signUp(page, uniqueEmail('blns'));
	await page.locator('#dataset-file').setInputFiles(file);
	await expect(page.getByRole('heading', { name: 'naughty', level: 1 })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Preview of the first rows' })).toContainText(
		firstScript.trim()
	);
	// Header names from the same list
	const header = usable.slice(0, 40);
	await page.getByRole('link', { name: '← Datasets' }).click();
	await page
		.locator('#dataset-file')
		.setInputFiles(
			csvFile('naughty-headers.csv', header.map(quote).join(',') + '\n' + header.map(() => '1').join(','))
		);
	await expect(page.getByRole('heading', { name: 'naughty-headers', level: 1 })).toBeVisible();
	await page.waitForTimeout(500);
	expect(dialogs).toBe(0);
});

const sharedDir = path.resolve(process.cwd(), '../shared/datasets');
const manifest: { file: string; target: string }[] = fs.existsSync(path.join(sharedDir, 'manifest.json'))
	? JSON.parse(fs.readFileSync(path.join(sharedDir, 'manifest.json'), 'utf8'))
	: [];

test('every dataset in the shared manifest uploads through the UI with a profile', async ({ page }) => {
	test.skip(manifest.length === 0, '../shared/datasets is absent');
	test.setTimeout(240_000);
	await signUp(page, uniqueEmail('manifest'));
	for (const { file, target } of manifest) {
		await page.goto('/datasets');
		await page.locator('#dataset-file').setInputFiles(path.join(sharedDir, file));
		await expect(page.getByRole('heading', { name: file.replace(/\.csv$/, ''), level: 1 })).toBeVisible({
			timeout: 30_000
		});
		// The target column has a card with a type and a chart (or category list).
		const card = page.locator('article', { has: page.getByRole('heading', { name: target, exact: true }) });
		await expect(card.locator('select[name="type"]')).not.toHaveValue('identifier');
		await expect(card.locator('.chart')).toHaveCount(1);
	}
});
