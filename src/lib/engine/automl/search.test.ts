import { describe, expect, it } from 'vitest';
import { familyByName } from './families';
import { LocalSearch } from './search';

/** Runs the searcher against a made-up score for `maxTrials` suggestions and returns what it proposed. */
function proposals(
	families: string[],
	trials: number,
	score: (family: string, params: Record<string, unknown>) => number
) {
	const search = new LocalSearch(families.map(familyByName), 500, 'binary', 8, 3, true);
	const seen: { family: string; params: Record<string, number | string> }[] = [];
	for (let t = 0; t < trials; t++) {
		const next = search.suggest();
		if (!next) break;
		seen.push({ family: next.family.name, params: next.params });
		search.onTrialComplete(next, score(next.family.name, next.params));
	}
	return seen;
}

describe('the search keeps to each family’s grid', () => {
	it('tries each linear strength and knot count at most once, then stops proposing linear models', () => {
		const { strength, knots } = familyByName('linear').space as Record<string, { values: number[] }>;
		// A score with noise-like bumps: a fine search would chase them for ever.
		const seen = proposals(
			['linear'],
			200,
			(_, p) => Math.sin(Number(p.strength) * 7) + Number(p.knots) / 10
		);
		const configs = seen.map((s) => `${s.params.strength}/${s.params.knots}`);
		expect(new Set(configs).size).toBe(configs.length);
		for (const { params } of seen) {
			expect(strength.values).toContain(Number(params.strength));
			expect(knots.values).toContain(Number(params.knots));
		}
		expect(seen.length).toBeLessThanOrEqual(strength.values.length * knots.values.length);
		expect(seen[0].params).toEqual({ strength: 1, knots: 0 }); // scikit-learn's default comes first
	});

	it('rounds forest feature fractions to steps of 0.05 and neighbour counts to their grid', () => {
		const seen = proposals(
			['random_forest', 'knn'],
			60,
			(_, p) => Number(p.maxFeatures ?? 0) - Number(p.k ?? 0) / 100
		);
		const counts = (familyByName('knn').space.k as { values: number[] }).values;
		for (const { family, params } of seen.slice(2)) {
			if (family === 'random_forest') {
				const steps = Number(params.maxFeatures) / 0.05;
				expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-9);
			} else expect(counts).toContain(Number(params.k));
		}
		// The starts (one per family) are given as they are; the steps after them moved.
		const forests = seen.filter((s) => s.family === 'random_forest');
		expect(forests.length).toBeGreaterThan(3);
		expect(new Set(forests.map((s) => s.params.maxFeatures)).size).toBeGreaterThan(1);
	});
});

describe('the linear model’s strength', () => {
	it('is a multiple of 1/rows: strength 1 fits like λ = 1/rows', () => {
		const linear = familyByName('linear');
		const n = 400;
		const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
		const y = Float64Array.from(x, (v, i) => (v + Math.cos(i * 3) * 0.8 > 0 ? 1 : 0));
		const set = { features: [x], y, categorical: Uint8Array.of(0), task: 'binary' as const, classCount: 2 };
		const context = { deadline: Infinity, seed: 0, foldCount: 1 };
		const weak = linear.predict(linear.fit(set, { strength: 1 }, context), [x]);
		const strong = linear.predict(linear.fit(set, { strength: 300 }, context), [x]);
		const spread = (p: Float64Array) => Math.max(...p) - Math.min(...p);
		// A stronger penalty pulls the probabilities towards the base rate.
		expect(spread(strong)).toBeLessThan(spread(weak));
	});
});
