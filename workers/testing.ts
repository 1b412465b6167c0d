/** What the worker integration tests share: in-process workers, starting a run, waiting on it. */
import type PgBoss from 'pg-boss';
import type { Database, DbHandle } from '../src/lib/server/db';
import { parseRunRequest } from '../src/lib/server/runs/settings';
import { createRun, getRun, type RunSummary } from '../src/lib/server/runs/store';
import { startWorker, type RunningWorker, type WorkerOptions } from './start-worker';

/** Workers for one test file: quick polling, one thread, silent; `stopAll` after each test that starts some. */
export function testWorkers(databaseUrl: () => string, defaults: Partial<WorkerOptions> = {}) {
	const running: RunningWorker[] = [];
	return {
		async start(options: Partial<WorkerOptions> = {}): Promise<RunningWorker> {
			const worker = await startWorker({
				databaseUrl: databaseUrl(),
				log: () => undefined,
				pollingIntervalSeconds: 0.5,
				threads: 1,
				recoveryIntervalMs: 1000,
				...defaults,
				...options
			});
			running.push(worker);
			return worker;
		},
		async stopAll(): Promise<void> {
			await Promise.all(running.splice(0).map((w) => w.stop(10_000)));
		}
	};
}

/** Creates a run as the API would, from a request body checked against the dataset's columns. */
export async function startTestRun(
	handle: DbHandle,
	sender: PgBoss,
	owner: string,
	dataset: string,
	body: Record<string, unknown>
) {
	const { columns } = (await handle.db.query.datasets.findFirst({
		where: (d, { eq }) => eq(d.id, dataset)
	}))!;
	return createRun(handle, sender, owner, dataset, parseRunRequest(body, columns));
}

/** Polls the run (as its owner) until `done` holds; throws with the run's state after `timeoutMs`. */
export async function waitForRun(
	db: Database,
	owner: string,
	id: string,
	done: (run: RunSummary) => boolean,
	timeoutMs = 90_000
): Promise<RunSummary> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const run = (await getRun(db, owner, id))!;
		if (done(run)) return run;
		if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status}: ${JSON.stringify(run)}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

export const runFinished = (run: RunSummary) => !['queued', 'running'].includes(run.status);
