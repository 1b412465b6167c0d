/**
 * Where fold fits run: in this thread, or spread over worker threads so a trial's folds train on every core.
 * Both give identical results for the same jobs (each fit depends only on its data, parameters and seed).
 */
import { Worker } from 'node:worker_threads';
import { fitFold, prepareFamily, type FoldJob, type FoldOutcome, type FoldSets } from './fold-fit';

export interface TrialRunner {
	/** Folds it can fit at once now (read at the start of each trial). */
	readonly threads: number;
	run(job: FoldJob): Promise<FoldOutcome>;
	close(): Promise<void>;
}

export function inThreadRunner(folds: FoldSets[], signal?: AbortSignal): TrialRunner {
	return {
		threads: 1,
		run: async (job) => {
			// Let timers and aborts through before a blocking fit.
			await new Promise<void>((resolve) => setImmediate(resolve));
			await prepareFamily(job.family);
			return fitFold(folds, job, signal);
		},
		close: async () => {}
	};
}

/** What a custom runner is built from (`AutoMLOptions.runner`). */
export interface RunnerSetup {
	folds: FoldSets[];
	/** Fitting threads of this process. */
	threads: number;
	signal?: AbortSignal;
	/** Identifies the folds, so that another process can check it rebuilt the same ones. */
	fingerprint: () => string;
}

interface Pending {
	resolve: (outcome: FoldOutcome) => void;
	reject: (err: Error) => void;
}

/** A pool of worker threads, each holding every fold's data. Jobs queue for the first free worker. */
export function workerThreadRunner(folds: FoldSets[], threads: number, signal?: AbortSignal): TrialRunner {
	const entry = new URL('./fold-worker-entry.mjs', import.meta.url);
	const idle: Worker[] = [];
	const queue: { job: FoldJob; pending: Pending }[] = [];
	const pending = new Map<number, Pending & { worker: Worker }>();
	let nextId = 0;
	let closed = false;
	const workers = Array.from({ length: threads }, () => {
		const worker = new Worker(entry);
		worker.postMessage({ type: 'init', folds });
		worker.on(
			'message',
			(
				message:
					| { type: 'done'; id: number; outcome: FoldOutcome }
					| { type: 'error'; id: number; message: string }
			) => {
				const waiting = pending.get(message.id);
				pending.delete(message.id);
				if (message.type === 'done') waiting?.resolve(message.outcome);
				else waiting?.reject(new Error(message.message));
				idle.push(worker);
				dispatch();
			}
		);
		worker.on('error', (err) => {
			for (const [id, waiting] of pending)
				if (waiting.worker === worker) {
					pending.delete(id);
					waiting.reject(err);
				}
		});
		idle.push(worker);
		return worker;
	});
	const dispatch = () => {
		while (idle.length && queue.length && !closed) {
			const worker = idle.shift()!;
			const { job, pending: callbacks } = queue.shift()!;
			const id = nextId++;
			pending.set(id, { ...callbacks, worker });
			worker.postMessage({ type: 'fit', id, job });
		}
	};
	const close = async () => {
		if (closed) return;
		closed = true;
		for (const { pending: callbacks } of queue.splice(0)) callbacks.reject(new Error('cancelled'));
		for (const [, waiting] of pending) waiting.reject(new Error('cancelled'));
		pending.clear();
		await Promise.all(workers.map((w) => w.terminate()));
	};
	// Cancelling stops the fits at once: the workers are terminated mid-fit.
	signal?.addEventListener('abort', () => void close(), { once: true });
	return {
		threads,
		run: (job) =>
			new Promise<FoldOutcome>((resolve, reject) => {
				if (closed) return reject(new Error('cancelled'));
				queue.push({ job, pending: { resolve, reject } });
				dispatch();
			}),
		close
	};
}
