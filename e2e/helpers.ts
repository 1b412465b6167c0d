import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(label: string): string {
	return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export async function signUp(page: Page, email: string, password = PASSWORD): Promise<void> {
	await page.goto('/signup');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await expect(page.getByLabel('Email')).toHaveValue(email);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/datasets$/);
}

/** Fails on any WCAG 2.1 A/AA violation axe-core finds on the current page (labels, contrast, landmarks…). */
export async function expectAccessible(page: Page): Promise<void> {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} element(s))`);
	expect(summary).toEqual([]);
}

/** Collects console errors and uncaught page errors; assert it is empty at the end of a test. */
export function watchConsole(page: Page): string[] {
	const errors: string[] = [];
	page.on('console', (msg) => {
		if (msg.type() === 'error') errors.push(msg.text());
	});
	page.on('pageerror', (err) => errors.push(err.message));
	return errors;
}

/** Loads a sample dataset from the Datasets page; returns its id. */
export async function loadSample(page: Page, name: string): Promise<string> {
	await page.goto('/datasets');
	await page.getByRole('button', { name: `Load ${name}` }).click();
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
	return page.url().split('/').at(-1)!;
}

/** Starts a 10-second run through the API (with the page's session) and waits for its model. */
export async function trainModel(page: Page, datasetId: string, target: string): Promise<string> {
	// A same-origin request, as the app's own pages make (cookie-authenticated writes must say where from).
	const started = await page.request.post('/api/v1/runs', {
		data: { datasetId, target, timeLimitSeconds: 10 },
		headers: { origin: new URL(page.url()).origin }
	});
	expect(started.status(), await started.text()).toBe(202);
	const { id } = await started.json();
	let run: { status: string; modelId: string | null; error: string | null } = {
		status: 'queued',
		modelId: null,
		error: null
	};
	await expect
		.poll(
			async () => {
				run = await (await page.request.get(`/api/v1/runs/${id}`)).json();
				return run.status;
			},
			{ timeout: 120_000, intervals: [1000] }
		)
		.toBe('succeeded');
	return run.modelId!;
}
