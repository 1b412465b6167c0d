import { sql } from 'drizzle-orm';
import type { Database } from './db';
import { PGBOSS_SCHEMA } from './queue/names';
import { onlineWorkers } from './queue/workers-registry';

export interface HealthReport {
	status: 'ok' | 'degraded' | 'down';
	database: { ok: boolean; latencyMs?: number; error?: string };
	queue: { ok: boolean; queued?: number; active?: number; error?: string };
	workers: { online: number; list: { id: string; hostname: string; lastSeenAt: string }[] };
	/** TensorFlow.js backend reported by the workers; null until a worker has loaded one. */
	computeBackend: string | null;
}

/** What /healthz reports. Never throws: a failing part is reported as such. */
export async function checkHealth(db: Database): Promise<HealthReport> {
	const started = performance.now();
	try {
		await db.execute(sql`SELECT 1`);
	} catch (err) {
		return {
			status: 'down',
			database: { ok: false, error: err instanceof Error ? err.message : String(err) },
			queue: { ok: false, error: 'database unreachable' },
			workers: { online: 0, list: [] },
			computeBackend: null
		};
	}
	const database = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };

	let queue: HealthReport['queue'];
	try {
		const installed = await db.execute<{ present: boolean }>(
			sql`SELECT to_regclass(${PGBOSS_SCHEMA + '.job'}) IS NOT NULL AS present`
		);
		if (!installed.rows[0]?.present) {
			queue = { ok: false, error: 'The job queue is not installed yet: no worker has started.' };
		} else {
			const counts = await db.execute<{ queued: number; active: number }>(sql`
				SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued,
				       count(*) FILTER (WHERE state = 'active')::int AS active
				FROM ${sql.identifier(PGBOSS_SCHEMA)}.job`);
			queue = { ok: true, ...counts.rows[0] };
		}
	} catch (err) {
		queue = { ok: false, error: err instanceof Error ? err.message : String(err) };
	}

	const online = await onlineWorkers(db);
	return {
		status: queue.ok && online.length > 0 ? 'ok' : 'degraded',
		database,
		queue,
		workers: {
			online: online.length,
			list: online.map((w) => ({ id: w.id, hostname: w.hostname, lastSeenAt: w.lastSeenAt.toISOString() }))
		},
		computeBackend: online.find((w) => w.computeBackend)?.computeBackend ?? null
	};
}
