import { describe, expect, it } from 'vitest';
import { rng } from '../testing/tables';
import { familyByName, type TrainingSet } from './families';
import { decodeFoldOutcome, encodeFoldOutcome, fitFold, type FoldSets } from './fold-fit';
import { sharedBestRounds, stopFoldsTogether } from './shared-stopping';

describe('sharedBestRounds', () => {
	it('picks the round with the lowest mean loss over the folds, the first of equals', () => {
		// Means: 3, 2, 1.5, 1.5, 2.5 → the third round.
		expect(
			sharedBestRounds([
				[3, 2, 1, 2, 3],
				[3, 2, 2, 1, 2]
			])
		).toBe(3);
	});

	it('counts a fold that stopped early with its last loss', () => {
		// Round 5: (3 + 1) / 2 = 2, below round 3's (3 + 3) / 2.
		expect(
			sharedBestRounds([
				[5, 4, 3],
				[5, 4, 3, 2, 1]
			])
		).toBe(5);
	});
});

/** A noisy one-feature binary table, small enough that each fold's best round is noisy too. */
function foldSets(seed: number, folds: number): FoldSets[] {
	const r = rng(seed);
	const rows = (n: number): TrainingSet => {
		const features = [
			Float64Array.from({ length: n }, () => r()),
			Float64Array.from({ length: n }, () => r())
		];
		const y = Float64Array.from(features[0], (v, i) => (v + features[1][i] * 0.3 + r() > 1.1 ? 1 : 0));
		return { features, y, categorical: Uint8Array.of(0, 0), task: 'binary', classCount: 2 };
	};
	return Array.from({ length: folds }, () => ({ train: rows(240), valid: rows(60) }));
}

describe('stopFoldsTogether', () => {
	const gbdt = familyByName('gbdt');
	const params = {
		learningRate: 0.3,
		maxLeaves: 8,
		minSamplesLeaf: 5,
		l2: 0.001,
		colsample: 1,
		subsample: 1
	};

	it('cuts every fold of a boosting trial at one round and predicts its held-out rows with the cut model', () => {
		const sets = foldSets(7, 5);
		const outcomes = sets.map((_, fold) =>
			fitFold(sets, { family: 'gbdt', params, fold, deadline: Infinity, seed: fold, foldCount: sets.length })
		);
		const grown = outcomes.map((o) => gbdt.stopping!.rounds(gbdt.load(o.model)));
		const curves = outcomes.map((o) => gbdt.stopping!.curve(gbdt.load(o.model))!);
		// Each fold grew past its own best round (the patience), and the folds disagree on where that was.
		const ownBest = curves.map((c) => Array.prototype.indexOf.call(c, Math.min(...Array.from(c))) + 1);
		grown.forEach((g, f) => expect(g).toBeGreaterThan(ownBest[f]));
		expect(new Set(ownBest).size).toBeGreaterThan(1);

		const shared = sharedBestRounds(curves);
		const stopped = stopFoldsTogether(gbdt, outcomes, sets);
		stopped.forEach((outcome, f) => {
			const model = gbdt.load(outcome.model);
			expect(gbdt.stopping!.rounds(model)).toBe(Math.min(shared, grown[f]));
			expect(Array.from(outcome.predictions)).toEqual(
				Array.from(gbdt.predict(model, sets[f].valid.features))
			);
			expect(outcome.detail).toBe(`${Math.min(shared, grown[f])} rounds`);
		});
	});

	it('keeps a single holdout at its own best round, and leaves families without early stopping alone', () => {
		const sets = foldSets(8, 1);
		const [outcome] = [
			fitFold(sets, { family: 'gbdt', params, fold: 0, deadline: Infinity, seed: 0, foldCount: 1 })
		];
		const curve = gbdt.stopping!.curve(gbdt.load(outcome.model))!;
		expect(gbdt.stopping!.rounds(gbdt.load(outcome.model))).toBe(sharedBestRounds([curve]));
		expect(stopFoldsTogether(gbdt, [outcome], sets)[0]).toBe(outcome);

		const forest = [
			fitFold(sets, {
				family: 'random_forest',
				params: { maxFeatures: 1, minSamplesLeaf: 1 },
				fold: 0,
				deadline: Infinity,
				seed: 0,
				foldCount: 1
			})
		];
		expect(stopFoldsTogether(familyByName('random_forest'), forest, sets)).toBe(forest);
	});

	it('stops folds fitted by another worker (sent as text) exactly like local ones', () => {
		const sets = foldSets(9, 3);
		const local = sets.map((_, fold) =>
			fitFold(sets, { family: 'gbdt', params, fold, deadline: Infinity, seed: fold, foldCount: sets.length })
		);
		const remote = local.map((o) => decodeFoldOutcome(encodeFoldOutcome(o)));
		// The model stays in its saved form, as fitFold returns it.
		expect(JSON.stringify(remote[0].model)).toBe(JSON.stringify(local[0].model));
		const a = stopFoldsTogether(gbdt, local, sets);
		const b = stopFoldsTogether(gbdt, [remote[0], local[1], remote[2]], sets);
		expect(b.map((o) => Array.from(o.predictions))).toEqual(a.map((o) => Array.from(o.predictions)));
	});
});
