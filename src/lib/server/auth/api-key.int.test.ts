import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../db/schema';
import { createTestDatabase, type TestDatabase } from '../testing/database';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from './api-key';

let t: TestDatabase;
let alice: string;
let bob: string;

beforeAll(async () => {
	t = await createTestDatabase();
	const rows = await t.db
		.insert(users)
		.values([
			{ email: 'alice@example.com', passwordHash: 'x' },
			{ email: 'bob@example.com', passwordHash: 'x' }
		])
		.returning();
	[alice, bob] = rows.map((r) => r.id);
});
afterAll(async () => {
	await t.drop();
});

describe('API keys', () => {
	it('are shown once and stored only as a hash with a lookup prefix', async () => {
		const created = await createApiKey(t.db, alice, 'CRM');
		expect(created.key).toMatch(/^hk_[a-z2-7]{8}_[a-z2-7]{32}$/);
		const dump = JSON.stringify((await t.db.execute(sql`SELECT * FROM api_keys`)).rows);
		expect(dump).not.toContain(created.key);
		expect(dump).not.toContain(created.key.slice(12));
		const listed = await listApiKeys(t.db, alice);
		expect(listed[0]).not.toHaveProperty('key');
		expect(listed[0]).toMatchObject({ name: 'CRM', prefix: created.prefix });
	});

	it('verify to their owner and record use', async () => {
		const created = await createApiKey(t.db, alice, 'Script');
		expect(await verifyApiKey(t.db, created.key)).toEqual({
			keyId: created.id,
			userId: alice,
			deploymentId: null
		});
		const [row] = await listApiKeys(t.db, alice).then((keys) => keys.filter((k) => k.id === created.id));
		expect(row.lastUsedAt).not.toBeNull();
	});

	it('reject a wrong secret behind a real prefix, and garbage', async () => {
		const created = await createApiKey(t.db, alice, 'Probe');
		const forged = `hk_${created.prefix}_${'a'.repeat(32)}`;
		expect(await verifyApiKey(t.db, forged)).toBeNull();
		expect(await verifyApiKey(t.db, 'hk_short')).toBeNull();
		expect(await verifyApiKey(t.db, '')).toBeNull();
	});

	it('stop working the moment they are revoked, even when just verified', async () => {
		const created = await createApiKey(t.db, alice, 'Temp');
		expect((await authenticateApiKey(t.db, created.key))?.user.id).toBe(alice);
		expect(await revokeApiKey(t.db, alice, created.id)).toBe(true);
		expect(await authenticateApiKey(t.db, created.key)).toBeNull();
		expect(await verifyApiKey(t.db, created.key)).toBeNull();
		expect(await revokeApiKey(t.db, alice, created.id)).toBe(false); // already revoked
	});

	it('cannot be listed or revoked by another user', async () => {
		const created = await createApiKey(t.db, alice, 'Private');
		expect((await listApiKeys(t.db, bob)).map((k) => k.id)).not.toContain(created.id);
		expect(await revokeApiKey(t.db, bob, created.id)).toBe(false);
		expect(await verifyApiKey(t.db, created.key)).not.toBeNull();
	});
});
