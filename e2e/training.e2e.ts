import { expect, test } from '@playwright/test';
import { expectAccessible, signUp, uniqueEmail, watchConsole } from './helpers';

test('an analyst trains a model from the wizard and watches the leaderboard fill', async ({ page }) => {
	test.setTimeout(180_000);
	const errors = watchConsole(page);
	await signUp(page, uniqueEmail('train'));
	await page.getByRole('button', { name: 'Load Customer churn (sample)' }).click();
	await expect(page.getByRole('heading', { name: 'Customer churn (sample)', level: 1 })).toBeVisible();
	await page.getByRole('link', { name: 'Train a model on this dataset' }).click();

	// 1. The target: Hunch says what kind of prediction it is, with the distribution.
	await expect(page.getByRole('heading', { name: /What do you want to predict/ })).toBeVisible();
	await page.getByLabel('Column to predict').selectOption('churned');
	const summary = page.getByTestId('target-summary');
	await expect(summary).toContainText('Yes / no (two outcomes)');
	await expect(summary.getByRole('img')).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Next: choose the columns' }).click();

	// 2. Columns: the ID is left out with its reason; the rest are used.
	const id = page.getByRole('checkbox', { name: /customer_id/ });
	await expect(id).not.toBeChecked();
	await expect(page.getByText(/Left out: An ID/)).toBeVisible();
	await expect(page.getByRole('checkbox', { name: /tenure_months/ })).toBeChecked();
	await page.getByRole('button', { name: 'Next: how long to search' }).click();

	// 3. Time: a custom 20 seconds; advanced settings show plain explanations.
	await page.getByRole('textbox', { name: 'Minutes' }).fill('0.34');
	await expect(page.getByRole('radio', { name: /Custom/ })).toBeChecked();
	await page.getByText(/Advanced:/).click();
	await expect(page.getByText(/How well it ranks the likely rows/)).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Next: review' }).click();

	// 4. Start: the run page fills in live.
	await expect(page.getByText(/searching for up to\s+20 s/)).toBeVisible();
	await page.getByRole('button', { name: 'Start training' }).click();
	await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
	await expect(page.getByRole('heading', { name: 'Predicting “churned”' })).toBeVisible();
	const leaderboard = page.getByTestId('leaderboard');
	await expect(leaderboard.locator('tbody tr').first()).toBeVisible({ timeout: 60_000 });
	await expect(page.getByTestId('run-status')).toHaveText('Searching');
	await expect(page.getByTestId('best-score')).toHaveText(/0\.\d{4}/);
	await expectAccessible(page);
	await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 90_000 });
	expect(await leaderboard.locator('tbody tr').count()).toBeGreaterThan(1);

	// The model.
	await page.getByRole('link', { name: 'Open the model' }).click();
	await expect(page.getByRole('heading', { name: /churned · Customer churn/ })).toBeVisible();
	await expect(page.getByTestId('model-score')).toHaveText(/0\.\d{4}/);
	await expectAccessible(page);

	// The runs list shows it, finished; reloading the run page still shows the whole leaderboard.
	await page.goto('/runs');
	await expect(page.getByRole('cell', { name: 'Finished' })).toBeVisible();
	await page.getByRole('link', { name: 'churned' }).click();
	await expect(page.getByTestId('run-status')).toHaveText('Finished');
	expect(await page.getByTestId('leaderboard').locator('tbody tr').count()).toBeGreaterThan(1);
	expect(errors).toEqual([]);
});

test('a run can be cancelled from its page', async ({ page }) => {
	test.setTimeout(120_000);
	await signUp(page, uniqueEmail('cancel'));
	await page.getByRole('button', { name: 'Load House prices (sample)' }).click();
	await page.getByRole('link', { name: 'Train a model on this dataset' }).click();
	await page.getByLabel('Column to predict').selectOption('sale_price');
	await expect(page.getByTestId('target-summary')).toContainText('A number');
	await page.getByRole('button', { name: 'Next: choose the columns' }).click();
	await page.getByRole('button', { name: 'Next: how long to search' }).click();
	await page.getByRole('radio', { name: /^5 minutes/ }).check();
	await page.getByRole('button', { name: 'Next: review' }).click();
	await page.getByRole('button', { name: 'Start training' }).click();
	await expect(page.getByTestId('run-status')).toHaveText('Searching', { timeout: 60_000 });
	await page.getByRole('button', { name: 'Cancel run' }).click();
	await expect(page.getByTestId('run-status')).toHaveText('Cancelled', { timeout: 30_000 });
	await expect(page.getByRole('alert')).toContainText(/Cancelled after \d+ trials?/);
	await expect(page.getByRole('link', { name: 'Try again' })).toBeVisible();
});
