/**
 * `npm run bench:serve [-- --duration 10 --connections 8]`
 *
 * Publishes a 100-tree gradient-boosting model (the customer-churn table, 5,000 rows, one model, no fold
 * averaging) on the production build of the web app, then loads its prediction endpoint from this process
 * with autocannon over loopback:
 *   - single-row requests, with the default top-5 contributions and with explain=none;
 *   - 1,000-row batch requests, both ways (rows/s);
 * beside a bare Node.js HTTP server (the ceiling) that answers every POST with a fixed body the size of a
 * real single-row answer, loaded the same way in the same run, and the same bare server spinning 50 µs per
 * request first (calibration: on a small VM, a server that is the bottleneck pays for waking the load
 * generator on every answer, so even 50 µs of work costs far more than 50 µs of throughput). Each server is
 * one process; autocannon runs here (on a 2-core machine: one core each). The rate limit is raised for the
 * run; its check still runs. Each row also gives the server's CPU time per request (from /proc).
 * Prints a table and one JSON line. Numbers, no thresholds.
 */
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { artifactSummary, serialiseArtifact, type ModelArtifact } from '../../src/lib/engine/automl/artifact';
import { trainAutoML } from '../../src/lib/engine/automl/train';
import { fitEncoder, encodeFeatures } from '../../src/lib/engine/prep/encoder';
import { describeTarget, encodeTarget } from '../../src/lib/engine/prep/target';
import { fitGradientBoosting } from '../../src/lib/engine/trees/gbdt';
import { toPlain } from '../../src/lib/engine/trees/serialise';
import { churn } from '../../src/lib/engine/testing/tables';
import { createApiKey } from '../../src/lib/server/auth/api-key';
import { createDb } from '../../src/lib/server/db';
import { runMigrations } from '../../src/lib/server/db/migrate';
import { models } from '../../src/lib/server/db/schema';
import { createDeployment } from '../../src/lib/server/deployments/store';
import { findFreePort, startEmbeddedPostgres } from '../../src/lib/server/runtime/embedded-postgres';
import { createUser } from '../../src/lib/server/testing/fixtures';
import { cleanEnv, repoRoot, spawnNode } from '../../src/lib/server/testing/processes';
import { buildIsStale } from '../build-freshness';

const args = process.argv.slice(2);
/** --only <substring>: run the loads whose name contains it (besides the bare server). */
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const flag = (name: string, fallback: number) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? Number(args[i + 1]) : fallback;
};
const DURATION = flag('duration', 10);
const CONNECTIONS = flag('connections', 8);
const TREES = 100;
/** The calibration row's work per request (about what answering one row with explain=none costs in-process). */
const BUSY_MICROS = 50;

/** The customer-churn-like table's model: AutoML's artifact shape, with one 100-tree boosting model in it. */
async function hundredTreeModel(): Promise<{ artifact: ModelArtifact; rows: Record<string, unknown>[] }> {
	const frame = churn(5000, 1);
	const base = await trainAutoML(frame, {
		target: 'churned',
		models: ['gbdt'],
		maxTrials: 1,
		timeLimitSeconds: 60,
		seed: 1
	});
	const features = { rowCount: frame.rowCount, columns: frame.columns.filter((c) => c.name !== 'churned') };
	const encoder = fitEncoder(features);
	const targetColumn = frame.columns.find((c) => c.name === 'churned')!;
	const model = fitGradientBoosting(
		{
			features: encodeFeatures(encoder, features).features,
			y: encodeTarget(targetColumn, describeTarget(targetColumn)),
			categorical: Uint8Array.from(encoder.features, (f) => (f.categorical ? 1 : 0))
		},
		{ loss: 'logistic', rounds: TREES, maxLeaves: 31, earlyStoppingRounds: 0, seed: 1 }
	);
	const artifact: ModelArtifact = {
		...base,
		foldEncoders: [encoder],
		members: [{ ...base.members[0], weight: 1, models: [toPlain(model)] }],
		calibration: null,
		explanations: undefined
	};
	const other = churn(2000, 2);
	const rows = Array.from({ length: other.rowCount }, (_, i) =>
		Object.fromEntries(
			other.columns
				.filter((c) => c.name !== 'churned')
				.map((c) => {
					if (c.type === 'numeric') return [c.name, c.missing[i] ? null : c.values[i]];
					if ('codes' in c) return [c.name, c.codes[i] < 0 ? null : c.dictionary[c.codes[i]]];
					return [c.name, null];
				})
		)
	);
	return { artifact, rows };
}

/** CPU seconds (user + system) a process has used so far, from /proc (null where there is none). */
function cpuSeconds(pid: number | undefined): number | null {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		// utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return null;
	}
}

interface Load {
	name: string;
	rowsPerRequest: number;
	requestsPerSecond: number;
	rowsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	failed: number;
	/** The answering server's CPU time (user + system) per request during the measured load. */
	serverCpuMicrosPerRequest: number | null;
}

async function load(
	name: string,
	url: string,
	body: string,
	rowsPerRequest: number,
	headers: Record<string, string>,
	serverPid: number | undefined
): Promise<Load> {
	const common = { url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } };
	await autocannon({ ...common, connections: CONNECTIONS, duration: 2 }); // warm up (JIT, caches)
	const cpuBefore = cpuSeconds(serverPid);
	const result = await autocannon({ ...common, connections: CONNECTIONS, duration: DURATION });
	const cpuAfter = cpuSeconds(serverPid);
	const requests = result.requests.total;
	return {
		serverCpuMicrosPerRequest:
			cpuBefore === null || cpuAfter === null || requests === 0
				? null
				: Math.round(((cpuAfter - cpuBefore) * 1e6) / requests),
		name,
		rowsPerRequest,
		requestsPerSecond: Math.round(result.requests.average),
		rowsPerSecond: Math.round(result.requests.average * rowsPerRequest),
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		failed: result.errors + result.timeouts + result.non2xx
	};
}

