/**
 * The coordinator's trial runner: folds fit on this worker's threads first; folds waiting for a thread are
 * offered to idle workers through `fold_tasks`, and whichever side gets to a fold first fits it (work
 * stealing). A worker alone never writes a task: folds are offered only while another live worker is idle.
 *
 * Every outcome is the same whoever fits it (a fit depends only on the fold, the parameters and the seed; the
 * helper proves it rebuilt the same folds with the fingerprint), so spreading a run changes how soon its
 * trials finish, not what they find.
 */
import type { FoldJob, FoldOutcome } from '../../engine/automl/fold-fit';
import { workerThreadRunner, type RunnerSetup, type TrialRunner } from '../../engine/automl/trial-runner';
import type { Database } from '../db';
import {
	idleHelperThreads,
	offerFoldTasks,
	readFoldTasks,
	takeBackFoldTask,
	withdrawFoldTasks
} from './fold-tasks';

export interface SharedRunnerOptions {
	db: Database;
	runId: string;
	attempt: number;
	workerId: string;
	setup: RunnerSetup;
	/** This worker's own threads (default: worker threads holding the folds). */
	local?: (setup: RunnerSetup) => TrialRunner;
	/** How often offered folds are checked on (ms). */
	pollMs?: number;
	/** How long the count of idle helpers is trusted (ms). */
	helpersTtlMs?: number;
	log?: (message: string) => void;
}

export interface SharedTrialRunner extends TrialRunner {
	/** Folds fitted so far by each worker (this one included). */
	foldsByWorker(): Record<string, number>;
}

interface Entry {
	job: FoldJob;
	resolve: (outcome: FoldOutcome) => void;
	reject: (err: Error) => void;
	/** queued: waiting (offered to helpers when `taskId` is set); remote: a helper is fitting it. */
	where: 'queued' | 'offering' | 'taking-back' | 'local' | 'remote' | 'settled';
	taskId?: string;
}

