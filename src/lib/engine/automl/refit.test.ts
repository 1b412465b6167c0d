import { describe, expect, it } from 'vitest';
import type { DataFrame } from '../frame/types';
import { categorical, numeric, rng } from '../testing/tables';
import { familyByName } from './families';
import { decodeFoldOutcome, encodeFoldOutcome, fitFold } from './fold-fit';
import { parseArtifact, serialiseArtifact } from './artifact';
import { predictFrame } from './predict';
import { prepareTraining } from './prepare';
import { refitFits, refitReserveSeconds, refitSeconds, refitsMember } from './refit';
import { encodeFeatures } from '../prep/encoder';
import { explainFrame } from '../explain/contributions';
import { trainAutoML, type ProgressEvent } from './train';

/**
 * 4,000 rows of 26 classes: rows × classes passes 100,000, so the run validates on one 20% holdout (folds.ts),
 * where members are refitted on every row.
 */
function letters(rows: number, seed: number): DataFrame {
	const r = rng(seed);
	const x = Array.from({ length: rows }, () => r() * 26);
	const noise = Array.from({ length: rows }, () => r());
	const label = x.map((v) => String.fromCharCode(65 + Math.min(25, Math.floor(v))));
	return {
		rowCount: rows,
		columns: [numeric('x', x), numeric('noise', noise), categorical('letter', label)]
	};
}

