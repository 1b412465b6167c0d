/**
 * `npm run bench:workers [-- --runs 1 --trials 12 --time-limit 600 --rows 20000]`: the same AutoML search executed
 * by one and then by two worker processes (`npm run worker`, one fitting thread each) on a real PostgreSQL,
 * printing trials and folds completed per minute of search for each, the scale-out ratio, the time from "start"
 * to the first leaderboard entry, and how many folds each worker fitted.
 *
 * Each run stops after `--trials` trials with time to spare, so no fit is cut short by the clock: both setups
 * train exactly the same trials (the benchmark checks the leaderboards match), and the ratio is pure speed.
 * (Under a binding time limit, fits stretch to fill their share of it, and trials per minute says little.)
 * With one run (the default) this measures a single search spread over workers: the coordinator fits folds on
 * its thread and the idle worker fits the folds it offers. With `--runs N` it measures a queue of runs, each
 * coordinated by whichever worker is free.
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
import { cancelRun, createRun } from '../../src/lib/server/runs/store';
import { churnCsv, createUser, datasetFromCsv } from '../../src/lib/server/testing/fixtures';
import { TS_NODE_ARGS, cleanEnv, spawnNode } from '../../src/lib/server/testing/processes';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = arg('runs', 1);
const TRIALS = arg('trials', 12);
const LIMIT = arg('time-limit', 600);
const ROWS = arg('rows', 20_000);

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hunch-bench-workers-'));
const server = await startEmbeddedPostgres({ dataDir });
try {
	const results = [];
	const leaderboards: string[] = [];
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
		const request = parseRunRequest(
			{ target: 'churned', timeLimitSeconds: LIMIT, seed: 0, maxTrials: TRIALS },
			dataset.columns
		);
		for (let i = 0; i < RUNS; i++) await createRun(handle, sender, owner, dataset.id, request);
		let firstTrialMs: number | undefined;
		for (;;) {
			const { rows } = await handle.db.execute<{
				active: number;
				first: Date | null;
				searched: string[];
			}>(sql`
				SELECT (SELECT count(*)::int FROM runs WHERE status IN ('queued', 'running')) AS active,
				       (SELECT min(finished_at) FROM trials) AS first,
				       (SELECT coalesce(array_agg(r.id), '{}') FROM runs r WHERE r.status = 'running'
				          AND (SELECT count(*) FROM trials t WHERE t.run_id = r.id) >= ${TRIALS}) AS searched`);
			if (rows[0].first && firstTrialMs === undefined)
				firstTrialMs = new Date(rows[0].first).getTime() - started;
			// The search is what is measured: a run that has its trials is cancelled rather than explained.
			for (const id of rows[0].searched) await cancelRun(handle.db, owner, id);
			if (rows[0].active === 0) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		const { rows: last } = await handle.db.execute<{ at: Date }>(
			sql`SELECT max(finished_at) AS at FROM trials`
		);
		const seconds = (new Date(last[0].at).getTime() - started) / 1000;
		const { rows: board } = await handle.db.execute<{ trial: number; family: string; score: number }>(sql`
			SELECT trial, family, score FROM trials
			WHERE run_id = (SELECT id FROM runs ORDER BY created_at LIMIT 1) ORDER BY attempt, trial`);
		leaderboards.push(JSON.stringify(board));
		const { rows } = await handle.db.execute<{
			trials: number;
			failed: number;
			folds: Record<string, number>[];
		}>(sql`
			SELECT (SELECT count(*)::int FROM trials) AS trials,
			       (SELECT count(*)::int FROM runs WHERE status = 'failed') AS failed,
			       (SELECT coalesce(json_agg(progress->'foldsByWorker'), '[]') FROM runs) AS folds`);
		// Folds per worker, over all runs, largest first (worker ids differ between runs of the benchmark).
		const perWorker = new Map<string, number>();
		for (const record of rows[0].folds)
			for (const [id, n] of Object.entries(record ?? {})) perWorker.set(id, (perWorker.get(id) ?? 0) + n);
		const folds = [...perWorker.values()].sort((a, b) => b - a);
		const totalFolds = folds.reduce((a, b) => a + b, 0);
		results.push({
			workers: workerCount,
			runs: RUNS,
			failedRuns: rows[0].failed,
			trials: rows[0].trials,
			searchSeconds: Math.round(seconds * 10) / 10,
			trialsPerMinute: Math.round((rows[0].trials / seconds) * 60 * 10) / 10,
			foldsPerMinute: Math.round((totalFolds / seconds) * 60 * 10) / 10,
			foldsByWorker: folds,
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
			trialsPerRun: TRIALS,
			timeLimitSeconds: LIMIT,
			results,
			sameLeaderboard: leaderboards[0] === leaderboards[1],
			scaleOut: {
				trials: Math.round((two.trialsPerMinute / one.trialsPerMinute) * 100) / 100,
				folds: Math.round((two.foldsPerMinute / one.foldsPerMinute) * 100) / 100
			}
		})
	);
} finally {
	await server.stop();
	await fs.rm(dataDir, { recursive: true, force: true });
}
