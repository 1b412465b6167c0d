/**
 * The `fold_tasks` table: how a run's coordinator lends folds of its trials to idle workers. Each function is
 * one guarded statement, so two workers racing for the same task can never both fit it for the run:
 *
 *   coordinator offers (pending) ─┬─ takes it back (deleted) and fits it itself
 *                                 └─ a helper claims it (claimed) ─┬─ writes the outcome (done) → coordinator
 *                                                                  │  reads it and deletes the row
 *                                                                  ├─ fails (failed) → the coordinator fits it
 *                                                                  └─ stops heart-beating → the coordinator
 *                                                                     drops the claim and fits it itself
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { and, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { decodeFoldOutcome, encodeFoldOutcome, type FoldOutcome } from '../../engine/automl/fold-fit';
import type { Database } from '../db';
import { isLiveWorker } from '../queue/workers-registry';
import { foldTasks, runs, workers, type FoldTaskJob } from '../db/schema';

/** A helper that has not heart-beaten for this long has its claimed folds fitted again by the coordinator. */
export const HELPER_STALE_SECONDS = 15;

export interface FoldTaskOwner {
	runId: string;
	attempt: number;
	coordinatorId: string;
	fingerprint: string;
}

export interface FoldOffer {
	job: FoldTaskJob;
	/** Milliseconds from now until the fit's deadline. */
	deadlineInMs: number;
}

/** Offers folds to helpers; returns the task ids in the order of `offers`. */
export async function offerFoldTasks(
	db: Database,
	owner: FoldTaskOwner,
	offers: FoldOffer[]
): Promise<string[]> {
	if (offers.length === 0) return [];
	const rows = await db
		.insert(foldTasks)
		.values(
			offers.map((offer) => ({
				...owner,
				job: offer.job,
				deadlineAt: sql`now() + make_interval(secs => ${Math.max(0, offer.deadlineInMs) / 1000})`
			}))
		)
		.returning({ id: foldTasks.id });
	return rows.map((r) => r.id);
}

/** Takes a task back before any helper claimed it (true: it is the coordinator's to fit). */
export async function takeBackFoldTask(db: Database, id: string): Promise<boolean> {
	const rows = await db
		.delete(foldTasks)
		.where(and(eq(foldTasks.id, id), eq(foldTasks.status, 'pending')))
		.returning({ id: foldTasks.id });
	return rows.length > 0;
}

export type FoldTaskState =
	| { id: string; state: 'pending' | 'working' }
	| { id: string; state: 'done'; outcome: FoldOutcome; workerId: string }
	| { id: string; state: 'failed'; error: string; workerId: string | null }
	/** Claimed by a helper that stopped heart-beating (killed, machine gone), or no longer in the table. */
	| { id: string; state: 'abandoned'; workerId: string | null };

/** Where the coordinator's offered tasks stand. Finished ones are read once: their rows are deleted. */
export async function readFoldTasks(db: Database, ids: string[]): Promise<FoldTaskState[]> {
	if (ids.length === 0) return [];
	const rows = await db
		.select({
			id: foldTasks.id,
			status: foldTasks.status,
			workerId: foldTasks.workerId,
			outcome: foldTasks.outcome,
			error: foldTasks.error,
			helperAlive: sql<boolean>`coalesce(${isLiveWorker(HELPER_STALE_SECONDS)}, false)`
		})
		.from(foldTasks)
		.leftJoin(workers, eq(workers.id, foldTasks.workerId))
		.where(inArray(foldTasks.id, ids));
	const found = new Map(rows.map((r) => [r.id, r]));
	const states: FoldTaskState[] = ids.map((id) => {
		const row = found.get(id);
		if (!row) return { id, state: 'abandoned', workerId: null };
		switch (row.status) {
			case 'pending':
				return { id, state: 'pending' };
			case 'claimed':
				return row.helperAlive
					? { id, state: 'working' }
					: { id, state: 'abandoned', workerId: row.workerId };
			case 'done':
				try {
					const outcome = decodeFoldOutcome(gunzipSync(row.outcome!).toString('utf8'));
					return { id, state: 'done', outcome, workerId: row.workerId! };
				} catch (err) {
					return {
						id,
						state: 'failed',
						error: `unreadable outcome: ${(err as Error).message}`,
						workerId: row.workerId
					};
				}
			default:
				return { id, state: 'failed', error: row.error ?? 'failed', workerId: row.workerId };
		}
	});
	const finished = states.filter((s) => s.state !== 'pending' && s.state !== 'working').map((s) => s.id);
	if (finished.length) await db.delete(foldTasks).where(inArray(foldTasks.id, finished));
	return states;
}

/** Withdraws tasks (the coordinator is done with the trial or the run); a helper's late outcome is dropped. */
export async function withdrawFoldTasks(db: Database, ids: string[]): Promise<void> {
	if (ids.length) await db.delete(foldTasks).where(inArray(foldTasks.id, ids));
}

