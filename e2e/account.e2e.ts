import { expect, test } from '@playwright/test';
import { PASSWORD, expectAccessible, signUp, uniqueEmail, watchConsole } from './helpers';

test('an analyst signs up, sees the empty dashboard, logs out and back in, and manages an API key', async ({
	page
}) => {
	const errors = watchConsole(page);
	const email = uniqueEmail('analyst');

	await page.goto('/');
	await expect(page.getByRole('heading', { name: /Turn a spreadsheet into a prediction API/ })).toBeVisible();
	await expectAccessible(page);

	await signUp(page, email);
	await expect(page.getByRole('heading', { name: 'Datasets', level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'No datasets yet' })).toBeVisible();
	const nav = page.getByRole('navigation', { name: 'Main' });
	for (const section of ['Datasets', 'Runs', 'Models', 'Deployments', 'Settings']) {
		await expect(nav.getByRole('link', { name: section })).toBeVisible();
	}
	await expect(nav.getByRole('link', { name: 'Datasets' })).toHaveAttribute('aria-current', 'page');
	await expectAccessible(page);

	await nav.getByRole('link', { name: 'Runs' }).click();
	await expect(page.getByRole('heading', { name: 'No runs yet' })).toBeVisible();

	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/settings');
	await expect(page).toHaveURL(/\/login\?next=%2Fsettings$/);

	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page).toHaveURL(/\/settings$/);
	await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
	await expect(page.getByText('You have no active API keys.')).toBeVisible();
	await expectAccessible(page);

	await page.getByLabel('Name of the new key').fill('Nightly export');
	await page.getByRole('button', { name: 'Create key' }).click();
	const shown = page.getByTestId('new-api-key');
	await expect(shown).toHaveText(/^hk_[a-z2-7]{8}_[a-z2-7]{32}$/);
	const key = (await shown.textContent())!;
	await expect(page.getByRole('row', { name: /Nightly export/ })).toBeVisible();

	// The key works for the API…
	const listed = await page.request.get('/api/v1/api-keys', { headers: { authorization: `Bearer ${key}` } });
	expect(listed.status()).toBe(200);

	// …until it is revoked from the settings page.
	page.once('dialog', (dialog) => dialog.accept());
	await page.getByRole('button', { name: 'Revoke key Nightly export' }).click();
	await expect(page.getByText('You have no active API keys.')).toBeVisible();
	await expect(page.getByText(/Revoked keys \(1\)/)).toBeVisible();
	const refused = await page.request.get('/api/v1/api-keys', {
		headers: { authorization: `Bearer ${key}` }
	});
	expect(refused.status()).toBe(401);

	// The key is never shown again after a reload.
	await page.reload();
	await expect(page.getByTestId('new-api-key')).toHaveCount(0);
	expect(errors).toEqual([]);
});

test('sign-up and login errors name the field and keep what was typed', async ({ page }) => {
	const email = uniqueEmail('errors');
	await page.goto('/signup');
	await page.getByLabel('Email').fill('not-an-email');
	await page.getByLabel('Password').fill('short');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByText('Enter a valid email address, like name@example.com.')).toBeVisible();
	await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
	await expect(page.getByLabel('Email')).toHaveValue('not-an-email');
	await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');

	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill('password123');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByText(/too common/)).toBeVisible();

	await signUp(page, email);
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');

	await page.goto('/signup');
	await page.getByLabel('Email').fill(email.toUpperCase());
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByText(/already exists/)).toBeVisible();
});
