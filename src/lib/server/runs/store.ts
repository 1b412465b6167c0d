/**
 * Runs as the web app and the API see them: created with their queue job in one transaction, listed and read
 * only by their owner, cancelled on request. The worker side lives in ./lifecycle.ts.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { isUuid } from '../db/ids';
import { withClientTransaction, type Database, type DbHandle } from '../db';
import { datasets, runs, trials, type RunProgress, type RunSettings, type RunStatus } from '../db/schema';
import { notifyRun } from './notify';
import { enqueueRun } from './queue';
import type { RunRequest } from './settings';

export interface RunSummary {
	id: string;
	datasetId: string | null;
	datasetName: string;
	target: string;
	status: RunStatus;
	cancelRequested: boolean;
	settings: RunSettings;
	progress: RunProgress;
	bestScore: number | null;
	error: string | null;
	modelId: string | null;
	attempt: number;
	createdAt: Date;
	startedAt: Date | null;
	attemptStartedAt: Date | null;
	finishedAt: Date | null;
	/** Seconds used by earlier, interrupted attempts. */
	spentSeconds: number;
	rerunOf: string | null;
	/** For a queued run: 1 when it is next, counting every user's queued runs. */
	queuePosition: number | null;
}

export interface TrialRow {
	attempt: number;
	trial: number;
	family: string;
	label: string;
	params: Record<string, number | string | boolean>;
	score: number | null;
	seconds: number;
	detail: string;
	bestSoFar: number | null;
	finishedAt: Date;
}

export interface RunDetail extends RunSummary {
	/** Every trial of every attempt, in the order they finished. */
	trials: TrialRow[];
}

export class DatasetGoneError extends Error {}

const summaryColumns = {
	id: runs.id,
	datasetId: runs.datasetId,
	datasetName: runs.datasetName,
	target: runs.target,
	status: runs.status,
	cancelRequested: runs.cancelRequested,
	settings: runs.settings,
	progress: runs.progress,
	bestScore: runs.bestScore,
	error: runs.error,
	modelId: runs.modelId,
	attempt: runs.attempt,
	createdAt: runs.createdAt,
	startedAt: runs.startedAt,
	attemptStartedAt: runs.attemptStartedAt,
	finishedAt: runs.finishedAt,
	spentSeconds: runs.spentSeconds,
	rerunOf: runs.rerunOf,
	// Spelled out: drizzle leaves single-table columns unqualified, which inside the subquery would mean `ahead`.
	queuePosition: sql<number | null>`CASE WHEN runs.status = 'queued' THEN (
		SELECT count(*)::int + 1 FROM runs AS ahead
		WHERE ahead.status = 'queued' AND ahead.created_at < runs.created_at) END`
};

/**
 * Saves the run and enqueues its job in one transaction: either both exist or neither. Fails with
 * DatasetGoneError when the dataset is not the owner's (or was deleted a moment ago).
 */
export async function createRun(
	handle: DbHandle,
	boss: PgBoss,
	ownerId: string,
	datasetId: string,
	request: RunRequest,
	rerunOf?: string
): Promise<RunSummary> {
	const id = await withClientTransaction(handle.pool, async (tx, client) => {
		// FOR SHARE: the dataset cannot be deleted between this check and the insert.
		const [dataset] = await tx
			.select({ name: datasets.name })
			.from(datasets)
			.where(and(eq(datasets.id, datasetId), eq(datasets.ownerId, ownerId)))
			.for('share');
		if (!dataset) throw new DatasetGoneError('No dataset with that id.');
		const [run] = await tx
			.insert(runs)
			.values({
				ownerId,
				datasetId,
				datasetName: dataset.name,
				target: request.target,
				settings: request.settings,
				rerunOf: rerunOf ?? null
			})
			.returning({ id: runs.id, attempt: runs.attempt });
		await enqueueRun(boss, client, run.id, run.attempt, request.settings.timeLimitSeconds);
		await notifyRun(tx, run.id);
		return run.id;
	});
	return (await getRun(handle.db, ownerId, id))!;
}

export async function listRuns(db: Database, ownerId: string, limit = 200): Promise<RunSummary[]> {
	return db
		.select(summaryColumns)
		.from(runs)
		.where(eq(runs.ownerId, ownerId))
		.orderBy(desc(runs.createdAt))
		.limit(limit);
}

export async function getRun(db: Database, ownerId: string, id: string): Promise<RunSummary | null> {
	if (!isUuid(id)) return null;
	const [run] = await db
		.select(summaryColumns)
		.from(runs)
		.where(and(eq(runs.id, id), eq(runs.ownerId, ownerId)));
	return run ?? null;
}

export async function getRunDetail(db: Database, ownerId: string, id: string): Promise<RunDetail | null> {
	const run = await getRun(db, ownerId, id);
	if (!run) return null;
	const rows = await db
		.select({
			attempt: trials.attempt,
			trial: trials.trial,
			family: trials.family,
			label: trials.label,
			params: trials.params,
			score: trials.score,
			seconds: trials.seconds,
			detail: trials.detail,
			bestSoFar: trials.bestSoFar,
			finishedAt: trials.finishedAt
		})
		.from(trials)
		.where(eq(trials.runId, id))
		.orderBy(asc(trials.finishedAt), asc(trials.attempt), asc(trials.trial));
	return { ...run, trials: rows };
}

export type CancelOutcome = 'cancelled' | 'requested' | 'already_finished' | 'not_found';

/**
 * A queued run is cancelled at once (its job finds it cancelled and does nothing); a running one is flagged,
 * and its worker stops within a couple of seconds and marks it cancelled.
 */
export async function cancelRun(db: Database, ownerId: string, id: string): Promise<CancelOutcome> {
	if (!isUuid(id)) return 'not_found';
	const queued = await db
		.update(runs)
		.set({
			status: 'cancelled',
			cancelRequested: true,
			finishedAt: sql`now()`,
			error: 'Cancelled before it started.'
		})
		.where(and(eq(runs.id, id), eq(runs.ownerId, ownerId), eq(runs.status, 'queued')))
		.returning({ id: runs.id });
	if (queued.length) {
		await notifyRun(db, id);
		return 'cancelled';
	}
	const running = await db
		.update(runs)
		.set({ cancelRequested: true })
		.where(and(eq(runs.id, id), eq(runs.ownerId, ownerId), eq(runs.status, 'running')))
		.returning({ id: runs.id });
	if (running.length) {
		await notifyRun(db, id);
		return 'requested';
	}
	return (await getRun(db, ownerId, id)) ? 'already_finished' : 'not_found';
}
