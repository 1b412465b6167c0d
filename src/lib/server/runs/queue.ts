import type PgBoss from 'pg-boss';
import type pg from 'pg';
import { onClient } from '../queue/boss';
import { QUEUES } from '../queue/names';

export interface TrainRunJob {
	runId: string;
	/** The run's attempt when the job was sent; a job whose attempt no longer matches is stale and skipped. */
	attempt: number;
}

/**
 * Sends a run's job on `client`, inside the caller's transaction. Jobs expire long after the run's budget;
 * a worker that dies is noticed by heartbeat (seconds), not by expiry.
 */
export async function enqueueRun(
	boss: PgBoss,
	client: pg.PoolClient,
	runId: string,
	attempt: number,
	timeLimitSeconds: number
): Promise<void> {
	const data: TrainRunJob = { runId, attempt };
	const id = await boss.send(QUEUES.trainRun, data, {
		db: onClient(client),
		retryLimit: 0,
		expireInSeconds: Math.ceil(timeLimitSeconds + 2 * 3600)
	});
	if (!id) throw new Error(`The job queue refused the run's job (queue "${QUEUES.trainRun}" missing?).`);
}
