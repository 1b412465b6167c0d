import { describe, expect, it } from 'vitest';
import {
	baseline,
	bootstrapIntervals,
	calibrationCurve,
	evaluate,
	gainsCurve,
	precisionRecallCurve,
	rocCurve,
	thresholdTable
} from './evaluation';

// scikit-learn's documentation example: y = [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8].
const y = Float64Array.of(0, 0, 1, 1);
const s = Float64Array.of(0.1, 0.4, 0.35, 0.8);

describe('curves (checked by hand against scikit-learn)', () => {
	it('ROC: roc_curve points and roc_auc_score 0.75', () => {
		const { points, auc } = rocCurve(y, s);
		expect(points.map((p) => [p.fpr, p.tpr])).toEqual([
			[0, 0],
			[0, 0.5],
			[0.5, 0.5],
			[0.5, 1],
			[1, 1]
		]);
		expect(points.map((p) => p.threshold)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
		expect(auc).toBeCloseTo(0.75, 12);
		// Ties: two rows with the same score make one diagonal step.
		expect(rocCurve(Float64Array.of(0, 1), Float64Array.of(0.5, 0.5)).auc).toBeCloseTo(0.5, 12);
	});

	it('precision–recall: precision_recall_curve and average_precision_score 0.8333', () => {
		const { points, averagePrecision, positiveRate } = precisionRecallCurve(y, s);
		expect(points.map((p) => [p.precision, p.recall])).toEqual([
			[2 / 3, 1],
			[0.5, 0.5],
			[1, 0.5],
			[1, 0]
		]);
		expect(averagePrecision).toBeCloseTo(5 / 6, 12);
		expect(positiveRate).toBe(0.5);
	});

	it('calibration: calibration_curve(n_bins=10) skips empty bins', () => {
		const bins = calibrationCurve(
			Float64Array.of(0, 1, 1, 0, 1),
			Float64Array.of(0.05, 0.08, 0.55, 0.52, 0.99)
		);
		expect(bins).toEqual([
			{ predicted: 0.065, observed: 0.5, count: 2 },
			{ predicted: 0.535, observed: 0.5, count: 2 },
			{ predicted: 0.99, observed: 1, count: 1 }
		]);
	});

	it('gains and lift: all positives found in the top half → lift 2 there', () => {
		const gains = gainsCurve(y, Float64Array.of(0.1, 0.2, 0.9, 0.8));
		const half = gains.find((g) => g.population === 0.5)!;
		expect(half.captured).toBe(1);
		expect(half.lift).toBe(2);
		expect(gains.at(-1)).toEqual({ population: 1, captured: 1, lift: 1 });
	});

	it('threshold table: precision/recall/F1 and share flagged; the chosen threshold is listed', () => {
		const rows = thresholdTable(y, s, 0.37);
		const at = (t: number) => rows.find((r) => Math.abs(r.threshold - t) < 1e-9)!;
		expect(at(0.37)).toEqual({ threshold: 0.37, precision: 0.5, recall: 0.5, f1: 0.5, flagged: 0.5 });
		expect(at(0.3)).toEqual({ threshold: 0.3, precision: 2 / 3, recall: 1, f1: 0.8, flagged: 0.75 });
		expect(at(0.85).precision).toBeNull();
	});
});

describe('evaluate', () => {
	it('binary: confusion matrix at the threshold', () => {
		const e = evaluate('binary', y, s, ['no', 'yes'], 0.37);
		if (e.kind !== 'binary') throw new Error('binary expected');
		expect(e.confusion).toEqual([
			[1, 1],
			[1, 1]
		]);
	});

	it('multiclass: confusion and per-class precision/recall', () => {
		const yy = Float64Array.of(0, 1, 2, 2);
		const p = Float64Array.of(0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.6, 0.3, 0.1, 0.1, 0.8);
		const e = evaluate('multiclass', yy, p, ['a', 'b', 'c'], 0.5);
		if (e.kind !== 'multiclass') throw new Error('multiclass expected');
		expect(e.confusion).toEqual([
			[1, 0, 0],
			[0, 1, 0],
			[0, 1, 1]
		]);
		expect(e.perClass[1]).toEqual({ label: 'b', precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
		expect(e.perClass[2].recall).toBe(0.5);
	});

	it('regression: deciles by predicted value and a residual histogram covering every row', () => {
		const actual = Float64Array.from({ length: 100 }, (_, i) => i);
		const predicted = Float64Array.from(actual, (v, i) => v + (i % 2 ? 2 : -2));
		const e = evaluate('regression', actual, predicted, [], 0.5);
		if (e.kind !== 'regression') throw new Error('regression expected');
		expect(e.deciles).toHaveLength(10);
		expect(e.deciles[0].meanAbsoluteError).toBe(2);
		expect(e.residualHistogram.reduce((a, b) => a + b.count, 0)).toBe(100);
		expect(e.sample).toHaveLength(100);
	});
});

describe('bootstrap intervals and baseline', () => {
	it('intervals bracket the metric and narrow with more rows', () => {
		const n = 2000;
		const yy = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
		const p = Float64Array.from(yy, (v, i) => 0.3 + 0.4 * v + ((i * 7919) % 100) / 125 - 0.4);
		const wide = bootstrapIntervals('binary', yy.subarray(0, 200), p.subarray(0, 200), 2, 0.5);
		const narrow = bootstrapIntervals('binary', yy, p, 2, 0.5);
		expect(narrow.auc.low).toBeLessThan(narrow.auc.high);
		expect(narrow.auc.high - narrow.auc.low).toBeLessThan(wide.auc.high - wide.auc.low);
		expect(narrow.accuracy.low).toBeGreaterThan(0.5);
	});

	it('the naive baseline: majority class, AUC 0.5; the mean for regression (R² 0)', () => {
		const b = baseline('binary', Float64Array.of(0, 0, 0, 1), ['no', 'yes'], 0.5);
		expect(b.description).toContain('"no"');
		expect(b.metrics.accuracy).toBe(0.75);
		expect(b.metrics.auc).toBe(0.5);
		const r = baseline('regression', Float64Array.of(1, 2, 3), [], 0.5);
		expect(r.metrics.r2).toBeCloseTo(0, 12);
		expect(r.description).toContain('2');
	});
});