export function sharedFoldRunner(options: SharedRunnerOptions): SharedTrialRunner {
	const { db, setup, workerId } = options;
	const log = options.log ?? (() => undefined);
	const pollMs = options.pollMs ?? 100;
	const helpersTtlMs = options.helpersTtlMs ?? 2000;
	const local = (options.local ?? ((s: RunnerSetup) => workerThreadRunner(s.folds, s.threads, s.signal)))(
		setup
	);
	const localThreads = Math.max(1, setup.threads);
	const entries: Entry[] = [];
	const counts: Record<string, number> = {};
	let localBusy = 0;
	let helperThreads = 0;
	let helpersCheckedAt = -Infinity;
	let refreshing = false;
	let polling = false;
	let closed = false;
	let fingerprint: string | undefined;

	const settle = (entry: Entry, by: string, outcome: FoldOutcome) => {
		if (entry.where === 'settled') return;
		entry.where = 'settled';
		counts[by] = (counts[by] ?? 0) + 1;
		entry.resolve(outcome);
	};
	const fail = (entry: Entry, err: Error) => {
		if (entry.where === 'settled') return;
		entry.where = 'settled';
		entry.reject(err);
	};
	const forget = () => {
		for (let i = entries.length - 1; i >= 0; i--) if (entries[i].where === 'settled') entries.splice(i, 1);
	};

	const fitLocally = (entry: Entry) => {
		entry.where = 'local';
		entry.taskId = undefined;
		local
			.run(entry.job)
			.then(
				(outcome) => settle(entry, workerId, outcome),
				(err: Error) => fail(entry, err)
			)
			.finally(() => {
				localBusy--;
				schedule();
			});
	};

	/** Starts waiting folds on free local threads, taking back any a helper has not claimed yet. */
	const startLocal = () => {
		while (!closed && localBusy < localThreads) {
			const entry = entries.find((e) => e.where === 'queued');
			if (!entry) return;
			localBusy++;
			if (!entry.taskId) {
				fitLocally(entry);
				continue;
			}
			entry.where = 'taking-back';
			takeBackFoldTask(db, entry.taskId).then(
				(mine) => {
					if (entry.where !== 'taking-back') return void localBusy--;
					if (mine) return fitLocally(entry);
					localBusy--;
					entry.where = 'remote';
					schedule();
				},
				() => {
					// Unknown outcome: look again soon (the poll sees whether a helper has it).
					localBusy--;
					if (entry.where === 'taking-back') entry.where = 'remote';
					schedule();
				}
			);
		}
	};

	const refreshHelpers = () => {
		if (refreshing || closed || performance.now() - helpersCheckedAt < helpersTtlMs) return;
		refreshing = true;
		idleHelperThreads(db, workerId)
			.then(
				(threads) => (helperThreads = threads),
				() => (helperThreads = 0)
			)
			.finally(() => {
				helpersCheckedAt = performance.now();
				refreshing = false;
				offer();
			});
	};

	/** Offers the folds still waiting for a local thread, when some other worker is idle. */
	const offer = () => {
		refreshHelpers();
		if (closed || helperThreads === 0) return;
		const waiting = entries.filter((e) => e.where === 'queued' && !e.taskId);
		if (waiting.length === 0) return;
		for (const entry of waiting) entry.where = 'offering';
		fingerprint ??= setup.fingerprint();
		const now = Date.now();
		offerFoldTasks(
			db,
			{ runId: options.runId, attempt: options.attempt, coordinatorId: workerId, fingerprint },
			waiting.map(({ job }) => ({
				job: {
					family: job.family,
					params: job.params,
					fold: job.fold,
					seed: job.seed,
					foldCount: job.foldCount
				},
				deadlineInMs: job.deadline - now
			}))
		).then(
			(ids) => {
				waiting.forEach((entry, i) => {
					entry.taskId = ids[i];
					if (entry.where === 'offering') entry.where = 'queued';
				});
				if (closed) void withdrawFoldTasks(db, ids).catch(() => undefined);
				schedule();
			},
			(err: Error) => {
				log(`could not offer folds to other workers: ${err.message}`);
				for (const entry of waiting) if (entry.where === 'offering') entry.where = 'queued';
				helperThreads = 0;
				schedule();
			}
		);
	};

	/** Follows offered folds while any is out: outcomes in, failures and lost helpers back to this worker. */
	const poll = async () => {
		if (polling) return;
		polling = true;
		try {
			for (;;) {
				const out = entries.filter((e) => e.taskId && (e.where === 'queued' || e.where === 'remote'));
				if (closed || out.length === 0) return;
				await new Promise((resolve) => setTimeout(resolve, pollMs));
				const byId = new Map(out.map((e) => [e.taskId!, e]));
				let states;
				try {
					states = await readFoldTasks(db, [...byId.keys()]);
				} catch (err) {
					log(`could not read offered folds: ${(err as Error).message}`);
					continue;
				}
				for (const state of states) {
					const entry = byId.get(state.id)!;
					if (entry.taskId !== state.id || entry.where === 'settled') continue;
					switch (state.state) {
						case 'pending':
							if (entry.where === 'remote') entry.where = 'queued';
							break;
						case 'working':
							if (entry.where === 'queued') entry.where = 'remote';
							break;
						case 'done':
							settle(entry, state.workerId, state.outcome);
							break;
						case 'failed':
						case 'abandoned':
							if (entry.where !== 'queued' && entry.where !== 'remote') break;
							log(
								state.state === 'failed'
									? `worker ${state.workerId} could not fit fold ${entry.job.fold} (${state.error}); fitting it here`
									: `worker ${state.workerId ?? '?'} stopped responding while fitting fold ${entry.job.fold}; fitting it here`
							);
							entry.taskId = undefined;
							entry.where = 'queued';
							break;
					}
				}
				forget();
				startLocal();
			}
		} finally {
			polling = false;
		}
	};

	const schedule = () => {
		if (closed) return;
		forget();
		startLocal();
		offer();
		void poll();
	};

	const close = async () => {
		if (closed) return;
		closed = true;
		const ids = entries.filter((e) => e.taskId).map((e) => e.taskId!);
		for (const entry of entries) fail(entry, new Error('cancelled'));
		entries.length = 0;
		await Promise.all([withdrawFoldTasks(db, ids).catch(() => undefined), local.close()]);
	};
	setup.signal?.addEventListener('abort', () => void close(), { once: true });
	refreshHelpers();

	return {
		get threads() {
			return localThreads + helperThreads;
		},
		run: (job) =>
			new Promise<FoldOutcome>((resolve, reject) => {
				if (closed) return reject(new Error('cancelled'));
				entries.push({ job, resolve, reject, where: 'queued' });
				schedule();
			}),
		close,
		foldsByWorker: () => ({ ...counts })
	};
}
