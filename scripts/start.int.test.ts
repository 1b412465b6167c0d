import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/lib/server/runtime/embedded-postgres';
import { SAMPLE_DATASETS } from '../src/lib/engine/samples/samples';
import { spawnHunch } from '../src/lib/server/testing/app';
import { cookieFrom, type Spawned } from '../src/lib/server/testing/processes';

/**
 * Runs `npm start`'s supervisor for real: embedded PostgreSQL, migrations, web server and worker. Checks what an
 * operator relies on: Ctrl-C stops everything cleanly, a restart keeps accounts and sessions, a second start on
 * the same data is refused, and the HTTP surface enforces its security rules on the production build.
 */
let dataDir: string;
let port: number;
let base: string;
let app: Spawned;

function startApp(): Spawned {
	return spawnHunch(dataDir, port);
}

async function form(pathname: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
	return fetch(base + pathname, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html',
			origin: base,
			...headers
		},
		body: new URLSearchParams(fields)
	});
}

beforeAll(async () => {
	dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hunch-start-'));
	port = await findFreePort();
	base = `http://localhost:${port}`;
	app = startApp();
	await app.waitFor(/Hunch is running/, 180_000);
	await app.waitFor(/worker .* is ready/);
}, 200_000);

afterAll(async () => {
	await app?.stop('SIGINT');
	await fs.rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
	let cookie: string;
	let apiKey: string;
	let runId: string;

	it('serves the landing page and reports database, queue and worker online', async () => {
		expect((await fetch(base + '/')).status).toBe(200);
		const health = await (await fetch(base + '/healthz')).json();
		expect(health).toMatchObject({ database: { ok: true }, queue: { ok: true }, workers: { online: 1 } });
	});

	it('signs up with a form post and lands on the datasets page', async () => {
		const res = await form('/signup', { email: 'owner@example.com', password: 'correct horse battery' });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/datasets');
		cookie = cookieFrom(res)!;
		expect(cookie).toMatch(/^hunch_session=[a-z2-7]{32}$/);
		const setCookie = res.headers.getSetCookie().join(';');
		expect(setCookie).toMatch(/HttpOnly/i);
		expect(setCookie).toMatch(/SameSite=Lax/i);
		const page = await fetch(base + '/datasets', { headers: { cookie } });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('No datasets yet');
	});

	it('redirects pages to the login without a session, and refuses a forged cookie', async () => {
		const anon = await fetch(base + '/settings', { redirect: 'manual' });
		expect(anon.status).toBe(303);
		expect(anon.headers.get('location')).toBe('/login?next=%2Fsettings');
		const forged = await fetch(base + '/settings', {
			redirect: 'manual',
			headers: { cookie: 'hunch_session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }
		});
		expect(forged.status).toBe(303);
	});

	it('refuses cross-site and origin-less form posts (CSRF)', async () => {
		const fields = { email: 'x@example.com', password: 'correct horse battery' };
		expect((await form('/signup', fields, { origin: 'https://evil.example' })).status).toBe(403);
		const noOrigin = await fetch(base + '/signup', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields)
		});
		expect(noOrigin.status).toBe(403);
		for (const type of ['TEXT/PLAIN', 'text/plain;charset=utf-8', 'multipart/form-data; boundary=x']) {
			const res = await fetch(base + '/login', {
				method: 'POST',
				headers: { 'content-type': type, origin: 'https://evil.example', cookie },
				body: 'email=x'
			});
			expect(res.status, type).toBe(403);
		}
		for (const method of ['PUT', 'PATCH', 'DELETE']) {
			const res = await fetch(base + '/settings', {
				method,
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					origin: 'https://evil.example',
					cookie
				},
				body: 'name=x'
			});
			expect(res.status, method).toBe(403);
		}
	});

	it('creates an API key over the API with the session, and uses it', async () => {
		// A "simple" cross-site request carrying the cookie: refused by SvelteKit's origin check before any route.
		const simple = await fetch(base + '/api/v1/api-keys', {
			method: 'POST',
			headers: { 'content-type': 'text/plain', origin: 'https://evil.example', cookie },
			body: JSON.stringify({ name: 'evil' })
		});
		expect(simple.status).toBe(403);
		// A JSON one (which a browser would preflight) is refused by Hunch's own origin rule for cookie writes.
		const crossSite = await fetch(base + '/api/v1/api-keys', {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: 'https://evil.example', cookie },
			body: JSON.stringify({ name: 'evil' })
		});
		expect(crossSite.status).toBe(403);
		expect((await crossSite.json()).error.code).toBe('forbidden');

		const missingName = await fetch(base + '/api/v1/api-keys', {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: base, cookie },
			body: JSON.stringify({})
		});
		expect(missingName.status).toBe(400);
		expect(await missingName.json()).toMatchObject({
			error: { code: 'validation_failed', details: { field: 'name' } }
		});

		const created = await fetch(base + '/api/v1/api-keys', {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: base, cookie },
			body: JSON.stringify({ name: 'integration' })
		});
		expect(created.status).toBe(201);
		const body = await created.json();
		apiKey = body.key;
		expect(apiKey).toMatch(/^hk_/);

		const listed = await fetch(base + '/api/v1/api-keys', { headers: { authorization: `Bearer ${apiKey}` } });
		expect(listed.status).toBe(200);
		expect((await listed.json()).keys.map((k: { name: string }) => k.name)).toContain('integration');
		expect(listed.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it('accepts keys only in the Authorization header', async () => {
		const res = await fetch(`${base}/api/v1/api-keys?api_key=${apiKey}`);
		expect(res.status).toBe(400);
		expect((await res.json()).error.message).toMatch(/Authorization header/);
	});

	it('answers API errors as JSON with a code, message and details', async () => {
		const anon = await fetch(base + '/api/v1/api-keys');
		expect(anon.status).toBe(401);
		expect(await anon.json()).toMatchObject({
			error: { code: 'unauthorized', message: expect.any(String), details: {} }
		});
		const missing = await fetch(base + '/api/v1/nothing-here', {
			headers: { authorization: `Bearer ${apiKey}` }
		});
		expect(missing.status).toBe(404);
		expect((await missing.json()).error.code).toBe('not_found');
		const malformed = await fetch(base + '/api/v1/api-keys', {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
			body: '{"name":'
		});
		expect(malformed.status).toBe(400);
		expect((await malformed.json()).error.message).toMatch(/not valid JSON/);
	});

	it('refuses a second start on the same data directory with a clear message', async () => {
		const second = startApp();
		const code = await second.exited;
		expect(code).not.toBe(0);
		expect(second.output()).toMatch(/already running with the data directory/);
		expect((await fetch(base + '/healthz')).status).toBe(200); // the first is untouched
	});

	it('has a run in progress when the restart below comes', async () => {
		const csv = SAMPLE_DATASETS.find((s) => s.id === 'customer-churn')!.csv();
		const upload = new FormData();
		upload.append('file', new Blob([csv]), 'churn.csv');
		const dataset = await fetch(base + '/api/v1/datasets', {
			method: 'POST',
			headers: { cookie, origin: base },
			body: upload
		}).then((r) => r.json());
		const created = await fetch(base + '/api/v1/runs', {
			method: 'POST',
			headers: { cookie, origin: base, 'content-type': 'application/json' },
			body: JSON.stringify({ datasetId: dataset.id, target: 'churned', timeLimitSeconds: 20 })
		}).then((r) => r.json());
		runId = created.id;
		for (let i = 0; i < 300; i++) {
			const run = await fetch(`${base}/api/v1/runs/${runId}`, { headers: { cookie } }).then((r) => r.json());
			if (run.progress.trials >= 1) return;
			await new Promise((r) => setTimeout(r, 200));
		}
		throw new Error('the run never finished a trial');
	}, 90_000);

	it('stops cleanly on Ctrl-C and keeps accounts, sessions and keys across a restart', async () => {
		const code = await app.stop('SIGINT');
		expect(code).toBe(0);
		expect(app.output()).toMatch(/web stopped[\s\S]*database stopped|worker stopped[\s\S]*database stopped/);

		app = startApp();
		await app.waitFor(/Hunch is running/, 120_000);
		const page = await fetch(base + '/settings', { headers: { cookie } });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('owner@example.com');
		const listed = await fetch(base + '/api/v1/api-keys', { headers: { authorization: `Bearer ${apiKey}` } });
		expect(listed.status).toBe(200);

		const login = await form('/login', { email: 'owner@example.com', password: 'correct horse battery' });
		expect(login.status).toBe(303);
	});

	it('resumes the run that was training when it stopped, and finishes it', async () => {
		// The stopping worker put the run back in the queue, so the new worker takes it at once (a worker that
		// vanished would only be noticed after its heartbeat went stale, 30 s).
		const restarted = Date.now();
		let resumedAfter: number | undefined;
		for (let i = 0; i < 600; i++) {
			const run = await fetch(`${base}/api/v1/runs/${runId}`, { headers: { cookie } }).then((r) => r.json());
			if (run.attempt === 2) resumedAfter ??= Date.now() - restarted;
			expect(resumedAfter ?? 0).toBeLessThan(15_000);
			if (!['queued', 'running'].includes(run.status)) {
				expect(run).toMatchObject({ status: 'succeeded', attempt: 2 });
				expect(run.trials.filter((t: { attempt: number }) => t.attempt === 1).length).toBeGreaterThanOrEqual(
					1
				);
				return;
			}
			await new Promise((r) => setTimeout(r, 200));
		}
		throw new Error('the run did not finish after the restart');
	}, 150_000);

	it('recovers after being killed outright: the orphaned database is taken over', async () => {
		await app.stop('SIGKILL');
		app = startApp();
		await app.waitFor(/Hunch is running/, 120_000);
		expect(app.output()).toMatch(/stopping an orphaned PostgreSQL server/);
		expect((await fetch(base + '/settings', { headers: { cookie } })).status).toBe(200);
	});

	it('logs out: the old cookie no longer works', async () => {
		const out = await fetch(base + '/logout', {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: base,
				cookie,
				accept: 'text/html'
			},
			body: ''
		});
		expect(out.status).toBe(303);
		const replay = await fetch(base + '/settings', { redirect: 'manual', headers: { cookie } });
		expect(replay.status).toBe(303);
	});

	it('revokes a key: the next request with it is refused', async () => {
		const keys = await (
			await fetch(base + '/api/v1/api-keys', { headers: { authorization: `Bearer ${apiKey}` } })
		).json();
		const id = keys.keys.find((k: { name: string }) => k.name === 'integration').id;
		const revoked = await fetch(`${base}/api/v1/api-keys/${id}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${apiKey}` }
		});
		expect(revoked.status).toBe(204);
		const after = await fetch(base + '/api/v1/api-keys', { headers: { authorization: `Bearer ${apiKey}` } });
		expect(after.status).toBe(401);
	});
});
