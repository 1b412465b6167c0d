import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../src/lib/server/db/migrate';
import {
	findFreePort,
	startEmbeddedPostgres,
	type EmbeddedPostgres
} from '../src/lib/server/runtime/embedded-postgres';
import { cleanEnv, cookieFrom, repoRoot, spawnNode, type Spawned } from '../src/lib/server/testing/processes';

/** PostgreSQL stopped under a running web server: clear 503s, then recovery without a restart. */
let dataDir: string;
let dbPort: number;
let db: EmbeddedPostgres;
let web: Spawned;
let base: string;

beforeAll(async () => {
	dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hunch-outage-'));
	dbPort = await findFreePort();
	db = await startEmbeddedPostgres({ dataDir, port: dbPort });
	await runMigrations(db.url);
	const port = await findFreePort();
	base = `http://localhost:${port}`;
	web = spawnNode(
		[path.join(repoRoot, 'build/index.js')],
		cleanEnv({ DATABASE_URL: db.url, PORT: String(port), ORIGIN: base })
	);
	await web.waitFor(/Listening on/);
}, 120_000);

afterAll(async () => {
	await web?.stop('SIGTERM');
	await db?.stop();
	await fs.rm(dataDir, { recursive: true, force: true });
});

describe('database outage', () => {
	it('answers 503 while PostgreSQL is down and recovers by itself when it is back', async () => {
		const signup = await fetch(base + '/signup', {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, accept: 'text/html' },
			body: new URLSearchParams({ email: 'outage@example.com', password: 'correct horse battery' })
		});
		expect(signup.status).toBe(303);
		const cookie = cookieFrom(signup)!;

		await db.stop();

		const health = await fetch(base + '/healthz');
		expect(health.status).toBe(503);
		expect(await health.json()).toMatchObject({ status: 'down', database: { ok: false } });
		const page = await fetch(base + '/datasets', { headers: { cookie } });
		expect(page.status).toBe(503);
		expect(page.headers.get('retry-after')).toBe('5');
		expect(await page.text()).toMatch(/cannot reach its database/);
		const api = await fetch(base + '/api/v1/api-keys', { headers: { cookie } });
		expect(api.status).toBe(503);
		expect((await api.json()).error.code).toBe('service_unavailable');
		const login = await fetch(base + '/login', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, accept: 'text/html' },
			body: new URLSearchParams({ email: 'outage@example.com', password: 'correct horse battery' })
		});
		expect(login.status).toBe(503);

		db = await startEmbeddedPostgres({ dataDir, port: dbPort });

		let recovered = 0;
		for (let i = 0; i < 40 && recovered !== 200; i++) {
			recovered = (await fetch(base + '/datasets', { headers: { cookie } })).status;
			if (recovered !== 200) await new Promise((r) => setTimeout(r, 250));
		}
		expect(recovered).toBe(200);
		expect((await fetch(base + '/healthz')).status).toBe(200);
		expect(web.child.exitCode).toBeNull(); // never crashed
	});
});