describe('refit on every row after a holdout', () => {
	it('refits the ensemble on all rows: one encoder, one model per member, the same model for the same seed', async () => {
		const train = letters(4000, 1);
		const options = { target: 'letter', timeLimitSeconds: 120, maxTrials: 1, seed: 3, models: ['linear'] };
		const artifact = await trainAutoML(train, options);
		expect(artifact.validation.folds).toBe(1);
		expect(artifact.validation.description).toMatch(/20% holdout.*refitted on all 4,000 rows/);
		expect(artifact.foldEncoders).toHaveLength(1);
		expect(artifact.refitEncoder).toBeDefined();
		for (const member of artifact.members) {
			expect(member.refitted).toBe(true);
			expect(member.models).toHaveLength(1);
		}
		const test = letters(1000, 2);
		const predicted = predictFrame(artifact, test).labels;
		const truth = test.columns[2] as { codes: Int32Array; dictionary: string[] };
		let right = 0;
		for (let i = 0; i < test.rowCount; i++) if (predicted[i] === truth.dictionary[truth.codes[i]]) right++;
		expect(right / test.rowCount).toBeGreaterThan(0.3); // chance: 1 in 26
		// Same data and seed: the same model.
		const again = await trainAutoML(train, options);
		expect(JSON.stringify(again.members)).toBe(JSON.stringify(artifact.members));
	});

	it('keeps two trials in flight: on two threads they overlap, and the run is the one a single thread makes', async () => {
		const train = letters(4000, 1);
		const options = { target: 'letter', timeLimitSeconds: 120, maxTrials: 3, seed: 3, models: ['linear'] };
		const events = (log: string[]) => ({
			onProgress: (e: ProgressEvent) => {
				if (e.type === 'trial-started' || e.type === 'trial-finished') log.push(`${e.type} ${e.trial}`);
			}
		});
		const oneLog: string[] = [];
		const twoLog: string[] = [];
		const one = await trainAutoML(train, { ...options, threads: 1, ...events(oneLog) });
		const two = await trainAutoML(train, { ...options, threads: 2, ...events(twoLog) });
		expect(oneLog.slice(0, 2)).toEqual(['trial-started 0', 'trial-finished 0']);
		expect(twoLog.slice(0, 2)).toEqual(['trial-started 0', 'trial-started 1']);
		expect(two.leaderboard).toHaveLength(3);
		const board = (a: typeof one) => a.leaderboard.map((e) => [e.trial, e.params, e.score]);
		expect(board(two)).toEqual(board(one));
		expect(JSON.stringify(two.members)).toBe(JSON.stringify(one.members));
	});

	it('gradient boosting refits with the rounds early stopping chose', () => {
		const gbdt = familyByName('gbdt');
		const r = rng(5);
		const rows = (n: number) => {
			const features = [Float64Array.from({ length: n }, () => r())];
			const y = Float64Array.from(features[0], (v) => (v + r() * 0.6 > 0.8 ? 1 : 0));
			return { features, y, categorical: Uint8Array.of(0), task: 'binary' as const, classCount: 2 };
		};
		const set = rows(600);
		const params = { learningRate: 0.3, maxLeaves: 8, minSamplesLeaf: 5, l2: 1, colsample: 1, subsample: 1 };
		const validated = gbdt.fit(set, params, {
			validation: rows(300),
			deadline: Infinity,
			seed: 1,
			foldCount: 1
		}) as { trees: unknown[] };
		const again = gbdt.refitParams!(params, validated);
		expect(again.rounds).toBe(validated.trees.length);
		const refitted = gbdt.fit(set, again, { deadline: Infinity, seed: 1, foldCount: 1 }) as {
			trees: unknown[];
		};
		expect(refitted.trees.length).toBe(validated.trees.length);
		// Without a refit setting and without held-out rows, boosting would run its full 3,000 rounds.
		expect(validated.trees.length).toBeLessThan(3000);
	});

	it('neural networks are not refitted (their schedule depends on the epochs)', () => {
		expect(familyByName('mlp').refitParams).toBeUndefined();
	});

	it('expects members to refit side by side: the longest first, each on the thread free soonest', () => {
		// A 10% margin over each member's refit on one thread.
		expect(refitSeconds([10], 2)).toBeCloseTo(11);
		expect(refitSeconds([4, 10, 6], 1)).toBeCloseTo(22);
		// Two threads: 10 on one, 6 then 4 on the other.
		expect(refitSeconds([4, 10, 6], 2)).toBeCloseTo(11);
		expect(refitSeconds([8, 8, 8], 2)).toBeCloseTo(17.6);
		expect(refitSeconds([], 4)).toBe(0);
		// The search's reserve: room for smaller members after the leader on one thread, beside it on more.
		expect(refitReserveSeconds(10, 1)).toBeCloseTo(11 * 1.5);
		expect(refitReserveSeconds(10, 2)).toBeCloseTo(11 * 1.2);
		const at = (ms: number) => ({ now: () => ms, end: 20_000, threads: 2 });
		expect(refitFits([4, 10, 6], at(9_000))).toBe(true);
		expect(refitFits([4, 10, 6], at(9_100))).toBe(false);
	});

	it("counts the work a refit repeats (boosting's kept rounds, a forest's full tree count), and it travels with a fold's outcome", () => {
		const r = rng(6);
		const rows = (n: number) => {
			const features = [Float64Array.from({ length: n }, () => r())];
			const y = Float64Array.from(features[0], (v) => (v + r() * 0.6 > 0.8 ? 1 : 0));
			return { features, y, categorical: Uint8Array.of(0), task: 'binary' as const, classCount: 2 };
		};
		const folds = [{ train: rows(600), valid: rows(300) }];
		const job = (family: string, params: Record<string, number>) => ({
			family,
			params,
			fold: 0,
			deadline: Infinity,
			seed: 1,
			foldCount: 1
		});
		const boosted = fitFold(
			folds,
			job('gbdt', { learningRate: 0.3, maxLeaves: 8, minSamplesLeaf: 5, l2: 1, colsample: 1, subsample: 1 })
		);
		const model = familyByName('gbdt').load(boosted.model) as { trees: unknown[]; validationLoss: number[] };
		// Early stopping grew 40 rounds past the best one, and kept the best.
		expect(model.validationLoss.length).toBe(model.trees.length + 40);
		expect(boosted.refitShare).toBeCloseTo(model.trees.length / model.validationLoss.length);
		expect(decodeFoldOutcome(encodeFoldOutcome(boosted)).refitShare).toBe(boosted.refitShare);
		for (const bad of [0, -1, 'x', null]) {
			const damaged = JSON.parse(encodeFoldOutcome(boosted)) as Record<string, unknown>;
			damaged.refitShare = bad;
			expect(() => decodeFoldOutcome(JSON.stringify(damaged))).toThrow(
				/refitShare must be a positive number/
			);
		}
		// A fold forest of one of 5 folds grows fewer trees than the 200 of a forest on every row (its size budget
		// is shared by the folds); a refit grows all 200.
		const forest = fitFold(folds, {
			...job('random_forest', { maxFeatures: 1, minSamplesLeaf: 1 }),
			foldCount: 5
		});
		const trees = Number(/^(\d+) trees$/.exec(forest.detail)![1]);
		expect(trees).toBeLessThan(200);
		expect(forest.refitShare).toBeCloseTo(200 / trees);
		// A family whose refit is its fit again repeats all of it.
		expect(fitFold(folds, job('linear', { strength: 1, knots: 0 })).refitShare).toBeUndefined();
	});
});

/** A regression table of `rows` rows: a wave in `a`, a slope in `b`, a category that shifts it, noise. */
function wave(rows: number, seed: number): DataFrame {
	const r = rng(seed);
	const a = Array.from({ length: rows }, () => r() * 10);
	const b = Array.from({ length: rows }, () => r());
	const shop = Array.from({ length: rows }, () => ['north', 'south', 'east'][Math.floor(r() * 3)]);
	const y = a.map((v, i) => 3 * Math.sin(v) + 2 * b[i] + (shop[i] === 'east' ? 1 : 0) + r() * 0.3);
	return {
		rowCount: rows,
		columns: [numeric('a', a), numeric('b', b), categorical('shop', shop), numeric('y', y)]
	};
}

