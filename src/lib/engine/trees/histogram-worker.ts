/** A helper thread of `HistogramThreads`: builds its block of features of every histogram it is asked for. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildPackedBlock } from './histogram';
import { COUNTS, END, GENERATION, PENDING, SLOT, START, STOP, type HelperSetup } from './histogram-threads';

const { control, binned, width, rows, packed, arena, slotLength, from, to } = workerData as HelperSetup;
// The generation is read before saying ready, so a job posted right after cannot be missed.
let seen = Atomics.load(control, GENERATION);
parentPort!.postMessage('ready');
for (;;) {
	Atomics.wait(control, GENERATION, seen);
	seen = Atomics.load(control, GENERATION);
	if (Atomics.load(control, STOP)) break;
	const slot = control[SLOT];
	const out = arena.subarray(slot * slotLength, (slot + 1) * slotLength);
	buildPackedBlock(
		binned,
		width,
		from,
		to,
		rows,
		control[START],
		control[END],
		packed,
		out,
		control[COUNTS] === 1
	);
	Atomics.sub(control, PENDING, 1);
	Atomics.notify(control, PENDING);
}
