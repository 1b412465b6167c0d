import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { createDb } from '../src/lib/server/db';
import { startQueue } from '../src/lib/server/queue/boss';
import { HEARTBEAT_INTERVAL_MS, QUEUES, RECOVERY_INTERVAL_MS } from '../src/lib/server/queue/names';
import { heartbeat, markWorkerStopped, registerWorker } from '../src/lib/server/queue/workers-registry';
import { executeRun } from '../src/lib/server/runs/execute';
import { recoverOrphanedRuns } from '../src/lib/server/runs/lifecycle';
import { workerMemoryBudgetBytes } from '../src/lib/server/runs/memory';
import type { TrainRunJob } from '../src/lib/server/runs/queue';
import { runMaintenance } from './jobs/maintenance';
import { setWorkerBusy } from '../src/lib/server/runs/fold-tasks';
import { startFoldHelper } from '../src/lib/server/runs/fold-helper';
import { computeBackend, describeBackend } from '../src/lib/engine/nn/backend';

export interface WorkerOptions {
	databaseUrl: string;
	log?: (message: string) => void;
	/** How often to poll for jobs; pg-boss's minimum is half a second. */
	pollingIntervalSeconds?: number;
	/** Fitting threads per run (default `HUNCH_WORKER_THREADS`, else every core). */
	threads?: number;
	/** Memory a run may use (default `HUNCH_WORKER_MEMORY_MB`, else three quarters of the machine's). */
	memoryBudgetBytes?: number;
	/** How often to look for runs whose worker died (default 10 s). */
	recoveryIntervalMs?: number;
	/** Lend this worker's threads to other workers' runs while it coordinates none (default true). */
	helpOtherRuns?: boolean;
	/** How often an idle worker looks for folds to fit (ms, default 250). */
	helperPollMs?: number;
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
	const boss = await startQueue(options.databaseUrl, {
		applicationName: 'hunch-worker-queue',
		role: 'worker'
	});
	boss.on('error', (err) => log(`queue error: ${err.message}`));

	// Neural models need TensorFlow.js: the backend is chosen once, said here and shown in /healthz.
	const backend = await computeBackend().catch((err: Error) => {
		log(`no TensorFlow.js backend: ${err.message}`);
		return null;
	});
	if (backend) log(`TensorFlow.js backend: ${describeBackend(backend)}`);
	const threads = Math.max(
		1,
		options.threads ?? (Number(process.env.HUNCH_WORKER_THREADS) || os.availableParallelism())
	);
	await registerWorker(handle.db, {
		id,
		hostname: os.hostname(),
		pid: process.pid,
		computeBackend: backend?.name ?? null,
		threads
	});
	let beating = true;
	const beat = setInterval(() => {
		if (!beating) return;
		heartbeat(handle.db, id).catch((err: Error) =>
			// drizzle's "Failed query: …" says which statement; its cause says why (a timeout, a lost connection).
			log(`heartbeat failed: ${err.cause instanceof Error ? err.cause.message : err.message}`)
		);
	}, HEARTBEAT_INTERVAL_MS);
	beat.unref();

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

	// Runs: one at a time per worker (a run uses every thread); a shutdown puts the current one back in the queue.
	// While it coordinates none, the worker lends its threads to other workers' runs (fold-helper.ts).
	const shuttingDown = new AbortController();
	const memoryBudgetBytes = options.memoryBudgetBytes ?? workerMemoryBudgetBytes();
	const runContext = {
		handle,
		boss,
		workerId: id,
		threads,
		memoryBudgetBytes,
		stopping: shuttingDown.signal,
		log
	};
	let coordinating = 0;
	await boss.work<TrainRunJob>(
		QUEUES.trainRun,
		{ pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
		async ([job]) => {
			coordinating++;
			await setWorkerBusy(handle.db, id, job.data.runId).catch(() => undefined);
			try {
				return { outcome: await executeRun(runContext, job.data) };
			} finally {
				coordinating--;
				await setWorkerBusy(handle.db, id, null).catch(() => undefined);
			}
		}
	);
	const helper =
		options.helpOtherRuns === false
			? null
			: startFoldHelper({
					db: handle.db,
					workerId: id,
					threads,
					memoryBudgetBytes,
					isBusy: () => coordinating > 0 || shuttingDown.signal.aborted,
					pollMs: options.helperPollMs,
					log
				});

	// A run whose worker stopped heart-beating goes back to the queue within WORKER_STALE_SECONDS + this.
	const recover = () =>
		recoverOrphanedRuns(handle, boss).then(
			(r) => {
				if (r.requeued.length || r.failed.length) log(`recovered runs: ${JSON.stringify(r)}`);
			},
			(err: Error) => log(`run recovery failed: ${err.message}`)
		);
	await recover();
	const recovery = setInterval(recover, options.recoveryIntervalMs ?? RECOVERY_INTERVAL_MS);
	recovery.unref();
	log(`worker ${id} is ready (${threads} thread${threads === 1 ? '' : 's'})`);

	let stopping: Promise<void> | undefined;
	return {
		id,
		boss,
		stop(timeoutMs = 20_000) {
			stopping ??= (async () => {
				clearInterval(recovery);
				shuttingDown.abort();
				await helper?.stop();
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
