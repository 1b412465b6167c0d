/**
 * A boosting tree's histograms built on several threads, by feature blocks (XGBoost's and LightGBM's way of
 * using cores inside one fit): each thread adds its block of features for every row of the node, into the same
 * shared histogram. Each feature is summed by one thread in row order, so the model is identical whatever the
 * thread count.
 *
 * Everything the threads read or write lives in SharedArrayBuffers handed over once per fit: the row-major bins,
 * the row indices, the packed (quantized) gradients and an arena of histogram slots. A build is a handshake on a
 * small shared Int32Array: the fitting thread writes the job, bumps the generation and wakes the helpers,
 * builds its own block, then waits until every helper has counted itself done. The helpers live on between fits
 * (started on first use, then warm: a fresh thread spends ~0.3 s loading and its first builds unoptimised).
 */
import { Worker } from 'node:worker_threads';
import { rowBinsOver, type RowBins } from './binning';
import { buildPackedBlock } from './histogram';

/** Control slots. */
export const GENERATION = 0;
export const PENDING = 1;
export const SLOT = 2;
export const START = 3;
export const END = 4;
export const COUNTS = 5;
/** Which fit the helpers serve: a helper leaves its loop when this moves on. */
export const SESSION = 6;
const CONTROL_LENGTH = 8;
/** A helper that has not finished its block by then has died or hung: the fit fails instead of waiting forever. */
const HELPER_TIMEOUT_MS = 60_000;

export interface SharedHistogramData {
	/** Row-major bins (`RowBins.bytes`, rows padded to `rowStride(width)`). */
	binned: Uint8Array;
	width: number;
	rows: Uint32Array;
	packed: Float64Array;
	/** Histogram slots of `slotLength` float64s each. */
	arena: Float64Array;
	slotLength: number;
}

/** What a helper gets for one fit (its control array comes once, with the thread). */
export interface HelperSetup extends SharedHistogramData {
	from: number;
	to: number;
	/** The fit's session: the helper serves it until the session number moves on. */
	session: number;
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

/** Helper threads stay alive between fits (unref'd: they never keep the process up), warm and ready. */
interface Pool {
	workers: Worker[];
	control: Int32Array;
	busy: boolean;
}
const pools = new Map<number, Pool>();

function createPool(helpers: number): Pool {
	const control = new Int32Array(new SharedArrayBuffer(CONTROL_LENGTH * 4));
	const entry = new URL('./histogram-worker-entry.mjs', import.meta.url);
	const pool: Pool = { workers: [], control, busy: false };
	for (let k = 0; k < helpers; k++) {
		const worker = new Worker(entry, { workerData: { control } });
		worker.unref();
		// A helper that died takes its pool with it: the next fit starts a fresh one rather than wait on it.
		worker.once('exit', () => {
			if (pools.get(helpers) === pool) pools.delete(helpers);
		});
		pool.workers.push(worker);
	}
	return pool;
}

export class HistogramThreads {
	private readonly bins: RowBins;
	private constructor(
		private readonly pool: Pool,
		private readonly data: SharedHistogramData,
		private readonly own: [number, number]
	) {
		this.bins = rowBinsOver(data.binned, data.width);
	}

	/**
	 * Hands this fit's shared memory to `threads − 1` helpers (started on first use, then kept) and waits until
	 * they are ready; this thread builds the first block. Null when the helpers are busy with another fit in
	 * this thread (the caller fits on one thread).
	 */
	static async start(threads: number, data: SharedHistogramData): Promise<HistogramThreads | null> {
		const blocks = featureBlocks(data.width, threads);
		if (blocks.length < 2) return null;
		let pool = pools.get(blocks.length - 1);
		if (pool?.busy) return null;
		if (!pool) pools.set(blocks.length - 1, (pool = createPool(blocks.length - 1)));
		pool.busy = true;
		const session = Atomics.load(pool.control, SESSION);
		try {
			await Promise.all(
				pool.workers.map(
					(worker, k) =>
						new Promise<void>((resolve, reject) => {
							const fail = (err: unknown) => {
								worker.off('message', ready);
								reject(err instanceof Error ? err : new Error(`A histogram thread exited (code ${err}).`));
							};
							const ready = () => {
								worker.off('error', fail).off('exit', fail);
								resolve();
							};
							worker.once('message', ready).once('error', fail).once('exit', fail);
							const [from, to] = blocks[k + 1];
							worker.postMessage({ ...data, from, to, session } satisfies HelperSetup);
						})
				)
			);
		} catch (err) {
			pools.delete(blocks.length - 1);
			await Promise.all(pool.workers.map((w) => w.terminate()));
			throw err;
		}
		return new HistogramThreads(pool, data, blocks[0]);
	}

	get threads(): number {
		return this.pool.workers.length + 1;
	}

	/** The packed histogram of rows[start..end) into arena slot `slot`, all features, on every thread. */
	build(slot: number, start: number, end: number, withCounts: boolean): void {
		const { data, bins } = this;
		const { control, workers } = this.pool;
		control[SLOT] = slot;
		control[START] = start;
		control[END] = end;
		control[COUNTS] = withCounts ? 1 : 0;
		Atomics.store(control, PENDING, workers.length);
		Atomics.add(control, GENERATION, 1);
		Atomics.notify(control, GENERATION);
		const out = data.arena.subarray(slot * data.slotLength, (slot + 1) * data.slotLength);
		const [from, to] = this.own;
		buildPackedBlock(bins, from, to, data.rows, start, end, data.packed, out, withCounts);
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

	/** Releases the helpers (they drop this fit's memory and wait for the next fit). */
	close(): void {
		const { control } = this.pool;
		Atomics.add(control, SESSION, 1);
		Atomics.add(control, GENERATION, 1);
		Atomics.notify(control, GENERATION);
		this.pool.busy = false;
	}
}
