/**
 * The prediction log: one row per request to a deployment, buffered in memory and written in batches (every
 * second, or sooner when many are waiting) so a prediction never waits on a database write. Usage charts read
 * it back in time buckets.
 */
import { sql } from 'drizzle-orm';
import type { Usage } from '../../deployments/usage-charts';
import type { Database } from '../db';
import type { predictionLog } from '../db/schema';

export type PredictionLogEntry = typeof predictionLog.$inferInsert;

/** Entries kept while the database is unreachable; beyond this the oldest are dropped (and counted). */
const MAX_PENDING = 50_000;

/**
 * One INSERT for the whole batch, each column sent as one array parameter (unnest), so writing thousands of
 * entries a second costs one round trip and no per-row query building.
 */
async function insertEntries(db: Database, batch: PredictionLogEntry[]): Promise<void> {
	const column = <T>(pick: (e: PredictionLogEntry) => T) => sql.param(batch.map(pick));
	await db.execute(sql`
		INSERT INTO prediction_log (deployment_id, version, key_id, at, status, rows, latency_ms, error_code)
		SELECT * FROM unnest(
			${column((e) => e.deploymentId)}::uuid[],
			${column((e) => e.version ?? null)}::int[],
			${column((e) => e.keyId ?? null)}::uuid[],
			${column((e) => e.at.toISOString())}::timestamptz[],
			${column((e) => e.status)}::int[],
			${column((e) => e.rows)}::int[],
			${column((e) => e.latencyMs)}::real[],
			${column((e) => e.errorCode ?? null)}::text[]
		)`);
}

export class PredictionLogWriter {
	readonly #db: Database;
	readonly #flushMs: number;
	#pending: PredictionLogEntry[] = [];
	#timer: NodeJS.Timeout | null = null;
	#flushing: Promise<void> | null = null;
	dropped = 0;

	constructor(db: Database, flushMs = 1_000) {
		this.#db = db;
		this.#flushMs = flushMs;
	}

	record(entry: PredictionLogEntry): void {
		this.#pending.push(entry);
		if (this.#pending.length > MAX_PENDING) {
			this.#pending.shift();
			this.dropped++;
		}
		if (this.#pending.length >= 1_000) void this.flush();
		else if (!this.#timer) {
			this.#timer = setTimeout(() => void this.flush(), this.#flushMs);
			this.#timer.unref();
		}
	}

	/** Writes everything buffered so far (tests and shutdown call it; otherwise it runs by itself). */
	async flush(): Promise<void> {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		await this.#flushing;
		const batch = this.#pending;
		if (!batch.length) return;
		this.#pending = [];
		this.#flushing = (async () => {
			try {
				await insertEntries(this.#db, batch);
			} catch (err) {
				// Keep the entries for the next attempt (the deployment may also have been deleted meanwhile:
				// then the insert keeps failing on its foreign key, so entries older than a minute are let go).
				const cutoff = Date.now() - 60_000;
				const kept = batch.filter((e) => e.at.getTime() >= cutoff);
				this.dropped += batch.length - kept.length;
				this.#pending = kept.concat(this.#pending).slice(-MAX_PENDING);
				if (!this.#timer) {
					this.#timer = setTimeout(() => void this.flush(), 5_000);
					this.#timer.unref();
				}
				console.warn(`[web] prediction log not written yet: ${(err as Error).message}`);
			}
		})();
		await this.#flushing;
		this.#flushing = null;
	}
}

/** Requests, rows, errors and latency percentiles of one deployment over the last `hours`, in `buckets` steps. */
export async function deploymentUsage(
	db: Database,
	deploymentId: string,
	hours = 24,
	buckets = 48
): Promise<Usage> {
	const bucketSeconds = Math.max(60, Math.round((hours * 3600) / buckets));
	const now = Date.now();
	const end = Math.ceil(now / 1000 / bucketSeconds) * bucketSeconds;
	const start = end - bucketSeconds * buckets;
	const from = new Date(start * 1000);
	const result = await db.execute<{
		bucket: number;
		requests: number;
		rows: number;
		errors: number;
		p50: number | null;
		p95: number | null;
	}>(sql`
		SELECT floor((extract(epoch FROM at) - ${start}) / ${bucketSeconds})::int AS bucket,
			count(*)::int AS requests,
			coalesce(sum(rows), 0)::int AS rows,
			(count(*) FILTER (WHERE status >= 400))::int AS errors,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status < 400) AS p50,
			percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status < 400) AS p95
		FROM prediction_log
		WHERE deployment_id = ${deploymentId} AND at >= ${from.toISOString()}::timestamptz
		GROUP BY ROLLUP (1)`);
	const byBucket = new Map(result.rows.filter((r) => r.bucket !== null).map((r) => [r.bucket, r]));
	const total = result.rows.find((r) => r.bucket === null);
	return {
		fromIso: from.toISOString(),
		bucketSeconds,
		buckets: Array.from({ length: buckets }, (_, b) => {
			const row = byBucket.get(b);
			return {
				at: new Date((start + b * bucketSeconds) * 1000).toISOString(),
				requests: row?.requests ?? 0,
				rows: row?.rows ?? 0,
				errors: row?.errors ?? 0,
				p50Ms: row?.p50 ?? null,
				p95Ms: row?.p95 ?? null
			};
		}),
		totals: {
			requests: total?.requests ?? 0,
			rows: total?.rows ?? 0,
			errors: total?.errors ?? 0,
			p50Ms: total?.p50 ?? null,
			p95Ms: total?.p95 ?? null
		}
	};
}

/** Days of prediction log kept (`HUNCH_PREDICTION_LOG_DAYS`, default 30). */
export function predictionLogDays(): number {
	const days = Number(process.env.HUNCH_PREDICTION_LOG_DAYS ?? 30);
	return Number.isFinite(days) && days > 0 ? days : 30;
}

/**
 * Deletes log entries older than `days` (at most 100,000 a call, so a big backlog is cleared over a few
 * maintenance runs without one long lock). Returns how many went.
 */
export async function deleteOldPredictionLog(
	db: Database,
	now = new Date(),
	days = predictionLogDays()
): Promise<number> {
	const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
	const result = await db.execute(sql`
		DELETE FROM prediction_log WHERE id IN (
			SELECT id FROM prediction_log WHERE at < ${cutoff}::timestamptz LIMIT 100000
		)`);
	return result.rowCount ?? 0;
}
