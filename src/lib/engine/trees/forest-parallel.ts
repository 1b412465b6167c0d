/**
 * A forest grown on several worker threads: whole trees per thread. The binned data is shared (one
 * SharedArrayBuffer, not copied per thread), and tree t depends only on (seed, t), so the forest is identical to
 * `fitForest` on one thread, whatever the thread count.
 */
import { Worker } from 'node:worker_threads';
import {
	assembleForest,
	fitForest,
	setUpForest,
	type ForestData,
	type ForestModel,
	type ForestOptions,
	type ForestParams
} from './forest';
import type { FlatTree } from './tree';

export async function fitForestParallel(
	data: ForestData,
	partial: Partial<ForestParams>,
	options: ForestOptions & { threads: number }
): Promise<ForestModel> {
	if (options.threads <= 1) return fitForest(data, partial, options);
	const setup = setUpForest(data, partial);
	const shared = new Uint8Array(new SharedArrayBuffer(setup.binned.byteLength));
	shared.set(setup.binned);
	const workerSetup = { ...setup, binned: shared };
	const threads = Math.min(options.threads, setup.params.trees);
	const grown = new Map<number, FlatTree>();
	const entry = new URL('./forest-worker-entry.mjs', import.meta.url);
	const workers = Array.from(
		{ length: threads },
		(_, index) =>
			new Worker(entry, {
				workerData: { setup: workerSetup, index, threads, deadline: options.deadline ?? null }
			})
	);
	const stop = () => workers.forEach((w) => void w.terminate());
	options.signal?.addEventListener('abort', stop, { once: true });
	try {
		await Promise.all(
			workers.map(
				(worker) =>
					new Promise<void>((resolve, reject) => {
						worker.on('message', (message: { t: number; tree: FlatTree } | { done: true }) => {
							if ('done' in message) resolve();
							else {
								grown.set(message.t, message.tree);
								options.onTree?.(message.t);
							}
						});
						worker.on('error', reject);
						worker.on('exit', () => resolve());
					})
			)
		);
	} finally {
		options.signal?.removeEventListener('abort', stop);
		await Promise.all(workers.map((w) => w.terminate()));
	}
	// The trees in order; a deadline may leave gaps, so keep the unbroken run from tree 0 (which the seed fixes).
	const trees: FlatTree[] = [];
	for (let t = 0; grown.has(t); t++) trees.push(grown.get(t)!);
	return assembleForest(setup, data, trees);
}
