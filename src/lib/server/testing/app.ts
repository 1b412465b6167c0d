import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../runtime/embedded-postgres';
import { TS_NODE_ARGS, cleanEnv, cookieFrom, spawnNode, type Spawned } from './processes';

export interface RunningApp {
	base: string;
	process: Spawned;
	stop(): Promise<void>;
	/** Signs up a new user and returns the session cookie. */
	signUp(email: string, password?: string): Promise<string>;
}

/**
 * Spawns `npm start`'s supervisor on the embedded database (no inherited DATABASE_URL or ORIGIN), without
 * waiting for it. Tests that restart Hunch on the same data directory and port call this directly.
 */
export function spawnHunch(dataDir: string, port: number, env: NodeJS.ProcessEnv = {}): Spawned {
	return spawnNode(
		[...TS_NODE_ARGS, 'scripts/start.ts'],
		cleanEnv({
			DATABASE_URL: undefined,
			ORIGIN: undefined,
			HUNCH_DATA_DIR: dataDir,
			PORT: String(port),
			...env
		})
	);
}

/** Starts Hunch exactly as `npm start` does, on a fresh data directory and a free port. */
export async function startApp(env: NodeJS.ProcessEnv = {}): Promise<RunningApp> {
	const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hunch-app-'));
	const port = await findFreePort();
	const base = `http://localhost:${port}`;
	const child = spawnHunch(dataDir, port, env);
	await child.waitFor(/Hunch is running/, 180_000);
	return {
		base,
		process: child,
		async stop() {
			await child.stop('SIGINT');
			await fs.rm(dataDir, { recursive: true, force: true });
		},
		async signUp(email, password = 'correct horse battery') {
			const res = await fetch(base + '/signup', {
				method: 'POST',
				redirect: 'manual',
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, accept: 'text/html' },
				body: new URLSearchParams({ email, password })
			});
			const cookie = cookieFrom(res);
			if (res.status !== 303 || !cookie) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
			return cookie;
		}
	};
}
