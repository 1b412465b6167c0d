import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../db';
import { users } from '../db/schema';
import { createTestDatabase, type TestDatabase } from '../testing/database';
import { LOGIN_RULES, logIn, signUp } from './accounts';

let t: TestDatabase;
beforeAll(async () => {
	t = await createTestDatabase();
});
afterAll(async () => {
	await t.drop();
});

const password = 'correct horse battery';

describe('sign up', () => {
	it('creates an account with an argon2id hash, never the password', async () => {
		const result = await signUp(t.db, { email: ' New.User@Example.com ', password, ip: '10.0.0.1' });
		expect(result.ok).toBe(true);
		const [row] = await t.db
			.select()
			.from(users)
			.where(sql`email = 'new.user@example.com'`);
		expect(row.passwordHash).toMatch(/^\$argon2id\$/);
		expect(JSON.stringify(row)).not.toContain(password);
	});

	it('refuses a duplicate email, in any case', async () => {
		await signUp(t.db, { email: 'dup@example.com', password, ip: '10.0.0.2' });
		const again = await signUp(t.db, { email: 'DUP@example.com', password, ip: '10.0.0.2' });
		expect(again).toMatchObject({
			ok: false,
			status: 400,
			errors: { email: expect.stringMatching(/already exists/) }
		});
	});

	it('names the field for a malformed email and a short password, and saves nothing', async () => {
		const result = await signUp(t.db, { email: 'not-an-email', password: 'short', ip: '10.0.0.3' });
		expect(result).toMatchObject({
			ok: false,
			status: 400,
			errors: { email: expect.stringMatching(/valid email/), password: expect.stringMatching(/at least 8/) }
		});
		const count = await t.db.execute<{ n: number }>(
			sql`SELECT count(*)::int AS n FROM users WHERE email = 'not-an-email'`
		);
		expect(count.rows[0].n).toBe(0);
	});
});

describe('log in', () => {
	beforeAll(async () => {
		await signUp(t.db, { email: 'ana@example.com', password, ip: '10.1.0.1' });
	});

	it('accepts the right password, whatever the email case', async () => {
		const result = await logIn(t.db, { email: 'ANA@example.com', password, ip: '10.1.0.1' });
		expect(result).toMatchObject({ ok: true, user: { email: 'ana@example.com' } });
	});

	it('gives the same answer for a wrong password and an unknown email', async () => {
		const wrong = await logIn(t.db, { email: 'ana@example.com', password: 'nope nope nope', ip: '10.1.0.2' });
		const unknown = await logIn(t.db, {
			email: 'nobody@example.com',
			password: 'nope nope nope',
			ip: '10.1.0.2'
		});
		expect(wrong).toEqual(unknown);
		expect(wrong).toMatchObject({ ok: false, status: 400, errors: { form: 'Incorrect email or password.' } });
	});

	it('throttles one account from one address after 5 failures, even with the right password', async () => {
		await signUp(t.db, { email: 'ben@example.com', password, ip: '10.2.0.1' });
		for (let i = 0; i < LOGIN_RULES.accountAndIp.limit; i++) {
			const r = await logIn(t.db, { email: 'ben@example.com', password: 'wrong wrong', ip: '10.2.0.9' });
			expect(r.ok).toBe(false);
		}
		const blocked = await logIn(t.db, { email: 'ben@example.com', password, ip: '10.2.0.9' });
		expect(blocked).toMatchObject({
			ok: false,
			status: 429,
			errors: { form: expect.stringMatching(/Try again in/) }
		});
		// The owner on another address is not locked out by someone else's guessing.
		const owner = await logIn(t.db, { email: 'ben@example.com', password, ip: '10.2.0.10' });
		expect(owner.ok).toBe(true);
	});

	it('shares the throttle between processes through PostgreSQL, per account across addresses', async () => {
		await signUp(t.db, { email: 'cara@example.com', password, ip: '10.3.0.1' });
		// Two independent pools stand for two web processes.
		const second: DbHandle = createDb(t.url, { max: 2 });
		try {
			const processes = [t.db, second.db];
			let attempts = 0;
			// 10 addresses, alternating processes, until the per-account rule triggers.
			outer: for (let round = 0; round < 20; round++) {
				for (let ip = 0; ip < 10; ip++) {
					const r = await logIn(processes[attempts % 2], {
						email: 'cara@example.com',
						password: 'wrong wrong',
						ip: `10.3.1.${ip}`
					});
					attempts++;
					if (!r.ok && r.status === 429) break outer;
				}
			}
			// Per (account, address) stops each address after 5, so 10 addresses give 50 tries in all, then the
			// per-account window (also 50) holds for every address, on both processes.
			expect(attempts).toBeLessThanOrEqual(LOGIN_RULES.account.limit + 1);
			const fresh = await logIn(second.db, { email: 'cara@example.com', password: 'wrong', ip: '10.3.9.9' });
			expect(fresh).toMatchObject({ status: 429 });
		} finally {
			await second.close();
		}
	});

	it('refuses a disabled account with the generic message', async () => {
		await signUp(t.db, { email: 'gone@example.com', password, ip: '10.4.0.1' });
		await t.db.execute(sql`UPDATE users SET disabled_at = now() WHERE email = 'gone@example.com'`);
		const r = await logIn(t.db, { email: 'gone@example.com', password, ip: '10.4.0.1' });
		expect(r).toMatchObject({ ok: false, errors: { form: 'Incorrect email or password.' } });
	});
});
