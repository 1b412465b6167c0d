import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { models } from '../db/schema';
import { createUser } from '../testing/fixtures';
import { createTestDatabase, type TestDatabase } from '../testing/database';
import { deleteOldPredictionLog, deploymentUsage, PredictionLogWriter } from './prediction-log';
import { createDeployment } from './store';

/** The prediction log on a real PostgreSQL: batched writes, usage buckets and percentiles, retention. */
let t: TestDatabase;
let deploymentId: string;

beforeAll(async () => {
	t = await createTestDatabase();
	const owner = await createUser(t.db, 'log');
	// The log never reads the model: a row with placeholder bytes is enough to publish.
	const [model] = await t.db
		.insert(models)
		.values({
			ownerId: owner,
			datasetName: 'd',
			name: 'm',
			target: 'y',
			task: 'binary',
			metric: 'auc',
			score: 0.8,
			metrics: {},
			summary: {} as never,
			artifact: Buffer.from('not read'),
			artifactBytes: 8
		})
		.returning({ id: models.id });
	const created = await createDeployment(t.db, owner, { modelId: model.id });
	if (!created.ok) throw new Error(created.reason);
	deploymentId = created.deployment.id;
});
afterAll(() => t?.drop());

describe('prediction log', () => {
	it('writes buffered entries in one batch and sums them into time buckets with latency percentiles', async () => {
		const writer = new PredictionLogWriter(t.db, 60_000);
		const now = Date.now();
		for (let i = 0; i < 100; i++)
			writer.record({
				deploymentId,
				version: 1,
				keyId: null,
				at: new Date(now - (i % 2) * 3600_000),
				status: i < 90 ? 200 : 400,
				rows: i < 90 ? 10 : 0,
				latencyMs: i + 1,
				errorCode: i < 90 ? null : 'validation_failed'
			});
		await writer.flush();
		const usage = await deploymentUsage(t.db, deploymentId, 24, 24);
		expect(usage.totals).toMatchObject({ requests: 100, rows: 900, errors: 10 });
		// Percentiles of the answered requests only (latencies 1..90).
		expect(usage.totals.p50Ms).toBeCloseTo(45.5, 5);
		expect(usage.totals.p95Ms).toBeCloseTo(85.55, 5);
		expect(usage.buckets).toHaveLength(24);
		const busy = usage.buckets.filter((b) => b.requests > 0);
		expect(busy.map((b) => b.requests)).toEqual([50, 50]);
		expect(busy[1].at > busy[0].at).toBe(true);
	});

	it('keeps entries until they are older than the retention, then deletes them', async () => {
		const writer = new PredictionLogWriter(t.db);
		const old = new Date(Date.now() - 40 * 86_400_000);
		writer.record({
			deploymentId,
			version: 1,
			keyId: null,
			at: old,
			status: 200,
			rows: 1,
			latencyMs: 1,
			errorCode: null
		});
		await writer.flush();
		expect(await deleteOldPredictionLog(t.db, new Date(), 30)).toBe(1);
		expect(await deleteOldPredictionLog(t.db, new Date(), 30)).toBe(0);
		expect((await deploymentUsage(t.db, deploymentId, 24)).totals.requests).toBe(100);
	});
});
