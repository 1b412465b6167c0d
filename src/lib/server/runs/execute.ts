/**
 * Executes one run's job on a worker: claim it, load the dataset, search with the engine while writing each
 * finished trial (the live leaderboard), then save the model. Every way a run can end is decided here:
 *
 *   succeeded                      the model is saved with the run, in one transaction
 *   failed (reason)                bad target, no model in time, dataset deleted, not enough memory, a bug
 *   cancelled                      the user asked; the worker notices within a second
 *   back to the queue              this worker is shutting down (a restart resumes it)
 *   nothing                        the run is no longer ours (presumed dead and handed to another worker)
 */
import { gzipSync } from 'node:zlib';
import type PgBoss from 'pg-boss';
import { artifactSummary, serialiseArtifact } from '../../engine/automl/artifact';
import { explanationBudget } from '../../engine/explain/explain';
import { familyByName } from '../../engine/automl/families';
import { AutoMLError, trainAutoML, type ProgressEvent } from '../../engine/automl/train';
import { TargetError } from '../../engine/prep/target';
import type { DbHandle } from '../db';
import type { RunProgress } from '../db/schema';
import { loadFrame } from '../datasets/store';
import {
	claimRun,
	completeRun,
	endRun,
	recordTrial,
	requeueRun,
	runState,
	updateProgress,
	type Claim
} from './lifecycle';
import { planMemory } from './memory';
import type { TrainRunJob } from './queue';
import { preparationOptions } from './settings';
import { sharedFoldRunner, type SharedTrialRunner } from './shared-runner';

export interface RunExecutorContext {
	handle: DbHandle;
	boss: PgBoss;
	workerId: string;
	/** Fitting threads this worker may use. */
	threads: number;
	memoryBudgetBytes: number;
	/** Aborted when the worker is shutting down: the run goes back to the queue. */
	stopping: AbortSignal;
	log: (message: string) => void;
	/** How often the run's row is checked for cancel / dataset deletion / lost ownership. */
	pollMs?: number;
}

export type RunOutcome = 'skipped' | 'succeeded' | 'failed' | 'cancelled' | 'requeued' | 'lost';

type StopReason = 'cancel' | 'dataset' | 'stopping' | 'lost';

/** Seconds this attempt may search: what is left of the budget, but never less than a useful minimum. */
export function attemptBudget(limitSeconds: number, spentSeconds: number): number {
	return Math.max(limitSeconds - spentSeconds, Math.min(limitSeconds, 60));
}

function isOutOfMemory(err: unknown): boolean {
	const e = err as { code?: string; message?: string };
	return e?.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap limit/i.test(e?.message ?? '');
}

export async function executeRun(ctx: RunExecutorContext, job: TrainRunJob): Promise<RunOutcome> {
	const { db } = ctx.handle;
	const claim = await claimRun(db, job.runId, job.attempt, ctx.workerId);
	if (!claim) return 'skipped';
	ctx.log(`run ${claim.runId}: attempt ${claim.attempt} started`);
	try {
		return await executeClaimedRun(ctx, claim);
	} catch (err) {
		// Whatever escapes (the database failing mid-run…) must not leave the run "running" under a live worker.
		ctx.log(`run ${claim.runId}: unexpected error: ${(err as Error).stack ?? String(err)}`);
		await endRun(
			db,
			claim,
			ctx.workerId,
			'failed',
			`Training stopped on an unexpected error: ${(err as Error).message}`
		);
		return 'failed';
	}
}

