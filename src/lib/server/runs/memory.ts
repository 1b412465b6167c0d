/**
 * Whether a run fits in the worker's memory, decided before training starts: a worker that runs out of memory
 * half-way is killed by the system and the user learns nothing, so Hunch refuses (or uses fewer threads) up
 * front with a message that says what to change.
 */
import os from 'node:os';
import { foldCountFor, repeatsFor } from '../../engine/automl/folds';

/** `HUNCH_WORKER_MEMORY_MB`, or three quarters of the machine's memory. */
export function workerMemoryBudgetBytes(env: NodeJS.ProcessEnv = process.env): number {
	const configured = Number(env.HUNCH_WORKER_MEMORY_MB);
	if (Number.isFinite(configured) && configured > 0) return configured * 1024 * 1024;
	return os.totalmem() * 0.75;
}

/**
 * Bytes a run needs with `threads` fitting threads: the decoded table, then every fold's encoded features
 * (Float64, about 1.5 features per column once dates and text are expanded) held by the coordinator and by
 * each thread, plus a fixed allowance for the process and the models.
 */
export function estimateRunBytes(rows: number, columns: number, threads: number): number {
	const folds = Math.max(1, foldCountFor(rows)) * repeatsFor(rows);
	const table = rows * columns * 9;
	const foldData = folds * rows * columns * 1.5 * 8;
	return 200 * 1024 * 1024 + table + (threads + 1) * foldData;
}

export type MemoryPlan = { ok: true; threads: number } | { ok: false; message: string };

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1)} GB`;

/** The most threads (up to `wanted`) whose estimate fits the budget, or the reason it cannot run at all. */
export function planMemory(rows: number, columns: number, wanted: number, budgetBytes: number): MemoryPlan {
	for (let threads = Math.max(1, wanted); threads >= 1; threads--)
		if (estimateRunBytes(rows, columns, threads) <= budgetBytes) return { ok: true, threads };
	const needed = estimateRunBytes(rows, columns, 1);
	return {
		ok: false,
		message: `Training on this dataset (${rows.toLocaleString('en-US')} rows × ${columns} columns) needs about ${gb(needed)} of memory, and this worker may use ${gb(budgetBytes)}. Train on a sample of the rows or fewer columns, or run a worker with more memory (HUNCH_WORKER_MEMORY_MB).`
	};
}
