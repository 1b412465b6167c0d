/** A worker thread that fits folds: it receives the fold data once, then one job per message. */
import { parentPort } from 'node:worker_threads';
import { fitFold, prepareFamily, type FoldJob, type FoldSets } from './fold-fit';

let folds: FoldSets[] = [];

parentPort!.on(
	'message',
	async (message: { type: 'init'; folds: FoldSets[] } | { type: 'fit'; id: number; job: FoldJob }) => {
		if (message.type === 'init') {
			folds = message.folds;
			return;
		}
		try {
			await prepareFamily(message.job.family);
			const outcome = fitFold(folds, message.job);
			parentPort!.postMessage({ type: 'done', id: message.id, outcome });
		} catch (err) {
			parentPort!.postMessage({ type: 'error', id: message.id, message: (err as Error).message });
		}
	}
);
