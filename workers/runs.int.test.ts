/**
 * Runs end to end on a real PostgreSQL with real workers: queued → trained → model saved, and every way a run
 * can go wrong (cancel, dataset deleted, single-valued target, not enough memory, a worker killed with -9, a
 * worker shut down mid-run, many runs from two users).
 */
import { gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArtifact } from '../src/lib/engine/automl/artifact';
import { deleteDataset } from '../src/lib/server/datasets/store';
import { models, runs, trials } from '../src/lib/server/db/schema';
import { startQueue } from '../src/lib/server/queue/boss';
import { cancelRun, getRun, getRunDetail, type RunSummary } from '../src/lib/server/runs/store';
import { createTestDatabase, type TestDatabase } from '../src/lib/server/testing/database';
import { churnCsv, createUser, datasetFromCsv } from '../src/lib/server/testing/fixtures';
import { TS_NODE_ARGS, cleanEnv, spawnNode } from '../src/lib/server/testing/processes';
import { runFinished, startTestRun, testWorkers, waitForRun } from './testing';

let t: TestDatabase;
let sender: PgBoss;
let owner: string;
let datasetId: string;
const workers = testWorkers(() => t.url);
const worker = workers.start;
const stopWorkers = workers.stopAll;

const startRun = (body: Record<string, unknown>, user = owner, dataset = datasetId) =>
	startTestRun(t, sender, user, dataset, body);
const waitFor = (id: string, done: (run: RunSummary) => boolean, timeoutMs = 90_000, user = owner) =>
	waitForRun(t.db, user, id, done, timeoutMs);
const finished = runFinished;

beforeAll(async () => {
	t = await createTestDatabase();
	sender = await startQueue(t.url, { applicationName: 'test-sender', role: 'sender' });
	owner = await createUser(t.db, 'owner');
	datasetId = (await datasetFromCsv(t.db, owner, churnCsv(400), 'churn.csv')).id;
});
afterAll(async () => {
	await stopWorkers();
	await sender?.stop({ graceful: false }).catch(() => undefined);
	await t?.drop();
});

describe('a run on a worker', () => {
	it('trains, writes each trial as it finishes, and saves the model with the run', async () => {
		await worker();
		const created = await startRun({ target: 'churned', timeLimitSeconds: 60, maxTrials: 3 });
		expect(created.status).toBe('queued');
		const run = await waitFor(created.id, finished);
		expect(run).toMatchObject({ status: 'succeeded', error: null, attempt: 1 });
		expect(run.progress).toMatchObject({ task: 'binary', metric: 'auc', trials: 3 });
		const detail = (await getRunDetail(t.db, owner, run.id))!;
		expect(detail.trials.map((x) => x.trial)).toEqual([0, 1, 2]);
		expect(detail.trials.every((x) => x.score !== null && x.score > 0.5)).toBe(true);
		const [model] = await t.db.select().from(models).where(eq(models.id, run.modelId!));
		expect(model.ownerId).toBe(owner);
		const artifact = parseArtifact(gunzipSync(model.artifact).toString('utf8'));
		expect(artifact.leaderboard).toHaveLength(3);
		expect(model.score).toBeCloseTo(artifact.metrics.auc, 10);
		expect(run.bestScore).toBeCloseTo(model.score, 10);
	});

	it('is not visible to another user', async () => {
		const created = await startRun({ target: 'churned', timeLimitSeconds: 10, maxTrials: 1 });
		const stranger = await createUser(t.db, 'stranger');
		expect(await getRun(t.db, stranger, created.id)).toBeNull();
		expect(await cancelRun(t.db, stranger, created.id)).toBe('not_found');
		await waitFor(created.id, finished);
	});

	it('stops within seconds when cancelled, keeping the trials it finished', async () => {
		const created = await startRun({ target: 'churned', timeLimitSeconds: 120 });
		await waitFor(created.id, (r) => r.progress.trials >= 1);
		expect(await cancelRun(t.db, owner, created.id)).toBe('requested');
		const cancelledAt = Date.now();
		const run = await waitFor(created.id, finished, 15_000);
		expect(Date.now() - cancelledAt).toBeLessThan(10_000);
		expect(run.status).toBe('cancelled');
		expect(run.error).toMatch(/^Cancelled after \d+ trials?\.$/);
		const kept = await t.db.select().from(trials).where(eq(trials.runId, run.id));
		expect(kept.length).toBeGreaterThanOrEqual(1);
	});

	it('fails with a reason when its dataset is deleted during training', async () => {
		const doomed = (await datasetFromCsv(t.db, owner, churnCsv(400), 'doomed.csv')).id;
		const created = await startRun({ target: 'churned', timeLimitSeconds: 120 }, owner, doomed);
		// A finished trial, not just 'running': the worker marks a run running before it loads the dataset, and a
		// deletion in between is reported as "before training could start" (a busy CI machine saw that race).
		await waitFor(created.id, (r) => r.progress.trials >= 1);
		expect(await deleteDataset(t.db, owner, doomed)).toBe(true);
		const run = await waitFor(created.id, finished, 15_000);
		expect(run).toMatchObject({ status: 'failed', datasetId: null });
		expect(run.error).toBe('The dataset "doomed.csv" was deleted while the model was training.');
	});

	it('fails with a reason when the target has a single value', async () => {
		const csv = 'a,b,flag\n' + Array.from({ length: 50 }, (_, i) => `${i},${i % 7},yes`).join('\n');
		const single = (await datasetFromCsv(t.db, owner, csv, 'single.csv')).id;
		const created = await startRun({ target: 'flag', timeLimitSeconds: 10 }, owner, single);
		const run = await waitFor(created.id, finished);
		expect(run.status).toBe('failed');
		expect(run.error).toContain('has only one value ("yes")');
	});

	it('refuses up front, with what to change, a run that would not fit in memory', async () => {
		await stopWorkers();
		await worker({ memoryBudgetBytes: 50 * 1024 * 1024 });
		const created = await startRun({ target: 'churned', timeLimitSeconds: 10 });
		const run = await waitFor(created.id, finished);
		expect(run.status).toBe('failed');
		expect(run.error).toMatch(/needs about .* of memory, and this worker may use 0\.05 GB/);
		await stopWorkers();
	});
});

