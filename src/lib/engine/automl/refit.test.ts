import { describe, expect, it } from 'vitest';
import type { DataFrame } from '../frame/types';
import { categorical, numeric, rng } from '../testing/tables';
import { familyByName } from './families';
import { decodeFoldOutcome, encodeFoldOutcome, fitFold } from './fold-fit';
import { predictFrame } from './predict';
import { refitFits, refitReserveSeconds, refitSeconds } from './refit';
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
		for (const member of artifact.members) expect(member.models).toHaveLength(1);
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
		// 25% more rows and a 10% margin: 1.375 × a member's holdout work.
		expect(refitSeconds([10], 2)).toBeCloseTo(13.75);
		expect(refitSeconds([4, 10, 6], 1)).toBeCloseTo(27.5);
		// Two threads: 10 on one, 6 then 4 on the other.
		expect(refitSeconds([4, 10, 6], 2)).toBeCloseTo(13.75);
		expect(refitSeconds([8, 8, 8], 2)).toBeCloseTo(22);
		expect(refitSeconds([], 4)).toBe(0);
		// The search's reserve: room for smaller members after the leader on one thread, beside it on more.
		expect(refitReserveSeconds(10, 1)).toBeCloseTo(13.75 * 1.5);
		expect(refitReserveSeconds(10, 2)).toBeCloseTo(13.75 * 1.2);
		const at = (ms: number) => ({ now: () => ms, end: 20_000, threads: 2 });
		expect(refitFits([4, 10, 6], at(6_000))).toBe(true);
		expect(refitFits([4, 10, 6], at(7_000))).toBe(false);
	});

	it("counts only the boosting rounds a refit repeats, and that share travels with a fold's outcome", () => {
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
		expect(boosted.keptShare).toBeCloseTo(model.trees.length / model.validationLoss.length);
		expect(decodeFoldOutcome(encodeFoldOutcome(boosted)).keptShare).toBe(boosted.keptShare);
		const damaged = JSON.parse(encodeFoldOutcome(boosted)) as Record<string, unknown>;
		damaged.keptShare = 2;
		expect(() => decodeFoldOutcome(JSON.stringify(damaged))).toThrow(
			/keptShare must be a number in \(0, 1\]/
		);
		// A family that does not stop early repeats its whole fit.
		expect(fitFold(folds, job('linear', { strength: 1, knots: 0 })).keptShare).toBeUndefined();
	});
});
