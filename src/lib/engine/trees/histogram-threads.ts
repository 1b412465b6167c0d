/**
 * A boosting tree's histograms built on several threads, by feature blocks (XGBoost's and LightGBM's way of
 * using cores inside one fit): each thread adds its block of features for every row of the node, into the same
 * shared histogram. Each feature is summed by one thread in row order, so the model is identical whatever the
 * thread count.
 *
 * Everything the threads read or write lives in SharedArrayBuffers handed over once per fit: the row-major bins,
 * the row indices, the packed (quantized) gradients and an arena of histogram slots. A build is a handshake on a
 * small shared Int32Array: the fitting thread writes the job, bumps the generation and wakes the helpers,
 * builds its own block, then waits until every helper has counted itself done.
 */
import { Worker } from 'node:worker_threads';
import { buildPackedBlock } from './histogram';

/** Control slots. */
export const GENERATION = 0;
export const PENDING = 1;
export const SLOT = 2;
export const START = 3;
export const END = 4;
export const COUNTS = 5;
export const STOP = 6;
const CONTROL_LENGTH = 8;
/** A helper that has not finished its block by then has died or hung: the fit fails instead of waiting forever. */
const HELPER_TIMEOUT_MS = 60_000;

export interface SharedHistogramData {
	binned: Uint8Array;
	width: number;
	rows: Uint32Array;
	packed: Float64Array;
	/** Histogram slots of `slotLength` float64s each. */
	arena: Float64Array;
	slotLength: number;
}

export interface HelperSetup extends SharedHistogramData {
	control: Int32Array;
	from: number;
	to: number;
}

/** Contiguous blocks of features, as even as possible: [from, to) for each thread. */
export function featureBlocks(width: number, threads: number): [number, number][] {
	const n = Math.max(1, Math.min(threads, width));
	return Array.from({ length: n }, (_, t) => [
		Math.floor((t * width) / n),
		Math.floor(((t + 1) * width) / n)
	]);
}

/** A SharedArrayBuffer-backed typed array of the same kind and contents. */
export function shareArray<T extends Uint8Array | Uint32Array | Float64Array>(array: T): T {
	const Kind = array.constructor as new (buffer: SharedArrayBuffer) => T;
	const shared = new Kind(new SharedArrayBuffer(array.byteLength));
	shared.set(array as never);
	return shared;
}

export class HistogramThreads {
	private constructor(
		private readonly workers: Worker[],
		private readonly control: Int32Array,
		private readonly data: SharedHistogramData,
		private readonly own: [number, number]
	) {}

	/** Starts `threads − 1` helpers (this thread builds the first block) and waits until they are ready. */
	static async start(threads: number, data: SharedHistogramData): Promise<HistogramThreads> {
		const blocks = featureBlocks(data.width, threads);
		const control = new Int32Array(new SharedArrayBuffer(CONTROL_LENGTH * 4));
		const entry = new URL('./histogram-worker-entry.mjs', import.meta.url);
		const workers = blocks
			.slice(1)
			.map(
				([from, to]) =>
					new Worker(entry, { workerData: { ...data, control, from, to } satisfies HelperSetup })
			);
		try {
			await Promise.all(
				workers.map(
					(worker) =>
						new Promise<void>((resolve, reject) => {
							worker.once('message', () => resolve());
							worker.once('error', reject);
							worker.once('exit', (code) => reject(new Error(`A histogram thread exited (code ${code}).`)));
						})
				)
			);
		} catch (err) {
			await Promise.all(workers.map((w) => w.terminate()));
			throw err;
		}
		return new HistogramThreads(workers, control, data, blocks[0]);
	}

	get threads(): number {
		return this.workers.length + 1;
	}

	/** The packed histogram of rows[start..end) into arena slot `slot`, all features, on every thread. */
	build(slot: number, start: number, end: number, withCounts: boolean): void {
		const { control, data } = this;
		control[SLOT] = slot;
		control[START] = start;
		control[END] = end;
		control[COUNTS] = withCounts ? 1 : 0;
		Atomics.store(control, PENDING, this.workers.length);
		Atomics.add(control, GENERATION, 1);
		Atomics.notify(control, GENERATION);
		const out = data.arena.subarray(slot * data.slotLength, (slot + 1) * data.slotLength);
		const [from, to] = this.own;
		buildPackedBlock(data.binned, data.width, from, to, data.rows, start, end, data.packed, out, withCounts);
		const giveUp = Date.now() + HELPER_TIMEOUT_MS;
		for (
			let pending = Atomics.load(control, PENDING);
			pending !== 0;
			pending = Atomics.load(control, PENDING)
		) {
			Atomics.wait(control, PENDING, pending, 1000);
			if (Date.now() > giveUp) throw new Error('A histogram thread stopped answering.');
		}
	}

	async close(): Promise<void> {
		Atomics.store(this.control, STOP, 1);
		Atomics.add(this.control, GENERATION, 1);
		Atomics.notify(this.control, GENERATION);
		await Promise.all(this.workers.map((w) => w.terminate()));
	}
}
