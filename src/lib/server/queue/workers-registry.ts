import { desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db';
import { workers } from '../db/schema';
import { WORKER_STALE_SECONDS } from './names';

export interface WorkerIdentity {
	id: string;
	hostname: string;
	pid: number;
	computeBackend: string | null;
	/** Fitting threads it may lend to other workers' runs. */
	threads: number;
}

export async function registerWorker(db: Database, worker: WorkerIdentity): Promise<void> {
	await db
		.insert(workers)
		.values({ ...worker })
		.onConflictDoUpdate({
			target: workers.id,
			set: {
				lastSeenAt: sql`now()`,
				stoppedAt: null,
				computeBackend: worker.computeBackend,
				threads: worker.threads,
				busyRunId: null
			}
		});
}

export async function heartbeat(db: Database, workerId: string): Promise<void> {
	await db
		.update(workers)
		.set({ lastSeenAt: sql`now()` })
		.where(eq(workers.id, workerId));
}

export async function markWorkerStopped(db: Database, workerId: string): Promise<void> {
	await db
		.update(workers)
		.set({ stoppedAt: sql`now()` })
		.where(eq(workers.id, workerId));
}

export interface OnlineWorker {
	id: string;
	hostname: string;
	pid: number;
	computeBackend: string | null;
	lastSeenAt: Date;
}

/**
 * SQL condition on the `workers` table: the worker is live — not stopped, and heart-beaten within the last
 * `staleSeconds`. The one definition of liveness for /healthz, run recovery and shared folds.
 */
export function isLiveWorker(staleSeconds: number = WORKER_STALE_SECONDS): SQL {
	return sql`(${workers.stoppedAt} IS NULL AND ${workers.lastSeenAt} > now() - make_interval(secs => ${staleSeconds}))`;
}

export async function onlineWorkers(db: Database): Promise<OnlineWorker[]> {
	return db
		.select({
			id: workers.id,
			hostname: workers.hostname,
			pid: workers.pid,
			computeBackend: workers.computeBackend,
			lastSeenAt: workers.lastSeenAt
		})
		.from(workers)
		.where(isLiveWorker())
		.orderBy(desc(workers.lastSeenAt));
}

/** Forgets workers that stopped or vanished more than a day ago. */
export async function pruneWorkers(db: Database): Promise<number> {
	const removed = await db
		.delete(workers)
		.where(lt(workers.lastSeenAt, sql`now() - interval '1 day'`))
		.returning({ id: workers.id });
	return removed.length;
}
