import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = NodePgDatabase<Schema>;

export interface DbHandle {
	db: Database;
	pool: pg.Pool;
	close(): Promise<void>;
}

export interface CreateDbOptions {
	/** Pool size; web processes and workers need few connections each. */
	max?: number;
	applicationName?: string;
}

/**
 * Opens a pool on `url` and wraps it in drizzle. Used by the web app, the workers, the CLI and the tests alike,
 * with no SvelteKit import, so anything holding a `DATABASE_URL` can reach the data.
 */
export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
	const pool = new pg.Pool({
		connectionString: url,
		max: options.max ?? 10,
		application_name: options.applicationName ?? 'hunch',
		connectionTimeoutMillis: 5_000,
		idleTimeoutMillis: 30_000,
		// Detect half-open TCP connections instead of hanging on them.
		keepAlive: true,
		keepAliveInitialDelayMillis: 10_000,
		statement_timeout: 60_000,
		idle_in_transaction_session_timeout: 60_000
	});
	// An idle client losing its connection (server restart) must not crash the process; the pool replaces it.
	pool.on('error', () => undefined);
	const db = drizzle(pool, { schema });
	return {
		db,
		pool,
		close: () => pool.end()
	};
}

const CONNECTION_ERROR_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EPIPE',
	'ENOTFOUND',
	'EHOSTUNREACH',
	'57P01', // admin_shutdown
	'57P02', // crash_shutdown
	'57P03', // cannot_connect_now
	'08000',
	'08003',
	'08006',
	'08001',
	'08004'
]);

/** True when `err` (or its cause) means the database cannot be reached, as opposed to a bad query. */
export function isDatabaseUnavailable(err: unknown): boolean {
	for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
		if (typeof e !== 'object') return false;
		const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
		if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
		if (
			typeof message === 'string' &&
			/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(
				message
			)
		)
			return true;
		e = cause;
	}
	return false;
}

/**
 * Runs `fn` in a transaction on one pooled client, giving it both drizzle and the raw client (pg-boss's `db`
 * option needs the raw client so its job insert commits or rolls back with our rows).
 */
export async function withClientTransaction<T>(
	pool: pg.Pool,
	fn: (tx: Database, client: pg.PoolClient) => Promise<T>
): Promise<T> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		const result = await fn(drizzle(client, { schema }), client);
		await client.query('COMMIT');
		return result;
	} catch (err) {
		await client.query('ROLLBACK').catch(() => undefined);
		throw err;
	} finally {
		client.release();
	}
}
