import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, loadSample, signUp, trainModel, uniqueEmail, watchConsole } from './helpers';

/** True once the canvas of the chart `id` has painted more than a few pixels. */
async function chartDrawn(page: Page, id: string): Promise<boolean> {
	return page.evaluate((chartId) => {
		const canvas = document.querySelector<HTMLCanvasElement>(`canvas[data-chart="${chartId}"]`);
		if (!canvas || canvas.width === 0) return false;
		const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
		let painted = 0;
		for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
		return painted > 300;
	}, id);
}

const chance = async (page: Page) =>
	Number((await page.getByTestId('probability-Yes').textContent())!.replace('%', ''));

test('publish a model, then a colleague without an account predicts on the share page and scores a CSV', async ({
	page,
	browser
}) => {
	test.setTimeout(240_000);
	const ownerErrors = watchConsole(page);
	await signUp(page, uniqueEmail('publish'));
	const datasetId = await loadSample(page, 'Customer churn (sample)');
	const modelId = await trainModel(page, datasetId, 'churned');

	// Publish from the model page: public, with a name.
	await page.goto(`/models/${modelId}`);
	await page.getByLabel('Name').fill('Churn risk');
	await page.getByRole('checkbox', { name: /^Public/ }).check();
	await page.getByTestId('publish').click();
	await expect(page).toHaveURL(/\/deployments\/churn-risk-[a-z2-7]{5}$/);
	const slug = page.url().split('/').at(-1)!;
	await expect(page.getByRole('heading', { name: 'Churn risk', level: 1 })).toBeVisible();
	await expect(page.getByTestId('access')).toContainText('Public');
	const endpoint = await page.getByTestId('endpoint').textContent();
	expect(endpoint).toBe(`${new URL(page.url()).origin}/api/v1/deployments/${slug}/predict`);
	await expect(page.getByTestId('snippet')).toContainText(`curl -X POST '${endpoint}'`);
	await expect(page.getByTestId('snippet')).toContainText('"tenure_months":');
	await page.getByRole('tab', { name: 'Python (requests)' }).click();
	await expect(page.getByTestId('snippet')).toContainText('requests.post(');
	await expectAccessible(page);

	// A colleague: a fresh browser with no session.
	const colleague = await browser.newContext();
	const share = await colleague.newPage();
	const shareErrors = watchConsole(share);
	await share.goto(`/share/${slug}`);
	await expect(share.getByRole('heading', { name: 'Churn risk', level: 1 })).toBeVisible();
	await expect(share.getByTestId('prediction')).toHaveText(/^(Yes|No)$/);
	await expect.poll(() => chartDrawn(share, 'contributions')).toBe(true);
	await expectAccessible(share);

	// What-if: a long two-year contract makes churn less likely; a month-to-month newcomer more.
	await share.getByLabel('contract', { exact: true }).selectOption('Two year');
	await share.getByLabel('tenure_months', { exact: true }).fill('70');
	await expect.poll(() => chance(share)).toBeLessThan(30);
	const loyal = await chance(share);
	await share.getByLabel('contract', { exact: true }).selectOption('Month-to-month');
	await share.getByLabel('tenure_months slider').fill('2');
	await expect.poll(() => chance(share)).toBeGreaterThan(loyal);

	// Batch scoring: the CSV comes back with predictions, probabilities and reasons; formulas are defused.
	const csv = [
		'customer_id,tenure_months,contract,monthly_charges,total_charges,internet_service,support_calls,paperless_billing,payment_method,senior_citizen',
		'C1,2,Month-to-month,95.5,190,Fiber optic,4,Yes,Electronic check,No',
		'=HYPERLINK("http://evil"),60,Two year,20,1200,None,0,No,Bank transfer,No',
		'C3,30,One year,60,1800,DSL,1,Yes,Credit card,Yes'
	].join('\n');
	await share
		.getByLabel('CSV or Excel file')
		.setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await share.getByRole('button', { name: 'Score file' }).click();
	await expect(share.getByRole('status')).toContainText('3 rows scored');
	const [download] = await Promise.all([
		share.waitForEvent('download'),
		share.getByTestId('scored-download').click()
	]);
	expect(download.suggestedFilename()).toBe('customers-predictions.csv');
	const lines = readFileSync((await download.path())!, 'utf8')
		.replace(/^\ufeff/, '')
		.trim()
		.split(/\r?\n/);
	expect(lines[0]).toBe(
		'customer_id,tenure_months,contract,monthly_charges,total_charges,internet_service,support_calls,paperless_billing,payment_method,senior_citizen,prediction,probability,reason_1,reason_2,reason_3'
	);
	expect(lines).toHaveLength(4);
	expect(lines[2]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil""\)",60,/);
	expect(lines[1]).toMatch(/,(Yes|No),0\.\d+,[a-z_]+ = [^,]+ \([+−][\d.]+%\),/);

	// A file without the model's columns gets a message naming them.
	await share
		.getByLabel('CSV or Excel file')
		.setInputFiles({ name: 'other.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') });
	await share.getByRole('button', { name: 'Score file' }).click();
	await expect(share.getByRole('alert')).toContainText('has none of the columns this model reads');

	// Back to the owner: the usage log counts the colleague's requests; making it private closes the page.
	await page.reload();
	const requests = page.getByTestId('chart-usage-requests');
	await expect(requests).toContainText(/\d+ requests in the last 24 hours; 1 \(\d+\.\d%\) were refused/);
	// The form's predictions (at least the first and one per change) and the two files scored.
	expect(Number(/(\d+) requests/.exec((await requests.textContent())!)![1])).toBeGreaterThanOrEqual(4);
	await page.getByRole('button', { name: 'Make private' }).click();
	await expect(page.getByTestId('access')).toContainText('Private');
	const closed = await share.goto(`/share/${slug}`);
	expect(closed!.status()).toBe(404);

	expect(ownerErrors).toEqual([]);
	// The browser logs the answers the test asked for: the 400 of the wrong file, the 404 of the private page.
	expect(shareErrors.filter((e) => !/status of (400|404)/.test(e))).toEqual([]);
	await colleague.close();
});
