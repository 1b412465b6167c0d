import { describe, expect, it } from 'vitest';
import { predictFrame } from '../automl/predict';
import { trainAutoML } from '../automl/train';
import type { DataFrame } from '../frame/types';
import { categorical, churn, numeric, rng } from '../testing/tables';
import { partialDependence } from './dependence';
import { rowErrors, weakSegments } from './segments';

/** Churn plus a column of pure noise. */
function churnWithNoise(n: number, seed: number): DataFrame {
	const data = churn(n, seed);
	const r = rng(seed + 100);
	data.columns.splice(
		3,
		0,
		numeric(
			'noise',
			Array.from({ length: n }, () => r())
		)
	);
	return data;
}

/** A one-trial model's explanations under a clock that moves `msPerReading` each time it is read. */
async function explainWithSlowClock(msPerReading: number, explainSeconds: number) {
	let t = Date.now();
	const artifact = await trainAutoML(churnWithNoise(1000, 6), {
		target: 'churned',
		timeLimitSeconds: 600,
		maxTrials: 1,
		models: ['gbdt'],
		explainSeconds,
		now: () => (t += msPerReading)
	});
	return artifact.explanations!;
}

describe('explainModel (through trainAutoML)', () => {
	it('ranks the driving columns above noise, explains direction in words, and fills every report part', async () => {
		const data = churnWithNoise(600, 5);
		const artifact = await trainAutoML(data, {
			target: 'churned',
			timeLimitSeconds: 60,
			maxTrials: 2,
			models: ['gbdt', 'linear'],
			explainSeconds: 10,
			seed: 3
		});
		const x = artifact.explanations!;
		expect(x).toBeDefined();
		const rank = x.importance.map((c) => c.column);
		expect(rank.indexOf('tenure')).toBeLessThan(rank.indexOf('noise'));
		expect(rank.indexOf('plan')).toBeLessThan(rank.indexOf('noise'));
		const noise = x.importance.find((c) => c.column === 'noise')!;
		const tenure = x.importance.find((c) => c.column === 'tenure')!;
		expect(tenure.drop).toBeGreaterThan(0.05);
		expect(noise.drop).toBeLessThan(tenure.drop / 5);
		expect(tenure.meanAbsContribution).toBeGreaterThan(noise.meanAbsContribution);
		expect(x.rows.importanceRepeats).toBeGreaterThanOrEqual(2);
		// Longer tenure → less churn (the data was made that way).
		const curve = x.dependence.find((d) => d.column === 'tenure')!;
		expect(curve.average[0][0]).toBeGreaterThan(curve.average[0].at(-1)!);
		expect(curve.ice.length).toBeGreaterThan(0);
		expect(x.summary.join(' ')).toMatch(/matters most/);
		expect(
			x.summary.some((s) => /chance of "yes" falls/.test(s) || /"basic" gives the highest/.test(s))
		).toBe(true);
		expect(x.evaluation.kind).toBe('binary');
		expect(x.intervals.auc.low).toBeLessThan(artifact.metrics.auc);
		expect(x.intervals.auc.high).toBeGreaterThan(artifact.metrics.auc);
		expect(x.baseline.metrics.auc).toBe(0.5);
		expect(x.contributionBase).toHaveLength(1);
		expect(x.rows.contributions).toBeGreaterThanOrEqual(20);
	}, 120_000);

	it('samples less, and leaves parts out, to stay within a short budget (a clock that moves 100 ms per reading)', async () => {
		const x = await explainWithSlowClock(100, 1);
		// What comes from the out-of-fold predictions is always there; importance at its smallest sample; the
		// parts that would run past the budget at this (simulated) speed are left out rather than overrun it.
		expect(x.evaluation.kind).toBe('binary');
		expect(x.importance).toHaveLength(4);
		expect(x.rows.importanceRepeats).toBe(2);
		expect(x.rows.importance).toBe(50);
		expect(x.dependence).toEqual([]);
		expect(x.rows.dependence).toBe(0);
		expect(x.rows.contributions).toBeLessThanOrEqual(1);
	}, 120_000);

	it("still draws the top column's dependence curve, at its smallest sample, when that costs more than its share but less than the budget (50 ms per reading)", async () => {
		const x = await explainWithSlowClock(50, 2);
		// The probe reads 2.5 ms a row, so the top column's curve (20 rows × 20 grid points) costs 1 s: half the
		// budget, over any share of it. It is drawn at the smallest sample all the same.
		expect(x.importance[0].column).toBe('tenure');
		expect(x.dependence[0].column).toBe('tenure');
		expect(x.rows.dependence).toBe(20);
	}, 120_000);
});

