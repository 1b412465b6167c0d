import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, loadSample, signUp, trainModel, uniqueEmail, watchConsole } from './helpers';

/** Every chart section on the page, and whether each canvas in it has drawn something. */
async function drawnCharts(page: Page): Promise<Record<string, boolean>> {
	return page.evaluate(() => {
		const out: Record<string, boolean> = {};
		for (const section of document.querySelectorAll<HTMLElement>('[data-testid^="chart-"]')) {
			const id = section.dataset.testid!.slice('chart-'.length);
			const canvas = section.querySelector('canvas');
			if (!canvas) {
				out[id] = section.querySelectorAll('tbody tr').length > 0; // tables: rows present
				continue;
			}
			const ctx = canvas.getContext('2d')!;
			const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
			let painted = 0;
			for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
			out[id] = canvas.width > 0 && painted > 500;
		}
		return out;
	});
}

test('binary, multiclass and regression models show every chart of their report, and the report prints and downloads', async ({
	page
}) => {
	test.setTimeout(400_000);
	const errors = watchConsole(page);
	await signUp(page, uniqueEmail('report'));
	const churn = await loadSample(page, 'Customer churn (sample)');
	const houses = await loadSample(page, 'House prices (sample)');
	const models = {
		binary: await trainModel(page, churn, 'churned'),
		multiclass: await trainModel(page, churn, 'contract'),
		regression: await trainModel(page, houses, 'sale_price')
	};
	const expected = {
		binary: ['importance', 'confusion', 'roc', 'precision-recall', 'calibration', 'gains', 'thresholds'],
		multiclass: ['importance', 'confusion', 'per-class', 'calibration'],
		regression: ['importance', 'predicted-actual', 'residuals', 'residual-histogram', 'error-by-decile']
	};
	for (const [task, modelId] of Object.entries(models) as [keyof typeof models, string][]) {
		await page.goto(`/models/${modelId}`);
		await expect(page.getByTestId('model-summary')).toContainText('matters most');
		await expect(page.getByTestId('chart-importance')).toBeVisible();
		// Let chart.js paint, then check every chart drew (a canvas with ink, or a table with rows).
		await page.waitForTimeout(300);
		const charts = await drawnCharts(page);
		for (const id of expected[task]) expect(charts[id], `${task}: chart ${id}`).toBe(true);
		const dependence = Object.keys(charts).filter((id) => id.startsWith('dependence-'));
		expect(dependence.length, `${task}: dependence charts`).toBeGreaterThan(0);
		expect(Object.values(charts).every(Boolean), `${task}: ${JSON.stringify(charts)}`).toBe(true);
		await expectAccessible(page);

		const api = await (await page.request.get(`/api/v1/models/${modelId}`)).json();
		expect(api.explanations.evaluation.kind).toBe(task);
		expect(api.explanations.importance.length).toBeGreaterThan(0);
	}

	// The printable report: self-contained (no script), every chart as SVG; and as a download.
	await page.goto(`/models/${models.binary}/report`);
	await expect(page.getByRole('heading', { name: 'What the model learned' })).toBeVisible();
	expect(await page.locator('script').count()).toBe(0);
	expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(5);
	await expectAccessible(page);
	const download = await page.request.get(`/models/${models.binary}/report?download`);
	expect(download.headers()['content-disposition']).toMatch(/^attachment;/);
	expect(await download.text()).toContain('<svg');
	expect(errors).toEqual([]);
});
