import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/database';
import { runMigrations } from './migrate';

let t: TestDatabase;
beforeAll(async () => {
	t = await createTestDatabase(); // already migrated once
});
afterAll(async () => {
	await t.drop();
});

describe('migrations', () => {
	it('are safe to apply again, and from several processes at once', async () => {
		await runMigrations(t.url);
		await Promise.all([runMigrations(t.url), runMigrations(t.url), runMigrations(t.url)]);
		const client = new pg.Client({ connectionString: t.url });
		await client.connect();
		try {
			const tables = await client.query(
				"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
			);
			expect(tables.rows.map((r) => r.table_name)).toEqual(
				expect.arrayContaining(['api_keys', 'rate_limits', 'sessions', 'users', 'workers'])
			);
			const applied = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
			expect(applied.rows[0].n).toBeGreaterThanOrEqual(1);
			const commit = await client.query('SHOW synchronous_commit');
			expect(commit.rows[0].synchronous_commit).toBe('on');
		} finally {
			await client.end();
		}
	});
});
