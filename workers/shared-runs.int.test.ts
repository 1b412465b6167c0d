/**
 * One run's trials spread over several workers, on a real PostgreSQL: idle workers fit folds the coordinator
 * offers, the result is the same as on one worker, a helper killed with -9 costs the run nothing, and a helper
 * that cannot rebuild the run's folds says why and is not asked again.
 */
import { and, eq, ne } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inThreadRunner } from '../src/lib/engine/automl/trial-runner';
import { foldTasks, runs, trials } from '../src/lib/server/db/schema';
import { startQueue } from '../src/lib/server/queue/boss';
import { markWorkerStopped, registerWorker } from '../src/lib/server/queue/workers-registry';
import { startFoldHelper } from '../src/lib/server/runs/fold-helper';
import {
	claimFoldTasks,
	deleteOrphanedFoldTasks,
	idleHelperThreads,
	offerFoldTasks,
	readFoldTasks,
	setWorkerBusy,
	takeBackFoldTask
} from '../src/lib/server/runs/fold-tasks';
import type { RunSummary } from '../src/lib/server/runs/store';
import { createTestDatabase, type TestDatabase } from '../src/lib/server/testing/database';
import { churnCsv, createUser, datasetFromCsv } from '../src/lib/server/testing/fixtures';
import { TS_NODE_ARGS, cleanEnv, spawnNode } from '../src/lib/server/testing/processes';
import { runFinished, startTestRun, testWorkers, waitForRun } from './testing';

let t: TestDatabase;
let sender: PgBoss;
let owner: string;
let small: string;
let large: string;
const workers = testWorkers(() => t.url, { helperPollMs: 50 });
const worker = workers.start;
const stopWorkers = workers.stopAll;

const startRun = (body: Record<string, unknown>, dataset: string) =>
	startTestRun(t, sender, owner, dataset, body);
const waitFor = (id: string, done: (run: RunSummary) => boolean, timeoutMs = 120_000) =>
	waitForRun(t.db, owner, id, done, timeoutMs);
const finished = runFinished;

async function scores(runId: string) {
	const rows = await t.db.select().from(trials).where(eq(trials.runId, runId)).orderBy(trials.trial);
	return rows.map((r) => ({ trial: r.trial, family: r.family, score: r.score }));
}

beforeAll(async () => {
	t = await createTestDatabase();
	sender = await startQueue(t.url, { applicationName: 'test-sender', role: 'sender' });
	owner = await createUser(t.db, 'owner');
	small = (await datasetFromCsv(t.db, owner, churnCsv(3000), 'churn.csv')).id;
	large = (await datasetFromCsv(t.db, owner, churnCsv(30_000), 'churn-large.csv')).id;
});
afterEach(stopWorkers);
afterAll(async () => {
	await sender?.stop({ graceful: false }).catch(() => undefined);
	await t?.drop();
});

describe('a run shared by several workers', () => {
	it('has its folds fitted by an idle worker too, and finds exactly what one worker finds', async () => {
		const settings = {
			target: 'churned',
			timeLimitSeconds: 120,
			maxTrials: 6,
			seed: 7,
			models: ['linear', 'gbdt', 'random_forest']
		};
		await worker();
		const alone = await waitFor((await startRun(settings, small)).id, finished);
		expect(alone.status).toBe('succeeded');
		expect(Object.keys(alone.progress.foldsByWorker ?? {})).toHaveLength(1);

		await worker();
		const shared = await waitFor((await startRun(settings, small)).id, finished);
		expect(shared.status).toBe('succeeded');
		const byWorker = shared.progress.foldsByWorker ?? {};
		expect(Object.keys(byWorker)).toHaveLength(2);
		expect(Object.values(byWorker).every((n) => n > 0)).toBe(true);
		expect(await scores(shared.id)).toEqual(await scores(alone.id));
		// Nothing is left behind in the table once the run is over.
		expect(await t.db.select().from(foldTasks).where(eq(foldTasks.runId, shared.id))).toHaveLength(0);
	}, 240_000);

	it('refits the folds of a helper killed with -9 and still finishes the run', async () => {
		const messages: string[] = [];
		const coordinator = await worker({ log: (m) => messages.push(m) });
		const created = await startRun({ target: 'churned', timeLimitSeconds: 45, seed: 1 }, large);
		await waitFor(created.id, (r) => r.status === 'running');
		const helper = spawnNode(
			[...TS_NODE_ARGS, 'workers/worker.ts'],
			cleanEnv({ DATABASE_URL: t.url, HUNCH_WORKER_THREADS: '1' })
		);
		await helper.waitFor(/is ready/, 60_000);
		// Kill it while it is fitting one of the run's folds.
		const deadline = Date.now() + 40_000;
		for (;;) {
			const claimed = await t.db
				.select({ id: foldTasks.id })
				.from(foldTasks)
				.where(
					and(
						eq(foldTasks.runId, created.id),
						eq(foldTasks.status, 'claimed'),
						ne(foldTasks.workerId, coordinator.id)
					)
				);
			if (claimed.length) break;
			if (Date.now() > deadline) throw new Error('the helper never claimed a fold');
			await new Promise((r) => setTimeout(r, 20));
		}
		helper.child.kill('SIGKILL');
		await helper.exited;
		const run = await waitFor(created.id, finished, 120_000);
		expect(run).toMatchObject({ status: 'succeeded', attempt: 1 });
		expect(messages.some((m) => /stopped responding while fitting fold/.test(m))).toBe(true);
		const keys = (await scores(created.id)).map((s) => s.trial);
		expect(new Set(keys).size).toBe(keys.length);
	}, 240_000);
});