describe('nothing lost', () => {
	it('retries the run of a worker killed with -9 on another worker, keeping every trial once', async () => {
		await stopWorkers();
		const victim = spawnNode(
			[...TS_NODE_ARGS, 'workers/worker.ts'],
			cleanEnv({ DATABASE_URL: t.url, HUNCH_WORKER_THREADS: '1' })
		);
		await victim.waitFor(/is ready/, 60_000);
		const created = await startRun({ target: 'churned', timeLimitSeconds: 20 });
		await waitFor(created.id, (r) => r.progress.trials >= 2);
		victim.child.kill('SIGKILL');
		await victim.exited;
		const killedAt = Date.now();
		const before = await t.db.select().from(trials).where(eq(trials.runId, created.id));

		await worker();
		const resumed = await waitFor(created.id, (r) => r.attempt === 2, 60_000);
		// Heartbeats go stale after 30 s; recovery looks every second here (10 s by default).
		expect(Date.now() - killedAt).toBeLessThan(45_000);
		const run = await waitFor(resumed.id, finished, 120_000);
		expect(run.status).toBe('succeeded');
		const after = await t.db.select().from(trials).where(eq(trials.runId, created.id));
		for (const trial of before)
			expect(after).toContainEqual(expect.objectContaining({ attempt: 1, trial: trial.trial }));
		const keys = after.map((x) => `${x.attempt}/${x.trial}`);
		expect(new Set(keys).size).toBe(keys.length);
		const [row] = await t.db.select().from(runs).where(eq(runs.id, created.id));
		expect(row.spentSeconds).toBeGreaterThan(0);
		await stopWorkers();
	}, 180_000);

	it('puts a run back in the queue when its worker shuts down, and another worker finishes it', async () => {
		const first = await worker();
		const created = await startRun({ target: 'churned', timeLimitSeconds: 30 });
		await waitFor(created.id, (r) => r.progress.trials >= 1);
		await first.stop(10_000);
		const queued = (await getRun(t.db, owner, created.id))!;
		expect(queued.status).toBe('queued');
		expect(queued.progress.phase).toMatch(/Waiting for a worker/);
		await worker();
		const run = await waitFor(created.id, finished, 120_000);
		expect(run).toMatchObject({ status: 'succeeded', attempt: 2 });
		await stopWorkers();
	}, 180_000);

	it('queues five runs of one user and one of another in order, and finishes them all', async () => {
		const other = await createUser(t.db, 'other');
		const otherData = (await datasetFromCsv(t.db, other, churnCsv(300), 'other.csv')).id;
		const mine = [];
		for (let i = 0; i < 5; i++)
			mine.push(await startRun({ target: 'churned', timeLimitSeconds: 30, maxTrials: 1, seed: i }));
		const theirs = await startRun(
			{ target: 'churned', timeLimitSeconds: 30, maxTrials: 1 },
			other,
			otherData
		);
		const positions = await Promise.all(
			mine.map(async (r) => (await getRun(t.db, owner, r.id))!.queuePosition)
		);
		expect(positions).toEqual([1, 2, 3, 4, 5]);
		expect((await getRun(t.db, other, theirs.id))!.queuePosition).toBe(6);
		await worker();
		await worker();
		for (const r of mine) expect((await waitFor(r.id, finished)).status).toBe('succeeded');
		expect((await waitFor(theirs.id, finished, 90_000, other)).status).toBe('succeeded');
		await stopWorkers();
	}, 180_000);
});
