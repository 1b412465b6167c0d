import { describe, expect, it } from 'vitest';
import { orderStatistics } from './order-statistics';
import { createRandom } from './random';

/** The answer by a full sort. */
function bySorting(values: Float64Array, ranks: number[]): number[] {
	const sorted = Float64Array.from(values).sort();
	return ranks.map((r) => sorted[r]);
}

function everyRank(n: number, step: number): number[] {
	const ranks = [0, n - 1];
	for (let r = 1; r < n - 1; r += step) ranks.push(r);
	return ranks;
}

describe('orderStatistics', () => {
	const random = createRandom(5);
	const n = 50_000;
	const cases: Record<string, Float64Array> = {
		continuous: Float64Array.from({ length: n }, () => random() * 200 - 100),
		'heavy ties (90% zeros, and −0)': Float64Array.from({ length: n }, (_, i) =>
			random() < 0.9 ? (i % 2 ? 0 : -0) : random()
		),
		'already sorted': Float64Array.from({ length: n }, (_, i) => i / 7),
		'sorted descending': Float64Array.from({ length: n }, (_, i) => -i),
		'a few distinct values': Float64Array.from({ length: n }, () => Math.floor(random() * 3)),
		'infinities and huge values': Float64Array.from({ length: n }, (_, i) =>
			i % 97 === 0 ? -Infinity : i % 89 === 0 ? Infinity : (random() - 0.5) * 1e300
		),
		'skewed (exponential)': Float64Array.from({ length: n }, () => (-Math.log(1 - random())) ** 3),
		'a length the four-way search does not divide': Float64Array.from(
			{ length: n + 3 },
			() => random() - 0.5
		),
		'fewer values than the bucketing needs': Float64Array.from({ length: 500 }, () => random())
	};
	for (const [name, values] of Object.entries(cases)) {
		it(`equals a full sort: ${name}`, () => {
			const ranks = everyRank(values.length, 37);
			const copy = Float64Array.from(values);
			expect(Array.from(orderStatistics(values, ranks))).toEqual(bySorting(values, ranks));
			expect(values).toEqual(copy); // input untouched
		});
	}
});
