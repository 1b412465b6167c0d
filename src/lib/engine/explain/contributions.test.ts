import { describe, expect, it } from 'vitest';
import type { ModelArtifact } from '../automl/artifact';
import { familyByName } from '../automl/families';
import { modelsOf, predictBlended } from '../automl/predict';
import { trainAutoML } from '../automl/train';
import { selectRows } from '../frame/select';
import type { DataFrame } from '../frame/types';
import { fitLinear, linearContributions, predictLinear } from '../linear/linear';
import { encodeFeatures } from '../prep/encoder';
import { bruteForceShapley, conditionalExpectation } from '../testing/shapley';
import { churn, datetime, numeric, rng } from '../testing/tables';
import type { GradientBoostingModel } from '../trees/gbdt';
import { explainFrame, rowContributions } from './contributions';

/** Checks base + Σ contributions = the model's prediction, for every row and output (of 12 spread over the table). */
function expectAdditive(artifact: ModelArtifact, all: DataFrame) {
	const frame = selectRows(
		all,
		Uint32Array.from({ length: 12 }, (_, i) => i * 31)
	);
	const set = explainFrame(artifact, frame);
	const { output } = predictBlended(artifact, frame);
	const C = set.columns.length;
	const K = set.outputs;
	for (let i = 0; i < frame.rowCount; i++)
		for (let k = 0; k < K; k++) {
			let sum = set.base[k];
			for (let c = 0; c < C; c++) sum += set.values[(i * C + c) * K + k];
			expect(sum).toBeCloseTo(output[i * K + k], 9);
			expect(set.predictions[i * K + k]).toBeCloseTo(output[i * K + k], 9);
		}
	return set;
}

describe('linear contributions', () => {
	it('are the Shapley values of the model with the training rows as background (numbers, categories, missing)', () => {
		const r = rng(4);
		const n = 150;
		const features = [
			Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : r() * 10)),
			Float64Array.from({ length: n }, () => Math.floor(r() * 4)),
			Float64Array.from({ length: n }, () => r())
		];
		const y = Float64Array.from(
			{ length: n },
			(_, i) => 2 * (features[0][i] || 5) - 3 * features[1][i] + r()
		);
		const model = fitLinear({ features, y, categorical: [0, 1, 0], task: 'regression' }, { l2: 1e-3 });
		for (const i of [0, 7, 42]) {
			const row = features.map((f) => f[i]);
			const c = linearContributions(model, row, 3);
			// v(S): the model's average output with the features in S taken from the row, the rest from each
			// training row in turn (interventional expectation).
			const v = (known: Set<number>) => {
				const mixed = features.map((f, j) =>
					Float64Array.from(f, (value) => (known.has(j) ? row[j] : value))
				);
				return predictLinear(model, mixed).reduce((a, b) => a + b, 0) / n;
			};
			const exact = bruteForceShapley(3, v);
			for (let f = 0; f < 3; f++) expect(c.values[f]).toBeCloseTo(exact[f], 9);
			expect(c.base[0]).toBeCloseTo(v(new Set()), 9);
		}
	});
});

describe('explainFrame', () => {
	it('adds up to the prediction for binary (calibrated), multiclass and regression ensembles of every family', async () => {
		const data = churn(300, 3);
		const start = Date.UTC(2024, 0, 1);
		data.columns.push(
			datetime(
				'signed',
				Array.from({ length: 300 }, (_, i) => start + i * 86_400_000 * 3)
			)
		);
		const models = ['gbdt', 'linear', 'random_forest', 'extra_trees', 'knn'];
		const binary = await trainAutoML(data, { target: 'churned', timeLimitSeconds: 60, maxTrials: 5, models });
		expect(binary.members.length).toBeGreaterThan(0);
		const set = expectAdditive(binary, data);
		expect(set.columns).toEqual(['tenure', 'spend', 'plan', 'signed']);
		const top = rowContributions(set, 0, 0, 2);
		expect(top).toHaveLength(2);
		expect(Math.abs(top[0].contribution)).toBeGreaterThanOrEqual(Math.abs(top[1].contribution));

		const multi = await trainAutoML(data, { target: 'plan', timeLimitSeconds: 60, maxTrials: 3, models });
		const multiSet = expectAdditive(multi, data);
		expect(multiSet.outputs).toBe(3);
		// Nearest neighbours and the neural network alone (sampled Shapley values), for classes too.
		for (const family of ['knn', 'mlp']) {
			const alone = await trainAutoML(data, {
				target: 'plan',
				timeLimitSeconds: 60,
				maxTrials: 1,
				models: [family]
			});
			expect(alone.members.map((m) => m.family)).toEqual([family]);
			expect(expectAdditive(alone, data).outputs).toBe(3);
		}
		const mlpBinary = await trainAutoML(data, {
			target: 'churned',
			timeLimitSeconds: 60,
			maxTrials: 1,
			models: ['mlp']
		});
		expectAdditive(mlpBinary, data);
		const regression: DataFrame = {
			rowCount: 300,
			columns: data.columns.filter((c) => c.name !== 'churned')
		};
		expectAdditive(
			await trainAutoML(regression, { target: 'tenure', timeLimitSeconds: 60, maxTrials: 5, models }),
			regression
		);
	}, 120_000);

	it('matches brute-force Shapley values of a boosted regression ensemble', async () => {
		const r = rng(9);
		const n = 300;
		const a = Array.from({ length: n }, () => Math.round(r() * 20));
		const b = Array.from({ length: n }, () => (r() < 0.1 ? NaN : Math.round(r() * 10)));
		const c = Array.from({ length: n }, () => r());
		const y = a.map((v, i) => (v > 10 ? 5 : 0) + (b[i] > 4 ? 3 : -1) + c[i]);
		const frame: DataFrame = {
			rowCount: n,
			columns: [numeric('a', a), numeric('b', b), numeric('c', c), numeric('y', y)]
		};
		const artifact = await trainAutoML(frame, {
			target: 'y',
			timeLimitSeconds: 60,
			maxTrials: 1,
			models: ['gbdt']
		});
		const set = explainFrame(artifact, frame);
		const [member] = artifact.members;
		const fitted = modelsOf(member) as GradientBoostingModel[];
		for (const i of [0, 11, 123]) {
			// v(S) of the ensemble: its prediction averaged over the unknown features, fold model by fold model.
			const v = (known: Set<number>) =>
				fitted.reduce((sum, model, fold) => {
					const row = encodeFeatures(artifact.foldEncoders[fold], selectRows(frame, [i])).features.map(
						(f) => f[0]
					);
					const expected = model.trees.reduce(
						(s, tree) => s + conditionalExpectation(tree, row, known),
						model.baseScore[0]
					);
					return sum + (member.weight * expected) / fitted.length;
				}, 0);
			const exact = bruteForceShapley(3, v);
			for (let f = 0; f < 3; f++) expect(set.values[i * 3 + f]).toBeCloseTo(exact[f], 9);
			expect(set.base[0]).toBeCloseTo(v(new Set()), 9);
		}
		expect(familyByName('gbdt').name).toBe(member.family);
	}, 60_000);
});
