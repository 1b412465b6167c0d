/**
 * A helper thread of `HistogramThreads`. For each fit it is sent that fit's shared memory and feature block; it
 * then builds its block of every histogram it is asked for until the fit releases it, and waits for the next.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { rowBinsOver } from './binning';
import { buildPackedBlock } from './histogram';
import {
	COUNTS,
	END,
	GENERATION,
	PENDING,
	SESSION,
	SLOT,
	START,
	type HelperSetup
} from './histogram-threads';

const { control } = workerData as { control: Int32Array };

parentPort!.on('message', (setup: HelperSetup) => {
	const { binned, width, rows, packed, arena, slotLength, from, to, session } = setup;
	const bins = rowBinsOver(binned, width);
	// The generation is read before saying ready, so a job posted right after cannot be missed.
	let seen = Atomics.load(control, GENERATION);
	parentPort!.postMessage('ready');
	for (;;) {
		Atomics.wait(control, GENERATION, seen);
		seen = Atomics.load(control, GENERATION);
		// Released (possibly before this message was even read: then there is nothing to do for this fit).
		if (Atomics.load(control, SESSION) !== session) return;
		const slot = control[SLOT];
		const out = arena.subarray(slot * slotLength, (slot + 1) * slotLength);
		buildPackedBlock(bins, from, to, rows, control[START], control[END], packed, out, control[COUNTS] === 1);
		Atomics.sub(control, PENDING, 1);
		Atomics.notify(control, PENDING);
	}
});
