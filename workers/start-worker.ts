import os from 'node:os';
import { randomBytes } from 'node:crypto';
import PgBoss from 'pg-boss';
import { createDb } from '../src/lib/server/db';
import { HEARTBEAT_INTERVAL_MS, PGBOSS_SCHEMA, QUEUES } from '../src/lib/server/queue/names';
import { heartbeat, markWorkerStopped, registerWorker } from '../src/lib/server/queue/workers-registry';
import { runMaintenance } from './jobs/maintenance';

export interface WorkerOptions {
	databaseUrl: string;
	log?: (message: string) => void;
	/** How often to poll for jobs; pg-boss's minimum is half a second. */
	pollingIntervalSeconds?: number;
}

export interface RunningWorker {
	id: string;
	boss: PgBoss;
	/** Stops fetching, lets running jobs finish (up to `timeoutMs`), marks the worker stopped. */
	stop(timeoutMs?: number): Promise<void>;
}

/**
 * Starts one worker: registers it, heart-beats every few seconds (pg-boss 10 has no job heartbeat, so this is
 * how the rest of Hunch knows the worker is alive), and serves every queue. The job handlers are plain
 * functions in ./jobs; this module only routes.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
	const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
	const id = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
	const handle = createDb(options.databaseUrl, { max: 4, applicationName: 'hunch-worker' });
	const boss = new PgBoss({
		connectionString: options.databaseUrl,
		schema: PGBOSS_SCHEMA,
		application_name: 'hunch-worker-queue',
		max: 4
	});
	boss.on('error', (err) => log(`queue error: ${err.message}`));
	await boss.start();

	await registerWorker(handle.db, { id, hostname: os.hostname(), pid: process.pid, computeBackend: null });
	let beating = true;
	const beat = setInterval(() => {
		if (!beating) return;
		heartbeat(handle.db, id).catch((err: Error) => log(`heartbeat failed: ${err.message}`));
	}, HEARTBEAT_INTERVAL_MS);
	beat.unref();

	await boss.createQueue(QUEUES.maintenance, {
		name: QUEUES.maintenance,
		policy: 'singleton',
		retryLimit: 0
	});
	await boss.schedule(QUEUES.maintenance, '* * * * *');
	await boss.work(
		QUEUES.maintenance,
		{ pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
		async () => {
			const result = await runMaintenance(handle.db);
			if (result.expiredSessions || result.prunedWorkers) {
				log(`maintenance: ${JSON.stringify(result)}`);
			}
			return result;
		}
	);
	log(`worker ${id} is ready`);

	let stopping: Promise<void> | undefined;
	return {
		id,
		boss,
		stop(timeoutMs = 20_000) {
			stopping ??= (async () => {
				beating = false;
				clearInterval(beat);
				// `graceful` waits for active handlers; jobs still running at the timeout are failed for retry.
				await boss.stop({ graceful: true, wait: true, timeout: timeoutMs }).catch(() => undefined);
				await markWorkerStopped(handle.db, id).catch(() => undefined);
				await handle.close();
				log(`worker ${id} stopped`);
			})();
			return stopping;
		}
	};
}
