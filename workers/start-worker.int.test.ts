import { BACKEND_NAMES } from '../src/lib/engine/nn/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, generateSessionToken } from '../src/lib/server/auth/session';
import { users } from '../src/lib/server/db/schema';
import { checkHealth } from '../src/lib/server/health';
import { QUEUES } from '../src/lib/server/queue/names';
import { onlineWorkers } from '../src/lib/server/queue/workers-registry';
import { createTestDatabase, type TestDatabase } from '../src/lib/server/testing/database';
import { startWorker, type RunningWorker } from './start-worker';

let t: TestDatabase;
let worker: RunningWorker;

beforeAll(async () => {
	t = await createTestDatabase();
	worker = await startWorker({ databaseUrl: t.url, log: () => undefined, pollingIntervalSeconds: 0.5 });
});
afterAll(async () => {
	await worker?.stop(5_000);
	await t.drop();
});

describe('worker', () => {
	it('registers, heart-beats and shows in the health report', async () => {
		const online = await onlineWorkers(t.db);
		expect(online.map((w) => w.id)).toContain(worker.id);
		const health = await checkHealth(t.db);
		expect(health).toMatchObject({
			status: 'ok',
			database: { ok: true },
			queue: { ok: true },
			workers: { online: 1 }
		});
		// The TensorFlow.js backend the worker loaded (wasm on a machine without native TensorFlow).
		expect(BACKEND_NAMES).toContain(health.computeBackend);
	});

	it('runs a maintenance job from the queue and removes expired sessions', async () => {
		const [u] = await t.db.insert(users).values({ email: 'w@example.com', passwordHash: 'x' }).returning();
		await createSession(t.db, generateSessionToken(), u.id, new Date(Date.now() - 60 * 24 * 3600 * 1000));
		const jobId = await worker.boss.send(QUEUES.maintenance, {});
		expect(jobId).toBeTruthy();
		let job = await worker.boss.getJobById(QUEUES.maintenance, jobId!);
		for (let i = 0; i < 60 && job?.state !== 'completed'; i++) {
			await new Promise((r) => setTimeout(r, 250));
			job = await worker.boss.getJobById(QUEUES.maintenance, jobId!);
		}
		expect(job?.state).toBe('completed');
		expect(job?.output).toMatchObject({ expiredSessions: 1 });
	});

	it('is no longer online once stopped', async () => {
		await worker.stop(5_000);
		expect((await onlineWorkers(t.db)).map((w) => w.id)).not.toContain(worker.id);
		expect((await checkHealth(t.db)).status).toBe('degraded');
	});
});
