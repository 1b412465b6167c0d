import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DATASETS } from '../src/lib/engine/samples/samples';
import { startApp, type RunningApp } from '../src/lib/server/testing/app';

/**
 * The runs API on the production build, with the worker `npm start` runs: create, watch over server-sent
 * events, cancel, re-run; every bad request answered 400 naming the field; another user sees nothing.
 */
let app: RunningApp;
let alice: string;
let bob: string;
let datasetId: string;

async function api(cookie: string, method: string, path: string, body?: unknown) {
	const res = await fetch(app.base + path, {
		method,
		headers: { cookie, origin: app.base, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

async function waitUntilDone(id: string, timeoutMs = 90_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const { body } = await api(alice, 'GET', `/api/v1/runs/${id}`);
		if (!['queued', 'running'].includes(body.status)) return body;
		if (Date.now() > deadline) throw new Error(`run still ${body.status}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

beforeAll(async () => {
	app = await startApp();
	alice = await app.signUp('alice-runs@example.com');
	bob = await app.signUp('bob-runs@example.com');
	const csv = SAMPLE_DATASETS.find((s) => s.id === 'customer-churn')!.csv();
	const form = new FormData();
	form.append('file', new Blob([csv]), 'churn.csv');
	const res = await fetch(app.base + '/api/v1/datasets', {
		method: 'POST',
		headers: { cookie: alice, origin: app.base },
		body: form
	});
	datasetId = (await res.json()).id;
}, 200_000);
afterAll(async () => {
	await app?.stop();
});

describe('runs API', () => {
	it('refuses bad requests with a 400 that names the field', async () => {
		const cases: [Record<string, unknown>, string, RegExp][] = [
			[{ target: 'churned' }, 'datasetId', /Choose a dataset/],
			[{ datasetId, target: 'nope' }, 'target', /no column "nope"/],
			[
				{ datasetId, target: 'churned', timeLimitSeconds: 0 },
				'timeLimitSeconds',
				/between 10 seconds and 24 hours/
			],
			[
				{ datasetId, target: 'churned', timeLimitSeconds: 864_000 },
				'timeLimitSeconds',
				/864000 seconds was asked/
			],
			[{ datasetId, target: 'churned', metric: 'speed' }, 'metric', /"metric" must be auto or one of/],
			[{ datasetId, target: 'churned', task: 'clustering' }, 'task', /must be auto, binary/],
			[{ datasetId, target: 'churned', excludeColumns: ['ghost'] }, 'excludeColumns', /no column "ghost"/],
			[{ datasetId, target: 'churned', models: ['svm'] }, 'models', /"svm" is not a model family/],
			[
				{ datasetId, target: 'churned', validation: { kind: 'time', column: 'contract' } },
				'validation.column',
				/not dates or numbers/
			]
		];
		for (const [body, field, message] of cases) {
			const res = await api(alice, 'POST', '/api/v1/runs', body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.body.error.details.field).toBe(field);
			expect(res.body.error.message).toMatch(message);
		}
		const notJson = await fetch(app.base + '/api/v1/runs', {
			method: 'POST',
			headers: { cookie: alice, origin: app.base, 'content-type': 'text/plain' },
			body: 'hello'
		});
		expect(notJson.status).toBe(415);
	});

	it('answers a target check for the wizard, and a 400 with the reason for an unusable target', async () => {
		const ok = await api(alice, 'GET', `/api/v1/datasets/${datasetId}/target?column=churned`);
		expect(ok.status).toBe(200);
		expect(ok.body).toMatchObject({ task: 'binary', rows: 2000 });
		expect(ok.body.suggestedExclusions).toContainEqual(expect.objectContaining({ column: 'customer_id' }));
		const bad = await api(alice, 'GET', `/api/v1/datasets/${datasetId}/target?column=nope`);
		expect(bad.status).toBe(400);
		expect(bad.body.error.details.field).toBe('column');
		expect((await api(bob, 'GET', `/api/v1/datasets/${datasetId}/target?column=churned`)).status).toBe(404);
	});

	it('creates a run (202), streams its progress, and ends with a model; another user sees none of it', async () => {
		const created = await api(alice, 'POST', '/api/v1/runs', {
			datasetId,
			target: 'churned',
			timeLimitSeconds: 30,
			maxTrials: 3
		});
		expect(created.status).toBe(202);
		expect(created.headers.get('location')).toBe(`/api/v1/runs/${created.body.id}`);
		const id = created.body.id;

		// The event stream sends the run at once and after every change, then closes when it ends.
		const stream = await fetch(`${app.base}/api/v1/runs/${id}/events`, { headers: { cookie: alice } });
		expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
		const text = await stream.text();
		const events = text
			.split('\n\n')
			.filter((e) => e.startsWith('event: run'))
			.map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)));
		expect(events.length).toBeGreaterThanOrEqual(2);
		expect(events.at(-1).status).toBe('succeeded');
		const counts = events.map((e) => e.trials.length);
		expect(counts).toEqual([...counts].sort((a, b) => a - b));

		const run = await waitUntilDone(id);
		expect(run).toMatchObject({
			status: 'succeeded',
			progress: { trials: 3, task: 'binary', metric: 'auc' }
		});
		expect(run.leaderboard.map((t: { rank: number }) => t.rank)).toEqual([1, 2, 3]);
		expect(run.leaderboard[0].score).toBeGreaterThanOrEqual(run.leaderboard[2].score);
		const model = await api(alice, 'GET', `/api/v1/models/${run.modelId}`);
		expect(model.status).toBe(200);
		expect(model.body).toMatchObject({ target: 'churned', task: 'binary', metric: 'auc' });
		expect(model.body.summary.leaderboard).toHaveLength(3);

		expect((await api(bob, 'GET', `/api/v1/runs/${id}`)).status).toBe(404);
		expect((await api(bob, 'GET', `/api/v1/runs/${id}/events`)).status).toBe(404);
		expect((await api(bob, 'POST', `/api/v1/runs/${id}/cancel`)).status).toBe(404);
		expect((await api(bob, 'POST', `/api/v1/runs/${id}/rerun`)).status).toBe(404);
		expect((await api(bob, 'GET', `/api/v1/models/${run.modelId}`)).status).toBe(404);
		expect((await api(bob, 'GET', '/api/v1/runs')).body.runs).toEqual([]);
		expect((await api(bob, 'POST', '/api/v1/runs', { datasetId, target: 'churned' })).status).toBe(404);

		// Re-run with a change; cancelling a finished run is a 409.
		expect((await api(alice, 'POST', `/api/v1/runs/${id}/cancel`)).status).toBe(409);
		const rerun = await api(alice, 'POST', `/api/v1/runs/${id}/rerun`, { maxTrials: 1, seed: 5 });
		expect(rerun.status).toBe(202);
		const second = await waitUntilDone(rerun.body.id);
		expect(second).toMatchObject({ status: 'succeeded', rerunOf: id, settings: { seed: 5, maxTrials: 1 } });
	}, 120_000);

	it('cancels a queued or running run at once', async () => {
		const created = await api(alice, 'POST', '/api/v1/runs', {
			datasetId,
			target: 'churned',
			timeLimitSeconds: 600
		});
		const cancel = await api(alice, 'POST', `/api/v1/runs/${created.body.id}/cancel`);
		expect(cancel.status).toBe(202);
		const run = await waitUntilDone(created.body.id, 20_000);
		expect(run.status).toBe('cancelled');
	});
});
