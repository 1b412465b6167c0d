import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '../db';
import { runMigrations } from '../db/migrate';

export interface TestDatabase extends DbHandle {
	url: string;
	/** Closes the pool and drops the database. */
	drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}

/** A new, migrated database on the test server, private to the calling test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
	const adminUrl = inject('adminDatabaseUrl');
	const name = `hunch_test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	try {
		await admin.query(`CREATE DATABASE ${name}`);
	} finally {
		await admin.end();
	}
	const url = withDatabase(adminUrl, name);
	await runMigrations(url);
	const handle = createDb(url, { max: 5, applicationName: 'hunch-test' });
	return {
		...handle,
		url,
		async drop() {
			await handle.close();
			const client = new pg.Client({ connectionString: adminUrl });
			await client.connect();
			try {
				await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			} finally {
				await client.end();
			}
		}
	};
}
