/**
 * The helper side of a shared run: while this worker coordinates no run of its own, it claims folds other
 * coordinators offer, fits them on its threads and writes the outcomes back (see shared-runner.ts).
 *
 * To fit a run's folds it needs them: it loads the run's dataset once, rebuilds the folds exactly as the
 * coordinator did (the same engine code from the same settings) and checks the fingerprint. A run it cannot
 * help with (other folds, not enough memory, the dataset gone) fails that task with the reason, so the
 * coordinator fits it itself, and is skipped from then on. Folds of one run at a time; the run's data is
 * dropped when its tasks stop coming or are withdrawn (the run ended or was cancelled).
 */
import { foldSetsOf, foldsFingerprint, prepareTraining } from '../../engine/automl/prepare';
import { workerThreadRunner, type RunnerSetup, type TrialRunner } from '../../engine/automl/trial-runner';
import type { Database } from '../db';
import { runs } from '../db/schema';
import { loadFrame } from '../datasets/store';
import { eq } from 'drizzle-orm';
import { claimFoldTasks, finishFoldTask, heldFoldTasks, type ClaimedFoldTask } from './fold-tasks';
import { planMemory } from './memory';
import { preparationOptions } from './settings';

export interface FoldHelperOptions {
	db: Database;
	workerId: string;
	threads: number;
	memoryBudgetBytes: number;
	/** True while this worker coordinates a run of its own: it claims nothing then. */
	isBusy: () => boolean;
	/** How often to look for offered folds when idle (ms). */
	pollMs?: number;
	/** A run's folds are dropped after this long without a task of it (ms). */
	idleCloseMs?: number;
	/** The threads that fit (default: worker threads holding the run's folds). */
	local?: (setup: RunnerSetup) => TrialRunner;
	log?: (message: string) => void;
}

export interface FoldHelper {
	/** Folds fitted and written back so far. */
	readonly fitted: number;
	stop(): Promise<void>;
}

class CannotHelp extends Error {}

interface RunContext {
	key: string;
	runner: Promise<TrialRunner>;
	inFlight: Set<string>;
	lastUsed: number;
}

export function startFoldHelper(options: FoldHelperOptions): FoldHelper {
	const { db, workerId, log = () => undefined } = options;
	const pollMs = options.pollMs ?? 250;
	const idleCloseMs = options.idleCloseMs ?? 15_000;
	const makeRunner = options.local ?? ((s: RunnerSetup) => workerThreadRunner(s.folds, s.threads, s.signal));
	const skipRuns = new Set<string>();
	let context: RunContext | undefined;
	let fitted = 0;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	let lastHeldCheck = 0;

	const keyOf = (task: { runId: string; attempt: number }) => `${task.runId}:${task.attempt}`;

	/** The run's folds on this worker's threads, built as the coordinator built them. */
	const buildRunner = async (task: ClaimedFoldTask): Promise<TrialRunner> => {
		const [run] = await db
			.select({
				ownerId: runs.ownerId,
				datasetId: runs.datasetId,
				target: runs.target,
				settings: runs.settings,
				status: runs.status,
				attempt: runs.attempt
			})
			.from(runs)
			.where(eq(runs.id, task.runId));
		if (!run || run.status !== 'running' || run.attempt !== task.attempt)
			throw new CannotHelp('the run is no longer running');
		const frame = run.datasetId ? await loadFrame(db, run.ownerId, run.datasetId) : null;
		if (!frame) throw new CannotHelp('the dataset was deleted');
		const memory = planMemory(
			frame.rowCount,
			frame.columns.length,
			options.threads,
			options.memoryBudgetBytes
		);
		if (!memory.ok) throw new CannotHelp(`not enough memory on this worker: ${memory.message}`);
		const prepared = prepareTraining(frame, preparationOptions(run.target, run.settings));
		const fingerprint = foldsFingerprint(prepared);
		if (fingerprint !== task.fingerprint)
			throw new CannotHelp(
				`this worker built different folds (${fingerprint}, the coordinator ${task.fingerprint}); is it running another version of Hunch?`
			);
		return makeRunner({
			folds: foldSetsOf(prepared),
			threads: memory.threads,
			fingerprint: () => fingerprint
		});
	};

	const closeContext = (why: string) => {
		const closing = context;
		if (!closing) return;
		context = undefined;
		log(`stopped helping with run ${closing.key} (${why})`);
		void closing.runner.then((r) => r.close()).catch(() => undefined);
	};

	const fit = async (ctx: RunContext, task: ClaimedFoldTask) => {
		ctx.inFlight.add(task.id);
		try {
			const runner = await ctx.runner;
			const outcome = await runner.run({ ...task.job, deadline: Date.now() + task.msLeft });
			if (await finishFoldTask(db, task.id, workerId, { outcome })) fitted++;
		} catch (err) {
			if (err instanceof CannotHelp) {
				if (!skipRuns.has(ctx.key)) log(`cannot help with run ${ctx.key}: ${err.message}`);
				skipRuns.add(ctx.key);
				if (context === ctx) closeContext('cannot help');
			}
			await finishFoldTask(db, task.id, workerId, { error: (err as Error).message }).catch(() => undefined);
		} finally {
			ctx.inFlight.delete(task.id);
			ctx.lastUsed = Date.now();
		}
	};

	/** Drops the run's folds when every task this helper was fitting has been withdrawn. */
	const checkWithdrawn = async () => {
		const ctx = context;
		if (!ctx || ctx.inFlight.size === 0 || Date.now() - lastHeldCheck < 1000) return;
		lastHeldCheck = Date.now();
		const held = await heldFoldTasks(db, workerId, [...ctx.inFlight]);
		if (held.size === 0 && context === ctx && ctx.inFlight.size > 0) closeContext('its folds were withdrawn');
	};

	const tick = async () => {
		if (context && context.inFlight.size === 0 && Date.now() - context.lastUsed > idleCloseMs)
			closeContext('no folds offered lately');
		await checkWithdrawn();
		const busy = context?.inFlight.size ?? 0;
		const free = options.isBusy() ? 0 : options.threads - busy;
		if (free <= 0) return;
		const claimed = await claimFoldTasks(db, workerId, free, {
			skipRuns: [...skipRuns],
			onlyRun: busy > 0 ? context!.key : undefined
		});
		for (const task of claimed) {
			const key = keyOf(task);
			if (context?.key !== key) {
				closeContext('another run needs help');
				const runner = buildRunner(task).catch((err: Error) => {
					throw err instanceof CannotHelp ? err : new CannotHelp(err.message);
				});
				context = { key, runner, inFlight: new Set(), lastUsed: Date.now() };
				context.runner.catch(() => undefined);
				log(`helping with run ${key}`);
			}
			void fit(context!, task);
		}
	};

	const loop = () => {
		if (stopped) return;
		tick()
			.catch((err: Error) => log(`fold helper: ${err.message}`))
			.finally(() => {
				if (!stopped) timer = setTimeout(loop, pollMs);
			});
	};
	timer = setTimeout(loop, pollMs);

	return {
		get fitted() {
			return fitted;
		},
		async stop() {
			stopped = true;
			clearTimeout(timer);
			const ctx = context;
			context = undefined;
			// Folds in flight are abandoned: the coordinator sees this worker stop and fits them itself.
			if (ctx) await ctx.runner.then((r) => r.close()).catch(() => undefined);
		}
	};
}