describe('fold tasks', () => {
	/** A run marked running under a registered, live (fake) coordinator, ready for offers. */
	async function runningRun(coordinatorId: string) {
		await registerWorker(t.db, {
			id: coordinatorId,
			hostname: 'test',
			pid: 1,
			computeBackend: null,
			threads: 1
		});
		const created = await startRun({ target: 'churned', timeLimitSeconds: 60 }, small);
		await t.db
			.update(runs)
			.set({ status: 'running', attempt: 1, workerId: coordinatorId })
			.where(eq(runs.id, created.id));
		return created.id;
	}
	const job = (fold: number) => ({
		job: { family: 'linear', params: {}, fold, seed: fold, foldCount: 5 },
		deadlineInMs: 60_000
	});

	it('go to exactly one side: taken back before a claim, or claimed before a take-back', async () => {
		const runId = await runningRun('coordinator-a');
		await registerWorker(t.db, {
			id: 'helper-a',
			hostname: 'test',
			pid: 2,
			computeBackend: null,
			threads: 1
		});
		const owner = { runId, attempt: 1, coordinatorId: 'coordinator-a', fingerprint: 'f' };
		const [first, second] = await offerFoldTasks(t.db, owner, [job(0), job(1)]);
		expect(await takeBackFoldTask(t.db, first)).toBe(true);
		const claimed = await claimFoldTasks(t.db, 'helper-a', 5);
		expect(claimed.map((c) => c.id)).toEqual([second]);
		expect(claimed[0].msLeft).toBeGreaterThan(50_000);
		expect(await takeBackFoldTask(t.db, second)).toBe(false);
		// A coordinator never claims its own folds.
		const [third] = await offerFoldTasks(t.db, owner, [job(2)]);
		expect(await claimFoldTasks(t.db, 'coordinator-a', 5)).toEqual([]);
		expect((await readFoldTasks(t.db, [second, third])).map((s) => s.state)).toEqual(['working', 'pending']);
		await t.db.update(runs).set({ status: 'failed' }).where(eq(runs.id, runId));
		expect(await claimFoldTasks(t.db, 'helper-a', 5)).toEqual([]);
	});

	it('are cleaned up once their run stops, and only idle live workers count as help', async () => {
		const runId = await runningRun('coordinator-c');
		const owner = { runId, attempt: 1, coordinatorId: 'coordinator-c', fingerprint: 'f' };
		const [kept] = await offerFoldTasks(t.db, owner, [job(0)]);
		const [stale] = await offerFoldTasks(t.db, { ...owner, attempt: 0 }, [job(1)]);
		// A task of an earlier attempt goes; the running attempt's stays.
		expect(await deleteOrphanedFoldTasks(t.db)).toBeGreaterThanOrEqual(1);
		expect((await readFoldTasks(t.db, [stale]))[0].state).toBe('abandoned');
		expect((await readFoldTasks(t.db, [kept]))[0].state).toBe('pending');
		await t.db.update(runs).set({ status: 'cancelled' }).where(eq(runs.id, runId));
		await deleteOrphanedFoldTasks(t.db);
		expect(await t.db.select().from(foldTasks).where(eq(foldTasks.runId, runId))).toEqual([]);

		// Every live worker here is idle except the coordinator marked busy; a stopped one does not count.
		await registerWorker(t.db, { id: 'idle-c', hostname: 'test', pid: 4, computeBackend: null, threads: 3 });
		await registerWorker(t.db, { id: 'gone-c', hostname: 'test', pid: 5, computeBackend: null, threads: 7 });
		await markWorkerStopped(t.db, 'gone-c');
		await setWorkerBusy(t.db, 'coordinator-c', runId);
		const idle = await idleHelperThreads(t.db, 'coordinator-c');
		await setWorkerBusy(t.db, 'idle-c', runId);
		expect(await idleHelperThreads(t.db, 'coordinator-c')).toBe(idle - 3);
	});

	it('fail with the reason when a helper builds other folds, and that run is not helped again', async () => {
		const runId = await runningRun('coordinator-b');
		const messages: string[] = [];
		await registerWorker(t.db, {
			id: 'helper-b',
			hostname: 'test',
			pid: 3,
			computeBackend: null,
			threads: 1
		});
		const helper = startFoldHelper({
			db: t.db,
			workerId: 'helper-b',
			threads: 1,
			memoryBudgetBytes: 4 * 1024 ** 3,
			isBusy: () => false,
			pollMs: 20,
			local: (setup) => inThreadRunner(setup.folds, setup.signal),
			log: (m) => messages.push(m)
		});
		try {
			const owner = { runId, attempt: 1, coordinatorId: 'coordinator-b', fingerprint: 'not-these-folds' };
			const [id] = await offerFoldTasks(t.db, owner, [job(0)]);
			let state;
			for (let i = 0; i < 300; i++) {
				[state] = await readFoldTasks(t.db, [id]);
				if (state.state !== 'pending' && state.state !== 'working') break;
				await new Promise((r) => setTimeout(r, 50));
			}
			expect(state).toMatchObject({ state: 'failed', workerId: 'helper-b' });
			expect(state?.state === 'failed' && state.error).toMatch(/built different folds/);
			expect(messages.some((m) => /cannot help with run/.test(m))).toBe(true);
			const [again] = await offerFoldTasks(t.db, owner, [job(1)]);
			await new Promise((r) => setTimeout(r, 500));
			expect((await readFoldTasks(t.db, [again]))[0].state).toBe('pending');
		} finally {
			await helper.stop();
			await t.db.update(runs).set({ status: 'failed' }).where(eq(runs.id, runId));
		}
	});
});