describe('partial dependence', () => {
	it('equals the average prediction with the column set to each grid value (computed directly)', async () => {
		const data = churn(300, 8);
		const artifact = await trainAutoML(data, {
			target: 'churned',
			timeLimitSeconds: 60,
			maxTrials: 1,
			models: ['gbdt']
		});
		const features: DataFrame = { rowCount: 300, columns: data.columns.filter((c) => c.name !== 'churned') };
		const [tenure, plan] = partialDependence(artifact, features, ['tenure', 'plan'], {
			backgroundRows: 300,
			iceRows: 5
		});
		expect(tenure.kind).toBe('numeric');
		expect(plan.kind).toBe('categorical');
		expect([...plan.labels].sort()).toEqual(['basic', 'plus', 'pro']);
		for (const curve of [tenure, plan])
			curve.labels.forEach((label, g) => {
				const columns = features.columns.map((c) => {
					if (c.name !== curve.column) return c;
					if (c.type === 'numeric') return numeric(c.name, new Array(300).fill(curve.values![g]));
					return categorical(c.name, new Array(300).fill(label));
				});
				const p = predictFrame(artifact, { rowCount: 300, columns }).probabilities!;
				let mean = 0;
				for (let i = 0; i < 300; i++) mean += p[i * 2 + 1] / 300;
				expect(curve.average[0][g]).toBeCloseTo(mean, 10);
				expect(curve.ice[0][g]).toBeCloseTo(p[1], 10);
			});
	}, 60_000);
});

describe('weak segments', () => {
	it('finds a planted weak slice, one and two conditions, and words it', () => {
		const r = rng(12);
		const n = 2000;
		const group = Array.from({ length: n }, () => ['a', 'b', 'c', 'd'][Math.floor(r() * 4)]);
		const size = Array.from({ length: n }, () => Math.round(r() * 100));
		const frame: DataFrame = { rowCount: n, columns: [categorical('group', group), numeric('size', size)] };
		const y = Float64Array.from({ length: n }, () => 0);
		// Errors are 1 everywhere, 3 for group c, and 6 for group c with size ≥ 75.
		const predictions = Float64Array.from({ length: n }, (_, i) =>
			group[i] === 'c' ? (size[i] >= 75 ? 6 : 3) : 1 + (r() - 0.5) * 0.2
		);
		const rows = Uint32Array.from({ length: n }, (_, i) => i);
		const segments = weakSegments(frame, rows, rowErrors('regression', y, predictions, 1), 'regression');
		expect(segments.length).toBeGreaterThan(0);
		const texts = segments.map((s) => s.conditions.join(' & '));
		expect(texts).toContain('group = c');
		expect(texts.some((t) => t.includes('group = c') && t.includes('size ≥'))).toBe(true);
		const single = segments.find((s) => s.conditions.join() === 'group = c')!;
		expect(single.ratio).toBeGreaterThan(1.9);
		expect(single.text).toMatch(
			/^The error is \d(\.\d)?× the average when group = c \(\d+ rows, \d+% of the data\)\.$/
		);
		// Nothing is reported on uniformly noisy errors.
		const flat = Float64Array.from({ length: n }, () => 1 + r() * 0.1);
		expect(weakSegments(frame, rows, flat, 'regression')).toEqual([]);
	});
});
