/**
 * A run's life on the worker side, as guarded database updates: every write after the claim checks that this
 * worker still holds the run (same `workerId` and `attempt`, status running). A worker that was presumed dead
 * and replaced therefore cannot overwrite its successor's work, and a trial is never written twice.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ModelSummary } from '../../engine/automl/artifact';
import type { ModelExplanations } from '../../engine/explain/explain';
import type PgBoss from 'pg-boss';
import { withClientTransaction, type Database, type DbHandle } from '../db';
import { models, runs, trials, workers, type RunProgress } from '../db/schema';
import { isLiveWorker } from '../queue/workers-registry';
import { notifyRun } from './notify';
import { enqueueRun } from './queue';

/** A run interrupted this many times (worker killed, out of memory…) fails instead of being tried again. */
export const MAX_ATTEMPTS = 3;

export interface Claim {
	runId: string;
	ownerId: string;
	datasetId: string | null;
	datasetName: string;
	target: string;
	settings: typeof runs.$inferSelect.settings;
	attempt: number;
	spentSeconds: number;
}

/** The run if this job still stands for it (queued, same attempt, not cancelled); it is now ours. */
export async function claimRun(
	db: Database,
	runId: string,
	jobAttempt: number,
	workerId: string
): Promise<Claim | null> {
	const [row] = await db
		.update(runs)
		.set({
			status: 'running',
			attempt: sql`${runs.attempt} + 1`,
			workerId,
			startedAt: sql`coalesce(${runs.startedAt}, now())`,
			attemptStartedAt: sql`now()`,
			progress: { trials: 0, warnings: [], phase: 'Loading the dataset' }
		})
		.where(
			and(
				eq(runs.id, runId),
				eq(runs.status, 'queued'),
				eq(runs.attempt, jobAttempt),
				eq(runs.cancelRequested, false)
			)
		)
		.returning();
	if (!row) return null;
	await notifyRun(db, runId);
	return {
		runId: row.id,
		ownerId: row.ownerId,
		datasetId: row.datasetId,
		datasetName: row.datasetName,
		target: row.target,
		settings: row.settings,
		attempt: row.attempt,
		spentSeconds: row.spentSeconds
	};
}

const held = (claim: Claim, workerId: string) =>
	and(
		eq(runs.id, claim.runId),
		eq(runs.status, 'running'),
		eq(runs.workerId, workerId),
		eq(runs.attempt, claim.attempt)
	);

export interface RunState {
	held: boolean;
	cancelRequested: boolean;
	datasetDeleted: boolean;
}

/** What the coordinator polls: is the run still ours, did the user cancel, is the dataset still there. */
export async function runState(db: Database, claim: Claim, workerId: string): Promise<RunState> {
	const [row] = await db
		.select({
			status: runs.status,
			workerId: runs.workerId,
			attempt: runs.attempt,
			cancelRequested: runs.cancelRequested,
			datasetId: runs.datasetId
		})
		.from(runs)
		.where(eq(runs.id, claim.runId));
	if (!row) return { held: false, cancelRequested: false, datasetDeleted: false };
	return {
		held: row.status === 'running' && row.workerId === workerId && row.attempt === claim.attempt,
		cancelRequested: row.cancelRequested,
		datasetDeleted: row.datasetId === null
	};
}

