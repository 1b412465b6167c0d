import { describe, expect, it } from 'vitest';
import { rng } from '../testing/tables';
import { familyByName } from './families';
import { decodeFoldOutcome, encodeFoldOutcome, fitFold, type FoldOutcome, type FoldSets } from './fold-fit';
import { outOfFoldPredictions } from './out-of-fold';

const rows = (...values: number[]) => Uint32Array.from(values);
const outcome = (predictions: number[], outOfBag?: FoldOutcome['outOfBag']): FoldOutcome => ({
	predictions: Float64Array.from(predictions),
	model: null,
	detail: '',
	...(outOfBag ? { outOfBag } : {})
});

// Four rows, two folds: fold 0 trains on rows 0, 1 and validates 2, 3; fold 1 the other way round.
const folds = [
	{ trainRows: rows(0, 1), validRows: rows(2, 3) },
	{ trainRows: rows(2, 3), validRows: rows(0, 1) }
];
const positionOf = Int32Array.from([0, 1, 2, 3]);
const layout = { folds, positionOf, scoredCount: 4, width: 1 };

describe('outOfFoldPredictions', () => {
	it('takes each row from the fold that validated it, averaging repeats', () => {
		const repeated = {
			...layout,
			folds: [
				...folds,
				{ trainRows: rows(1, 3), validRows: rows(0, 2) },
				{ trainRows: rows(0, 2), validRows: rows(1, 3) }
			]
		};
		const oof = outOfFoldPredictions(
			[outcome([0.2, 0.3]), outcome([0.6, 0.7]), outcome([0.8, 0.4]), outcome([0.1, 0.5])],
			repeated,
			true
		);
		// Row 0: folds 1 and 2 (0.6, 0.8); row 1: folds 1 and 3 (0.7, 0.1); row 2: folds 0 and 2; row 3: 0 and 3.
		[0.7, 0.4, 0.3, 0.4].forEach((expected, row) => expect(oof[row]).toBeCloseTo(expected, 12));
	});

	it('pools out-of-bag votes with validation predictions, weighted by the trees behind each', () => {
		// Fold 0's forest has 10 trees; row 0 was left out of 4 bootstraps, row 1 of none.
		const fitted = [
			outcome([0.5, 0.5], {
				predictions: Float64Array.from([0.9, NaN]),
				votes: Uint32Array.from([4, 0]),
				trees: 10
			}),
			outcome([0.2, 0.6], {
				predictions: Float64Array.from([0.1, 0.3]),
				votes: Uint32Array.from([5, 5]),
				trees: 10
			})
		];
		const pooled = outOfFoldPredictions(fitted, layout, true);
		expect(pooled[0]).toBeCloseTo((10 * 0.2 + 4 * 0.9) / 14, 12);
		expect(pooled[1]).toBeCloseTo(0.6, 12); // no out-of-bag vote: the validation prediction alone
		expect(pooled[2]).toBeCloseTo((10 * 0.5 + 5 * 0.1) / 15, 12);
		expect(pooled[3]).toBeCloseTo((10 * 0.5 + 5 * 0.3) / 15, 12);
		// Without pooling (group or time splits) only the validation predictions count.
		expect(Array.from(outOfFoldPredictions(fitted, layout, false))).toEqual([0.2, 0.6, 0.5, 0.5]);
	});

	it('ignores training rows that are never scored, and pools every class of a multiclass row', () => {
		const fitted = [
			outcome([0.1, 0.9], {
				predictions: Float64Array.from([0.3, 0.7, 0.5, 0.5]),
				votes: Uint32Array.from([1, 1]),
				trees: 1
			}),
			outcome([0.4, 0.6], { predictions: Float64Array.from([1, 0]), votes: Uint32Array.from([1]), trees: 1 })
		];
		// Row 1 is trained on by fold 0 but validated by no fold; rows 0 and 2 are scored.
		const pooled = outOfFoldPredictions(
			fitted,
			{
				folds: [
					{ trainRows: rows(0, 1), validRows: rows(2) },
					{ trainRows: rows(2), validRows: rows(0) }
				],
				positionOf: Int32Array.from([0, -1, 1]),
				scoredCount: 2,
				width: 2
			},
			true
		);
		expect(Array.from(pooled)).toEqual([(0.4 + 0.3) / 2, (0.6 + 0.7) / 2, (0.1 + 1) / 2, (0.9 + 0) / 2]);
	});
});

describe("a random forest fold's out-of-bag predictions", () => {
	const r = rng(3);
	const set = (n: number) => {
		const features = [Float64Array.from({ length: n }, () => r())];
		const y = Float64Array.from(features[0], (v) => (v + 0.3 * r() > 0.6 ? 1 : 0));
		return { features, y, categorical: Uint8Array.of(0), task: 'binary' as const, classCount: 2 };
	};
	const sets: FoldSets[] = [{ train: set(120), valid: set(30) }];
	const job = {
		family: 'random_forest',
		params: { maxFeatures: 1, minSamplesLeaf: 1 },
		fold: 0,
		deadline: Infinity,
		seed: 1,
		foldCount: 1
	};

	it('come back for every training row with the trees behind them, and travel with the outcome', () => {
		const outcome = fitFold(sets, job);
		const bag = outcome.outOfBag!;
		const trees = (familyByName('random_forest').load(outcome.model) as { trees: unknown[] }).trees.length;
		expect(bag.trees).toBe(trees);
		expect(bag.predictions).toHaveLength(120);
		expect(bag.votes).toHaveLength(120);
		// About 37% of the trees leave out any one row.
		const mean = bag.votes.reduce((a, b) => a + b, 0) / 120;
		expect(mean / trees).toBeGreaterThan(0.3);
		expect(mean / trees).toBeLessThan(0.44);
		bag.votes.forEach((votes, i) => expect(Number.isNaN(bag.predictions[i])).toBe(votes === 0));
		expect(decodeFoldOutcome(encodeFoldOutcome(outcome))).toEqual(outcome);
	});

	it('are not saved with the model', () => {
		const saved = fitFold(sets, job).model as Record<string, unknown>;
		expect(saved.trees).toBeDefined();
		expect('oob' in saved).toBe(false);
	});
});
