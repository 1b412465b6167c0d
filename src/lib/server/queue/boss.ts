import PgBoss from 'pg-boss';
import type pg from 'pg';
import { PGBOSS_SCHEMA, QUEUES } from './names';

export interface QueueOptions {
	applicationName: string;
	/** Workers supervise (expire, archive) and run schedules; the web process only sends. */
	role: 'worker' | 'sender';
	max?: number;
}

/** A started pg-boss on `url`, with Hunch's queues created (idempotent; safe from many processes at once). */
export async function startQueue(url: string, options: QueueOptions): Promise<PgBoss> {
	const boss = new PgBoss({
		connectionString: url,
		schema: PGBOSS_SCHEMA,
		application_name: options.applicationName,
		max: options.max ?? 4,
		supervise: options.role === 'worker',
		schedule: options.role === 'worker'
	});
	await boss.start();
	await boss.createQueue(QUEUES.maintenance, {
		name: QUEUES.maintenance,
		policy: 'singleton',
		retryLimit: 0
	});
	// Runs are never retried by pg-boss: a run whose worker dies is put back by Hunch's own recovery (which
	// knows within seconds, from worker heartbeats), and the job is only a wake-up call carrying the attempt.
	await boss.createQueue(QUEUES.trainRun, { name: QUEUES.trainRun, retryLimit: 0 });
	return boss;
}

/** pg-boss's `db` option: run its insert on our transaction's client, so the job commits with our rows. */
export function onClient(client: pg.PoolClient | pg.Client) {
	return {
		executeSql: (text: string, values?: unknown[]) => client.query(text, values)
	};
}