export interface TrialRecord {
	trial: number;
	family: string;
	label: string;
	params: Record<string, number | string | boolean>;
	score: number;
	seconds: number;
	detail: string;
	bestSoFar: number;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Writes a finished trial and the run's progress together. False when the run is no longer ours. */
export async function recordTrial(
	handle: DbHandle,
	claim: Claim,
	workerId: string,
	record: TrialRecord,
	progress: RunProgress
): Promise<boolean> {
	return handle.db.transaction(async (tx) => {
		const updated = await tx
			.update(runs)
			.set({ progress, bestScore: finite(record.bestSoFar) })
			.where(held(claim, workerId))
			.returning({ id: runs.id });
		if (!updated.length) return false;
		await tx
			.insert(trials)
			.values({
				runId: claim.runId,
				attempt: claim.attempt,
				trial: record.trial,
				family: record.family,
				label: record.label,
				params: record.params,
				score: finite(record.score),
				seconds: record.seconds,
				detail: record.detail,
				bestSoFar: finite(record.bestSoFar),
				workerId
			})
			.onConflictDoNothing();
		await notifyRun(tx, claim.runId);
		return true;
	});
}

export async function updateProgress(
	db: Database,
	claim: Claim,
	workerId: string,
	progress: RunProgress
): Promise<void> {
	const updated = await db
		.update(runs)
		.set({ progress })
		.where(held(claim, workerId))
		.returning({ id: runs.id });
	if (updated.length) await notifyRun(db, claim.runId);
}

export interface SavedModel {
	name: string;
	task: string;
	metric: string;
	score: number;
	metrics: Record<string, number>;
	summary: ModelSummary;
	explanations: ModelExplanations | null;
	artifact: Buffer;
}

/** Saves the model and marks the run succeeded, atomically; null when the run is no longer ours. */
export async function completeRun(
	handle: DbHandle,
	claim: Claim,
	workerId: string,
	model: SavedModel,
	progress: RunProgress
): Promise<string | null> {
	return handle.db.transaction(async (tx) => {
		const [run] = await tx.select({ id: runs.id }).from(runs).where(held(claim, workerId)).for('update');
		if (!run) return null;
		const [saved] = await tx
			.insert(models)
			.values({
				ownerId: claim.ownerId,
				runId: claim.runId,
				datasetName: claim.datasetName,
				name: model.name,
				target: claim.target,
				task: model.task,
				metric: model.metric,
				score: model.score,
				metrics: model.metrics,
				summary: model.summary,
				explanations: model.explanations,
				artifact: model.artifact,
				artifactBytes: model.artifact.length
			})
			.returning({ id: models.id });
		await tx
			.update(runs)
			.set({
				status: 'succeeded',
				modelId: saved.id,
				bestScore: finite(model.score),
				progress,
				finishedAt: sql`now()`,
				workerId: null
			})
			.where(eq(runs.id, claim.runId));
		await notifyRun(tx, claim.runId);
		return saved.id;
	});
}

/** Ends the run as failed or cancelled with a reason shown to the user. */
export async function endRun(
	db: Database,
	claim: Claim,
	workerId: string,
	status: 'failed' | 'cancelled',
	reason: string
): Promise<boolean> {
	const updated = await db
		.update(runs)
		.set({ status, error: reason, finishedAt: sql`now()`, workerId: null })
		.where(held(claim, workerId))
		.returning({ id: runs.id });
	if (updated.length) await notifyRun(db, claim.runId);
	return updated.length > 0;
}

/**
 * Puts a run this worker is giving up (it is shutting down) back in the queue with a new job, counting the
 * seconds it used against the budget. The trials already written stay.
 */
export async function requeueRun(
	handle: DbHandle,
	boss: PgBoss,
	claim: Claim,
	workerId: string,
	usedSeconds: number
): Promise<boolean> {
	return withClientTransaction(handle.pool, async (tx, client) => {
		const updated = await tx
			.update(runs)
			.set({
				status: 'queued',
				workerId: null,
				spentSeconds: sql`${runs.spentSeconds} + ${usedSeconds}`,
				progress: sql`${runs.progress} || '{"phase":"Waiting for a worker (the last one stopped)"}'::jsonb`
			})
			.where(held(claim, workerId))
			.returning({ attempt: runs.attempt });
		if (!updated.length) return false;
		await enqueueRun(boss, client, claim.runId, updated[0].attempt, claim.settings.timeLimitSeconds);
		await notifyRun(tx, claim.runId);
		return true;
	});
}

export interface Recovered {
	requeued: string[];
	failed: string[];
}

/**
 * Runs marked running by a worker that stopped heart-beating (killed, crashed, machine gone) go back to the
 * queue, or fail once they have been interrupted MAX_ATTEMPTS times. Any worker may call this at any time:
 * the row locks (SKIP LOCKED) make two concurrent sweeps share the work instead of doubling it.
 */
export async function recoverOrphanedRuns(handle: DbHandle, boss: PgBoss): Promise<Recovered> {
	return withClientTransaction(handle.pool, async (tx, client) => {
		const alive = tx.select({ id: workers.id }).from(workers).where(isLiveWorker());
		const orphans = await tx
			.select({
				id: runs.id,
				attempt: runs.attempt,
				settings: runs.settings
			})
			.from(runs)
			.where(
				and(eq(runs.status, 'running'), sql`(${runs.workerId} IS NULL OR ${runs.workerId} NOT IN ${alive})`)
			)
			.for('update', { skipLocked: true });
		const failing = orphans.filter((r) => r.attempt >= MAX_ATTEMPTS);
		const requeuing = orphans.filter((r) => r.attempt < MAX_ATTEMPTS);
		if (failing.length)
			await tx
				.update(runs)
				.set({
					status: 'failed',
					workerId: null,
					finishedAt: sql`now()`,
					error: `The worker training this run stopped ${MAX_ATTEMPTS} times without finishing (killed, restarted, or out of memory). The trials it finished are kept below; try a shorter time limit, fewer columns or a machine with more memory.`
				})
				.where(
					inArray(
						runs.id,
						failing.map((r) => r.id)
					)
				);
		for (const run of requeuing) {
			// The attempt's time is lost with its worker; count it from the attempt's last trial or start.
			await tx
				.update(runs)
				.set({
					status: 'queued',
					workerId: null,
					spentSeconds: sql`${runs.spentSeconds} + greatest(0, extract(epoch FROM (
						coalesce((SELECT max(t.finished_at) FROM trials t WHERE t.run_id = ${run.id}
							AND t.attempt = ${run.attempt}), now()) - coalesce(${runs.attemptStartedAt}, now()))))`,
					progress: sql`${runs.progress} || '{"phase":"Waiting for a worker (the last one stopped responding)"}'::jsonb`
				})
				.where(eq(runs.id, run.id));
			await enqueueRun(boss, client, run.id, run.attempt, run.settings.timeLimitSeconds);
		}
		for (const run of orphans) await notifyRun(tx, run.id);
		const requeued = requeuing.map((r) => r.id);
		const failed = failing.map((r) => r.id);
		return { requeued, failed };
	});
}
