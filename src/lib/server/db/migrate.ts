import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** Finds the drizzle/ folder from the source tree or from the built server. */
export function migrationsFolder(): string {
	const candidates = [
		process.env.HUNCH_MIGRATIONS_DIR,
		path.resolve(process.cwd(), 'drizzle'),
		path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../drizzle')
	].filter((p): p is string => !!p);
	const found = candidates.find((p) => existsSync(path.join(p, 'meta', '_journal.json')));
	if (!found) throw new Error(`Database migrations not found (looked in ${candidates.join(', ')})`);
	return found;
}

/**
 * Applies every pending drizzle-kit migration. Safe to run twice and from several processes at once: an
 * advisory lock serialises concurrent starters, and drizzle records applied migrations.
 */
export async function runMigrations(url: string): Promise<void> {
	const client = new pg.Client({ connectionString: url, application_name: 'hunch-migrate' });
	await client.connect();
	try {
		await client.query('SELECT pg_advisory_lock(727274)');
		await migrate(drizzle(client), { migrationsFolder: migrationsFolder() });
	} finally {
		await client.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
		await client.end();
	}
}