describe('refit of forests after k-fold validation', () => {
	it('refits only forests, and only after k folds or a holdout: boosting keeps its fold models', () => {
		const kfold = prepareTraining(wave(300, 1), { target: 'y' });
		expect(kfold.folds.length).toBe(15); // 5 folds, repeated 3 times on a small table
		expect(refitsMember(kfold, familyByName('random_forest'))).toBe(true);
		expect(refitsMember(kfold, familyByName('extra_trees'))).toBe(true);
		expect(refitsMember(kfold, familyByName('gbdt'))).toBe(false);
		expect(refitsMember(kfold, familyByName('linear'))).toBe(false);
		const holdout = prepareTraining(letters(4000, 1), { target: 'letter' });
		expect(holdout.folds.length).toBe(1);
		expect(refitsMember(holdout, familyByName('gbdt'))).toBe(true);
		expect(refitsMember(holdout, familyByName('mlp'))).toBe(false);
	});

	it('a forest member becomes one forest of every row, read through an encoder learned on every row', async () => {
		const train = wave(300, 2);
		const options = { target: 'y', timeLimitSeconds: 60, maxTrials: 1, seed: 4, models: ['random_forest'] };
		const artifact = await trainAutoML(train, options);
		expect(artifact.validation.description).toMatch(
			/repeated 3 times; the ensemble's members then refitted on all 300 rows/
		);
		expect(artifact.foldEncoders).toHaveLength(15);
		const [member] = artifact.members;
		expect(member.refitted).toBe(true);
		expect(member.models).toHaveLength(1);
		// The same forest the family fits on every row with the trial's settings.
		const encoder = artifact.refitEncoder!;
		const test = wave(200, 3);
		const all = encodeFeatures(encoder, train);
		const forest = familyByName('random_forest');
		const y = (train.columns[3] as { values: Float64Array }).values;
		const direct = forest.fit(
			{
				features: all.features,
				y,
				categorical: Uint8Array.from(encoder.features, (f) => (f.categorical ? 1 : 0)),
				task: 'regression',
				classCount: 1
			},
			member.params,
			{ deadline: Infinity, seed: 4, foldCount: 1 }
		);
		expect(forest.describe(direct)).toBe('200 trees');
		const expected = forest.predict(direct, encodeFeatures(encoder, test).features);
		const predicted = predictFrame(artifact, test).values!;
		for (let i = 0; i < test.rowCount; i++) expect(predicted[i]).toBeCloseTo(expected[i] * member.weight, 9);
		// Each prediction's explanation reads the refitted forest too: base + contributions = the prediction.
		const explained = explainFrame(artifact, test);
		for (let i = 0; i < test.rowCount; i++) {
			const values = explained.values.subarray(i * 3, i * 3 + 3);
			expect(explained.base[0] + values.reduce((t, v) => t + v, 0)).toBeCloseTo(predicted[i], 6);
		}
		// It survives a save and load, and the same seed gives the same forest.
		const again = parseArtifact(serialiseArtifact(artifact));
		expect(Array.from(predictFrame(again, test).values!)).toEqual(Array.from(predicted));
		expect(JSON.stringify((await trainAutoML(train, options)).members)).toBe(
			JSON.stringify(artifact.members)
		);
	});

	it('boosting members keep their fold models, and an artifact with a damaged refit fails to load', async () => {
		const train = wave(300, 5);
		const artifact = await trainAutoML(train, {
			target: 'y',
			timeLimitSeconds: 60,
			maxTrials: 1,
			seed: 1,
			models: ['gbdt']
		});
		expect(artifact.refitEncoder).toBeUndefined();
		expect(artifact.members[0].refitted).toBeUndefined();
		expect(artifact.members[0].models).toHaveLength(15);
		expect(artifact.validation.description).not.toMatch(/refitted/);
		const damaged = { ...artifact, members: [{ ...artifact.members[0], refitted: true }] };
		expect(() => parseArtifact(serialiseArtifact(damaged), 'model.json')).toThrow(
			/model.json is damaged: member 1 \(gbdt\) was refitted on every row, but the file has no encoder for it/
		);
		const short = {
			...artifact,
			members: [{ ...artifact.members[0], models: artifact.members[0].models.slice(1) }]
		};
		expect(() => parseArtifact(serialiseArtifact(short), 'model.json')).toThrow(
			/member 1 \(gbdt\) has 14 models where 15 were expected/
		);
	});
});
