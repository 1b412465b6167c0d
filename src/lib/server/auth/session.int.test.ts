import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../db/schema';
import { createTestDatabase, type TestDatabase } from '../testing/database';
import { hashPassword } from './credentials';
import {
	SESSION_ABSOLUTE_MS,
	SESSION_IDLE_MS,
	createSession,
	deleteExpiredSessions,
	generateSessionToken,
	invalidateSession,
	invalidateUserSessions,
	validateSessionToken
} from './session';

let t: TestDatabase;
let userId: string;
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
	t = await createTestDatabase();
	const [u] = await t.db
		.insert(users)
		.values({ email: 'sess@example.com', passwordHash: await hashPassword('correct horse battery') })
		.returning();
	userId = u.id;
});
afterAll(async () => {
	await t.drop();
});

describe('sessions', () => {
	it('store only the SHA-256 of the token', async () => {
		const tokens = Array.from({ length: 20 }, () => generateSessionToken());
		for (const token of tokens) await createSession(t.db, token, userId);
		const dump = JSON.stringify((await t.db.execute(sql`SELECT * FROM sessions`)).rows);
		for (const token of tokens) expect(dump).not.toContain(token);
	});

	it('validate a fresh token and reject a forged one', async () => {
		const token = generateSessionToken();
		await createSession(t.db, token, userId);
		expect(await validateSessionToken(t.db, token)).toMatchObject({ user: { id: userId }, refreshed: false });
		expect(await validateSessionToken(t.db, generateSessionToken())).toBeNull();
		expect(
			await validateSessionToken(t.db, token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a'))
		).toBeNull();
		expect(await validateSessionToken(t.db, "' OR 1=1 --")).toBeNull();
	});

	it('slide the expiry forward when used in the second half of their life', async () => {
		const start = new Date('2026-01-01T00:00:00Z');
		const token = generateSessionToken();
		await createSession(t.db, token, userId, start);
		const later = new Date(start.getTime() + 20 * DAY);
		const result = await validateSessionToken(t.db, token, later);
		expect(result?.refreshed).toBe(true);
		expect(result?.session.expiresAt.getTime()).toBe(later.getTime() + SESSION_IDLE_MS);
	});

	it('end after 30 idle days', async () => {
		const start = new Date();
		const token = generateSessionToken();
		await createSession(t.db, token, userId, start);
		expect(
			await validateSessionToken(t.db, token, new Date(start.getTime() + SESSION_IDLE_MS + 1000))
		).toBeNull();
		// and the row is gone
		expect(await validateSessionToken(t.db, token, start)).toBeNull();
	});

	it('end at the absolute lifetime even when used every day', async () => {
		const start = new Date('2026-02-01T00:00:00Z');
		const token = generateSessionToken();
		await createSession(t.db, token, userId, start);
		for (let day = 20; day < 90; day += 20) {
			expect(await validateSessionToken(t.db, token, new Date(start.getTime() + day * DAY))).not.toBeNull();
		}
		expect(
			await validateSessionToken(t.db, token, new Date(start.getTime() + SESSION_ABSOLUTE_MS + 1))
		).toBeNull();
	});

	it('end on logout, and all of them for a user', async () => {
		const a = generateSessionToken();
		const b = generateSessionToken();
		const sa = await createSession(t.db, a, userId);
		await createSession(t.db, b, userId);
		await invalidateSession(t.db, sa.id);
		expect(await validateSessionToken(t.db, a)).toBeNull();
		expect(await validateSessionToken(t.db, b)).not.toBeNull();
		await invalidateUserSessions(t.db, userId);
		expect(await validateSessionToken(t.db, b)).toBeNull();
	});

	it('end when the account is disabled', async () => {
		const token = generateSessionToken();
		await createSession(t.db, token, userId);
		await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, userId));
		expect(await validateSessionToken(t.db, token)).toBeNull();
		await t.db.update(users).set({ disabledAt: null }).where(eq(users.id, userId));
	});

	it('are swept once expired', async () => {
		const old = new Date(Date.now() - 40 * DAY);
		await createSession(t.db, generateSessionToken(), userId, old);
		expect(await deleteExpiredSessions(t.db)).toBeGreaterThanOrEqual(1);
		const left = await t.db
			.select()
			.from(sessions)
			.where(sql`expires_at < now()`);
		expect(left).toHaveLength(0);
	});
});
