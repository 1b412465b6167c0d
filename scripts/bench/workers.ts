/**
 * `npm run bench:workers [-- --runs 4 --time-limit 20 --rows 2000]`: the same AutoML runs executed by one and then
 * by two worker processes (`npm run worker`, one fitting thread each) on a real PostgreSQL, printing trials
 * completed per minute for each, the scale-out ratio, and the time from "start" to the first leaderboard entry.
 *
 * What it measures: throughput over a queue of runs. A single run is coordinated by one worker; its trials are
 * not yet spread over workers, so one run alone does not finish sooner with two (see the README).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { createDb } from '../../src/lib/server/db';
import { runMigrations } from '../../src/lib/server/db/migrate';
import { startQueue } from '../../src/lib/server/queue/boss';
import { startEmbeddedPostgres } from '../../src/lib/server/runtime/embedded-postgres';
import { parseRunRequest } from '../../src/lib/server/runs/settings';
import { createRun } from '../../src/lib/server/runs/store';
import { churnCsv, createUser, datasetFromCsv } from '../../src/lib/server/testing/fixtures';
import { TS_NODE_ARGS, cleanEnv, spawnNode } from '../../src/lib/server/testing/processes';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = arg('runs', 4);
const LIMIT = arg('time-limit', 20);
const ROWS = arg('rows', 2000);

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hunch-bench-workers-'));
const server = await startEmbeddedPostgres({ dataDir });
try {
	const results = [];
	for (const workerCount of [1, 2]) {
		const name = `bench_workers_${workerCount}`;
		const admin = new pg.Client({ connectionString: server.adminUrl });
		await admin.connect();
		await admin.query(`CREATE DATABASE ${name}`);
		await admin.end();
		const url = new URL(server.adminUrl);
		url.pathname = `/${name}`;
		await runMigrations(url.toString());
		const handle = createDb(url.toString(), { max: 4 });
		const sender = await startQueue(url.toString(), { applicationName: 'bench', role: 'sender' });
		const owner = await createUser(handle.db, 'bench');
		const dataset = await datasetFromCsv(handle.db, owner, churnCsv(ROWS), 'churn.csv');

		const workers = Array.from({ length: workerCount }, () =>
			spawnNode(
				[...TS_NODE_ARGS, 'workers/worker.ts'],
				cleanEnv({ DATABASE_URL: url.toString(), HUNCH_WORKER_THREADS: '1' })
			)
		);
		await Promise.all(workers.map((w) => w.waitFor(/is ready/, 60_000)));

		const started = Date.now();
		const request = parseRunRequest({ target: 'churned', timeLimitSeconds: LIMIT, seed: 0 }, dataset.columns);
		for (let i = 0; i < RUNS; i++) await createRun(handle, sender, owner, dataset.id, request);
		let firstTrialMs: number | undefined;
		for (;;) {
			const { rows } = await handle.db.execute<{ active: number; trials: number; first: Date | null }>(sql`
				SELECT (SELECT count(*)::int FROM runs WHERE status IN ('queued', 'running')) AS active,
				       (SELECT count(*)::int FROM trials) AS trials,
				       (SELECT min(finished_at) FROM trials) AS first`);
			if (rows[0].first && firstTrialMs === undefined)
				firstTrialMs = new Date(rows[0].first).getTime() - started;
			if (rows[0].active === 0) break;
			await new Promise((r) => setTimeout(r, 250));
		}
		const seconds = (Date.now() - started) / 1000;
		const { rows } = await handle.db.execute<{ trials: number; failed: number }>(sql`
			SELECT (SELECT count(*)::int FROM trials) AS trials,
			       (SELECT count(*)::int FROM runs WHERE status <> 'succeeded') AS failed`);
		results.push({
			workers: workerCount,
			runs: RUNS,
			failedRuns: rows[0].failed,
			trials: rows[0].trials,
			seconds: Math.round(seconds * 10) / 10,
			trialsPerMinute: Math.round((rows[0].trials / seconds) * 60 * 10) / 10,
			firstLeaderboardEntrySeconds: firstTrialMs === undefined ? null : Math.round(firstTrialMs / 100) / 10
		});
		await Promise.all(workers.map((w) => w.stop('SIGTERM')));
		await sender.stop({ graceful: false });
		await handle.close();
	}
	const [one, two] = results;
	console.log(
		JSON.stringify({
			machine: { cores: os.availableParallelism(), node: process.version },
			dataset: `customer churn sample, ${ROWS} rows`,
			timeLimitSeconds: LIMIT,
			results,
			scaleOut: Math.round((two.trialsPerMinute / one.trialsPerMinute) * 100) / 100
		})
	);
} finally {
	await server.stop();
	await fs.rm(dataDir, { recursive: true, force: true });
}