export interface ClaimedFoldTask {
	id: string;
	runId: string;
	attempt: number;
	fingerprint: string;
	job: FoldTaskJob;
	/** Milliseconds left until the fit's deadline, on the database's clock. */
	msLeft: number;
}

/**
 * Claims up to `limit` pending tasks of running runs coordinated by other live workers, oldest first, skipping the
 * runs this helper cannot help with, or only those of one run (both as "runId:attempt").
 */
export async function claimFoldTasks(
	db: Database,
	workerId: string,
	limit: number,
	filter: { skipRuns?: string[]; onlyRun?: string } = {}
): Promise<ClaimedFoldTask[]> {
	const skipRuns = filter.skipRuns ?? [];
	if (limit <= 0) return [];
	const { rows } = await db.execute<{
		id: string;
		run_id: string;
		attempt: number;
		fingerprint: string;
		job: FoldTaskJob;
		ms_left: number;
	}>(sql`
		UPDATE fold_tasks SET status = 'claimed', worker_id = ${workerId}, claimed_at = now()
		WHERE id IN (
			SELECT t.id FROM fold_tasks t
			JOIN runs r ON r.id = t.run_id AND r.status = 'running' AND r.attempt = t.attempt
			JOIN ${workers} ON ${workers.id} = r.worker_id AND ${isLiveWorker(HELPER_STALE_SECONDS)}
			WHERE t.status = 'pending' AND t.coordinator_id <> ${workerId}
				AND NOT ((t.run_id::text || ':' || t.attempt) = ANY(string_to_array(${skipRuns.join(',')}, ',')))
				AND (${filter.onlyRun ?? null}::text IS NULL OR t.run_id::text || ':' || t.attempt = ${filter.onlyRun ?? null})
			ORDER BY t.created_at
			LIMIT ${limit}
			FOR UPDATE OF t SKIP LOCKED)
		RETURNING id, run_id, attempt, fingerprint, job,
			greatest(0, extract(epoch FROM deadline_at - now()) * 1000)::float8 AS ms_left`);
	return rows.map((r) => ({
		id: r.id,
		runId: r.run_id,
		attempt: r.attempt,
		fingerprint: r.fingerprint,
		job: r.job,
		msLeft: Number(r.ms_left)
	}));
}

/** Writes a helper's result; false when the task was withdrawn or taken away meanwhile. */
export async function finishFoldTask(
	db: Database,
	id: string,
	workerId: string,
	result: { outcome: FoldOutcome } | { error: string }
): Promise<boolean> {
	const set =
		'outcome' in result
			? { status: 'done' as const, outcome: gzipSync(encodeFoldOutcome(result.outcome), { level: 1 }) }
			: { status: 'failed' as const, error: result.error };
	const rows = await db
		.update(foldTasks)
		.set(set)
		.where(and(eq(foldTasks.id, id), eq(foldTasks.status, 'claimed'), eq(foldTasks.workerId, workerId)))
		.returning({ id: foldTasks.id });
	return rows.length > 0;
}

/** Of `ids`, those this helper still holds (the others were withdrawn: the run ended or was cancelled). */
export async function heldFoldTasks(db: Database, workerId: string, ids: string[]): Promise<Set<string>> {
	if (ids.length === 0) return new Set();
	const rows = await db
		.select({ id: foldTasks.id })
		.from(foldTasks)
		.where(
			and(inArray(foldTasks.id, ids), eq(foldTasks.workerId, workerId), eq(foldTasks.status, 'claimed'))
		);
	return new Set(rows.map((r) => r.id));
}

/** Fitting threads of the other live workers that are idle (not coordinating a run): what could help now. */
export async function idleHelperThreads(db: Database, selfId: string): Promise<number> {
	const [row] = await db
		.select({ threads: sql<number>`coalesce(sum(${workers.threads}), 0)::int` })
		.from(workers)
		.where(and(ne(workers.id, selfId), isNull(workers.busyRunId), isLiveWorker(HELPER_STALE_SECONDS)));
	return row?.threads ?? 0;
}

/** Says which run this worker coordinates (null: idle, free to help). */
export async function setWorkerBusy(db: Database, workerId: string, runId: string | null): Promise<void> {
	await db.update(workers).set({ busyRunId: runId }).where(eq(workers.id, workerId));
}

/**
 * Housekeeping: tasks of runs that are no longer running under that attempt (a coordinator killed before it
 * could withdraw them), and anything older than a day.
 */
export async function deleteOrphanedFoldTasks(db: Database): Promise<number> {
	const rows = await db
		.delete(foldTasks)
		.where(
			sql`${lt(foldTasks.createdAt, sql`now() - interval '1 day'`)} OR NOT EXISTS (
				SELECT 1 FROM ${runs} WHERE ${runs.id} = ${foldTasks.runId}
					AND ${runs.status} = 'running' AND ${runs.attempt} = ${foldTasks.attempt})`
		)
		.returning({ id: foldTasks.id });
	return rows.length;
}