async function main() {
	if (buildIsStale(repoRoot)) {
		console.error('[bench] building the web app…');
		const built = spawnSync('npx', ['vite', 'build'], { cwd: repoRoot, stdio: 'inherit' });
		if (built.status !== 0) throw new Error('vite build failed');
	}
	const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hunch-bench-serve-'));
	const database = await startEmbeddedPostgres({ dataDir });
	const url = database.adminUrl;
	const children: { stop(): Promise<unknown> }[] = [];
	try {
		await runMigrations(url);
		const handle = createDb(url, { max: 2 });
		const owner = await createUser(handle.db, 'bench');
		const { key } = await createApiKey(handle.db, owner, 'bench');
		console.error(`[bench] training the ${TREES}-tree model…`);
		const { artifact, rows } = await hundredTreeModel();
		const [saved] = await handle.db
			.insert(models)
			.values({
				ownerId: owner,
				datasetName: 'churn (generated)',
				name: `${TREES}-tree gradient boosting`,
				target: 'churned',
				task: artifact.task,
				metric: artifact.metric,
				score: artifact.metrics[artifact.metric],
				metrics: artifact.metrics,
				summary: artifactSummary(artifact),
				artifact: gzipSync(serialiseArtifact(artifact)),
				artifactBytes: 0
			})
			.returning({ id: models.id });
		const published = await createDeployment(handle.db, owner, { modelId: saved.id, slug: 'bench-churn' });
		if (!published.ok) throw new Error(published.reason);
		await handle.close();

		const webPort = await findFreePort();
		// --profile <dir>: a V8 CPU profile of the web server, written when it stops.
		const profileDir = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : null;
		const web = spawnNode(
			[...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), 'scripts/serve-web.js'],
			cleanEnv({ DATABASE_URL: url, PORT: String(webPort), HUNCH_PREDICT_RATE_LIMIT: '1000000000' })
		);
		children.push(web);
		await web.waitFor(/Listening on/, 60_000);
		const endpoint = `http://127.0.0.1:${webPort}/api/v1/deployments/bench-churn/predict`;
		const auth = { authorization: `Bearer ${key}` };
		const one = JSON.stringify(rows[0]);
		const sample = await fetch(endpoint, {
			method: 'POST',
			headers: { ...auth, 'content-type': 'application/json' },
			body: one
		});
		if (!sample.ok) throw new Error(`predict answered ${sample.status}: ${await sample.text()}`);
		const answer = await sample.text();

		/**
		 * The bare server answers every POST with the fixed body; with `busyMicros` it first spins that long, as a
		 * server doing that much work per request would (the calibration row: what such a server reaches here).
		 */
		const startBare = async (busyMicros: number) => {
			const port = await findFreePort();
			const server = spawnNode(
				[
					'-e',
					`const body = ${JSON.stringify(answer)};
					require('node:http').createServer((req, res) => {
						req.resume();
						req.on('end', () => {
							const until = performance.now() + ${busyMicros / 1000};
							while (performance.now() < until);
							res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
							res.end(body);
						});
					}).listen(${port}, () => console.log('bare listening'));`
				],
				cleanEnv({})
			);
			children.push(server);
			await server.waitFor(/bare listening/);
			return { url: `http://127.0.0.1:${port}/`, pid: server.child.pid };
		};
		const bare = await startBare(0);
		const busy = await startBare(BUSY_MICROS);

		const batch = JSON.stringify({ rows: rows.slice(0, 1000) });
		const loads: [string, string, string, number, Record<string, string>][] = [
			['1 row, top-5 contributions', endpoint, one, 1, auth],
			['1 row, explain=none', `${endpoint}?explain=none`, one, 1, auth],
			['1,000 rows, top-5 contributions', endpoint, batch, 1000, auth],
			['1,000 rows, explain=none', `${endpoint}?explain=none`, batch, 1000, auth]
		];
		const results = [
			await load('bare Node.js server (fixed answer)', bare.url, one, 1, {}, bare.pid),
			await load(`bare server + ${BUSY_MICROS} µs of work`, busy.url, one, 1, {}, busy.pid)
		];
		for (const [name, target, body, rowCount, headers] of loads)
			if (name.includes(only)) results.push(await load(name, target, body, rowCount, headers, web.child.pid));
		const ceiling = results[0].requestsPerSecond;
		console.log(
			`\n${'load'.padEnd(36)}${'req/s'.padStart(9)}${'rows/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'vs bare'.padStart(9)}${'failed'.padStart(8)}${'CPU µs/req'.padStart(12)}`
		);
		for (const r of results)
			console.log(
				`${r.name.padEnd(36)}${String(r.requestsPerSecond).padStart(9)}${String(r.rowsPerSecond).padStart(10)}${String(r.p50Ms).padStart(9)}${String(r.p99Ms).padStart(9)}${(r.requestsPerSecond / ceiling).toFixed(2).padStart(9)}${String(r.failed).padStart(8)}${String(r.serverCpuMicrosPerRequest ?? '–').padStart(12)}`
			);
		console.log(
			JSON.stringify({
				bench: 'serve',
				cores: os.availableParallelism(),
				trees: TREES,
				connections: CONNECTIONS,
				durationSeconds: DURATION,
				results
			})
		);
	} finally {
		for (const child of children) await child.stop();
		await database.stop();
		await fs.rm(dataDir, { recursive: true, force: true });
	}
}

await main();
