import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectRows } from '../frame/select';
import { readTableFile } from '../ingest/read-table';
import { auc, logLoss, rmse } from '../metrics/metrics';
import { prepareTreeData } from '../prep/tree-data';
import type { Task } from '../prep/target';
import { fitGradientBoosting, predict } from './gbdt';

/**
 * Gradient boosting on real tables from ../shared/datasets (skipped where that folder is absent), against
 * scikit-learn's HistGradientBoosting fitted with the same settings on the same split (every fourth row is a
 * test row). Its scores were computed once with scikit-learn 1.2.1 (Debian's python3-sklearn) by:
 *   HistGradientBoosting{Classifier,Regressor}(max_iter=100, learning_rate=0.1, max_leaf_nodes=31,
 *     min_samples_leaf=20, l2_regularization=0, max_bins=255, early_stopping=False, random_state=0)
 */
const dir = path.resolve(__dirname, '../../../../../shared/datasets');
const REFERENCE = {
	phoneme: { target: 'Class', task: 'binary', auc: 0.9538080288132081, logloss: 0.2481317348794031 },
	Satellite: { target: 'classes', task: 'multiclass', logloss: 0.24809149192415872 },
	cpu_act: { target: '22', task: 'regression', rmse: 2.8314282164049103 }
} as const;

async function fitAndScore(name: keyof typeof REFERENCE) {
	const { target, task } = REFERENCE[name];
	const { frame } = await readTableFile(path.join(dir, `${name}.csv`), { fileName: `${name}.csv` });
	const rows = Array.from({ length: frame.rowCount }, (_, i) => i);
	const train = prepareTreeData(
		selectRows(
			frame,
			rows.filter((i) => i % 4 !== 3)
		),
		target,
		{ task: task as Task }
	);
	const test = train.apply(
		selectRows(
			frame,
			rows.filter((i) => i % 4 === 3)
		)
	);
	const loss = task === 'regression' ? 'squared_error' : task === 'binary' ? 'logistic' : 'softmax';
	const model = fitGradientBoosting(
		{ features: train.features, y: train.y, categorical: train.categorical },
		{ loss, rounds: 100, learningRate: 0.1, maxLeaves: 31, minSamplesLeaf: 20, l2: 0, maxBins: 255, seed: 0 }
	);
	const p = predict(model, test.features);
	return { p, y: test.y, outputs: model.outputs };
}

describe.skipIf(!fs.existsSync(dir))(
	'gradient boosting on real data, beside scikit-learn HistGradientBoosting',
	() => {
		it('phoneme (binary): test AUC within 0.01 and log loss within 5% of scikit-learn', async () => {
			const { p, y } = await fitAndScore('phoneme');
			expect(auc(y, p)).toBeGreaterThan(REFERENCE.phoneme.auc - 0.01);
			expect(logLoss(y, p, 2)).toBeLessThan(REFERENCE.phoneme.logloss * 1.05);
		}, 60_000);

		it('Satellite (6 classes): test log loss within 5% of scikit-learn', async () => {
			const { p, y, outputs } = await fitAndScore('Satellite');
			expect(logLoss(y, p, outputs)).toBeLessThan(REFERENCE.Satellite.logloss * 1.05);
		}, 60_000);

		it('cpu_act (regression): test RMSE within 5% of scikit-learn', async () => {
			const { p, y } = await fitAndScore('cpu_act');
			expect(rmse(y, p)).toBeLessThan(REFERENCE.cpu_act.rmse * 1.05);
		}, 60_000);
	}
);