async function executeClaimedRun(ctx: RunExecutorContext, claim: Claim): Promise<RunOutcome> {
	const { handle, workerId, log } = ctx;
	const db = handle.db;
	const started = Date.now();
	const fail = async (reason: string): Promise<RunOutcome> => {
		await endRun(db, claim, workerId, 'failed', reason);
		log(`run ${claim.runId}: failed: ${reason}`);
		return 'failed';
	};

	const frame = claim.datasetId ? await loadFrame(db, claim.ownerId, claim.datasetId) : null;
	if (!frame) return fail(`The dataset "${claim.datasetName}" was deleted before training could start.`);
	const features = frame.columns.length - 1 - claim.settings.excludeColumns.length;
	const memory = planMemory(frame.rowCount, frame.columns.length, ctx.threads, ctx.memoryBudgetBytes);
	if (!memory.ok) return fail(memory.message);

	let stopReason: StopReason | undefined;
	const controller = new AbortController();
	const stop = (reason: StopReason) => {
		if (stopReason) return;
		stopReason = reason;
		controller.abort();
	};
	const onStopping = () => stop('stopping');
	ctx.stopping.addEventListener('abort', onStopping, { once: true });
	if (ctx.stopping.aborted) stop('stopping');
	const watcher = setInterval(() => {
		runState(db, claim, workerId).then(
			(state) => {
				if (!state.held) stop('lost');
				else if (state.cancelRequested) stop('cancel');
				else if (state.datasetDeleted) stop('dataset');
			},
			() => undefined // a failed poll is retried next tick; the database may be restarting
		);
	}, ctx.pollMs ?? 1000);

	// Progress writes happen in order, off the training loop; a write that finds the run taken away stops it.
	const progress: RunProgress = { trials: 0, warnings: [], phase: 'Preparing the data' };
	let runner: SharedTrialRunner | undefined;
	let writes: Promise<unknown> = updateProgress(db, claim, workerId, progress);
	const write = (task: () => Promise<unknown>) => {
		writes = writes.then(task).catch((err: Error) => log(`run ${claim.runId}: write failed: ${err.message}`));
	};
	const saveProgress = () => {
		const snapshot = { ...progress };
		write(() => updateProgress(db, claim, workerId, snapshot));
	};
	const onProgress = (event: ProgressEvent) => {
		switch (event.type) {
			case 'plan':
				Object.assign(progress, {
					task: event.task,
					metric: event.metric,
					validation: event.validation,
					rows: event.rows,
					features: event.features,
					reason: event.reason,
					phase: 'Searching'
				});
				saveProgress();
				break;
			case 'warning':
				progress.warnings.push(event.message);
				break;
			case 'trial-started':
				progress.phase = `Training ${familyByName(event.family).label.toLowerCase()} (trial ${event.trial + 1})`;
				saveProgress();
				break;
			case 'trial-finished': {
				progress.trials = event.trial + 1;
				if (runner) progress.foldsByWorker = runner.foldsByWorker();
				progress.best = Number.isFinite(event.best) ? event.best : undefined;
				const snapshot = { ...progress };
				const record = {
					trial: event.trial,
					family: event.family,
					label: familyByName(event.family).label,
					params: event.params,
					score: event.score,
					seconds: event.seconds,
					detail: event.detail,
					bestSoFar: event.best
				};
				write(async () => {
					if (!(await recordTrial(handle, claim, workerId, record, snapshot))) stop('lost');
				});
				break;
			}
			case 'ensemble':
				progress.phase = `Combining the best ${event.members === 1 ? 'model' : `${event.members} models`}`;
				saveProgress();
				break;
			case 'explaining':
				progress.phase = 'Explaining the model';
				saveProgress();
				break;
		}
	};

	try {
		const { settings } = claim;
		const artifact = await trainAutoML(frame, {
			...preparationOptions(claim.target, settings),
			timeLimitSeconds: attemptBudget(settings.timeLimitSeconds, claim.spentSeconds),
			models: settings.models.length ? settings.models : undefined,
			maxTrials: settings.maxTrials,
			explainSeconds: explanationBudget(settings.timeLimitSeconds),
			threads: memory.threads,
			// Always on worker threads, even one (this thread keeps heart-beating and answering the database);
			// folds waiting for a thread are offered to idle workers.
			runner: (setup) =>
				(runner = sharedFoldRunner({
					db,
					runId: claim.runId,
					attempt: claim.attempt,
					workerId,
					setup,
					log: (message) => log(`run ${claim.runId}: ${message}`)
				})),
			signal: controller.signal,
			onProgress
		});
		await writes;
		if (stopReason) throw new AutoMLError('stopped');
		progress.phase = 'Done';
		if (runner) progress.foldsByWorker = runner.foldsByWorker();
		const modelId = await completeRun(
			handle,
			claim,
			workerId,
			{
				name: `${claim.target} · ${claim.datasetName}`,
				task: artifact.task,
				metric: artifact.metric,
				score: artifact.metrics[artifact.metric],
				metrics: artifact.metrics,
				summary: artifactSummary(artifact),
				explanations: artifact.explanations ?? null,
				artifact: gzipSync(serialiseArtifact(artifact))
			},
			{ ...progress }
		);
		if (!modelId) return 'lost';
		log(`run ${claim.runId}: succeeded, model ${modelId} (${features} feature columns)`);
		return 'succeeded';
	} catch (err) {
		await writes;
		const seconds = (Date.now() - started) / 1000;
		switch (stopReason) {
			case 'cancel':
				await endRun(
					db,
					claim,
					workerId,
					'cancelled',
					`Cancelled after ${progress.trials} trial${progress.trials === 1 ? '' : 's'}.`
				);
				return 'cancelled';
			case 'dataset':
				return fail(`The dataset "${claim.datasetName}" was deleted while the model was training.`);
			case 'stopping':
				await requeueRun(handle, ctx.boss, claim, workerId, seconds);
				log(`run ${claim.runId}: put back in the queue (worker stopping)`);
				return 'requeued';
			case 'lost':
				log(`run ${claim.runId}: another worker has taken this run over; stopping`);
				return 'lost';
		}
		if (err instanceof AutoMLError || err instanceof TargetError) return fail(err.message);
		if (isOutOfMemory(err))
			return fail(
				`The worker ran out of memory training on this dataset (${frame.rowCount.toLocaleString('en-US')} rows × ${frame.columns.length} columns). Train on a sample of the rows or fewer columns, or run a worker with more memory.`
			);
		log(`run ${claim.runId}: unexpected error: ${(err as Error).stack ?? String(err)}`);
		return fail(`Training stopped on an unexpected error: ${(err as Error).message}`);
	} finally {
		clearInterval(watcher);
		ctx.stopping.removeEventListener('abort', onStopping);
	}
}
