/** A worker thread growing some trees of one forest: trees t ≡ index (mod threads), until done or the deadline. */
import { parentPort, workerData } from 'node:worker_threads';
import { ForestTreeMaker, type ForestSetup } from './forest';

const { setup, index, threads, deadline } = workerData as {
	setup: ForestSetup;
	index: number;
	threads: number;
	deadline: number | null;
};
const maker = new ForestTreeMaker(setup);
for (let t = index; t < setup.params.trees; t += threads) {
	if (deadline !== null && Date.now() >= deadline) break;
	parentPort!.postMessage({ t, tree: maker.grow(t) });
}
parentPort!.postMessage({ done: true });
