import { describe, expect, it } from 'vitest';
import { rng } from '../testing/tables';
import { auc } from './metrics';

/** P(score of a positive > score of a negative) + ½ P(equal), over every pair. */
function pairwiseAuc(y: number[], score: number[]): number {
	let wins = 0;
	let pairs = 0;
	for (let i = 0; i < y.length; i++)
		for (let j = 0; j < y.length; j++)
			if (y[i] === 1 && y[j] !== 1) {
				pairs++;
				wins += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
			}
	return wins / pairs;
}

describe('AUC', () => {
	it('equals the pairwise definition, ties counted half (scores rounded to make many ties)', () => {
		const r = rng(3);
		for (let trial = 0; trial < 30; trial++) {
			const n = 5 + Math.floor(r() * 300);
			const y = Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
			y[0] = 1;
			y[1] = 0;
			const levels = 1 + Math.floor(r() * 20);
			const score = y.map((v) => Math.round((r() + v * 0.3) * levels) / levels);
			expect(auc(y, score)).toBeCloseTo(pairwiseAuc(y, score), 12);
		}
	});

	it('is 1 for a perfect ranking, 0.5 for constant scores, NaN with one class', () => {
		expect(auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.9])).toBe(1);
		expect(auc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.9])).toBe(0);
		expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
		expect(auc([1, 1], [0.2, 0.4])).toBeNaN();
		expect(auc([0, 0], [0.2, 0.4])).toBeNaN();
	});
});
