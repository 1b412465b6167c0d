/**
 * How good the model is, from its out-of-fold predictions (each row predicted by models that never saw it):
 * the curves and tables of a model report, metric confidence intervals by bootstrap, and the score of the
 * naive baseline it has to beat. Pure functions of (targets, predictions); no model is called here.
 *
 * Curves follow scikit-learn's definitions (roc_curve, precision_recall_curve, average_precision_score,
 * calibration_curve with uniform bins), so their values can be checked against it by hand.
 */
import { allScores } from '../automl/scoring';
import type { Task } from '../prep/target';
import { seededRandom } from '../samples/random';

export interface RocPoint {
	fpr: number;
	tpr: number;
	/** Rows scoring at or above this are called positive (Infinity for the (0, 0) corner). */
	threshold: number;
}

export interface PrPoint {
	recall: number;
	precision: number;
	threshold: number;
}

export interface CalibrationBin {
	/** Mean predicted probability in the bin. */
	predicted: number;
	/** Fraction of the bin's rows that were positive (or, multiclass, predicted right). */
	observed: number;
	count: number;
}

export interface ThresholdRow {
	threshold: number;
	precision: number | null;
	recall: number;
	f1: number;
	/** Share of rows called positive. */
	flagged: number;
}

export interface BinaryEvaluation {
	kind: 'binary';
	classes: [string, string];
	threshold: number;
	/** At the model's threshold; rows actual × predicted: [[tn, fp], [fn, tp]]. */
	confusion: number[][];
	roc: { points: RocPoint[]; auc: number };
	precisionRecall: { points: PrPoint[]; averagePrecision: number; positiveRate: number };
	calibration: CalibrationBin[];
	/** Rows sorted by score, best first: share of all positives found in the top `population` share. */
	gains: { population: number; captured: number; lift: number }[];
	thresholds: ThresholdRow[];
}

export interface MulticlassEvaluation {
	kind: 'multiclass';
	classes: string[];
	/** Actual (rows) × predicted (columns), in class order. */
	confusion: number[][];
	perClass: { label: string; precision: number | null; recall: number | null; f1: number; support: number }[];
	/** Confidence of the predicted class vs how often it was right. */
	calibration: CalibrationBin[];
}

export interface RegressionEvaluation {
	kind: 'regression';
	/** Up to 500 rows spread over the table. */
	sample: { actual: number; predicted: number }[];
	/** Of actual − predicted. */
	residualHistogram: { from: number; to: number; count: number }[];
	/** Rows grouped in ten equal-sized groups by predicted value, lowest first. */
	deciles: { meanPredicted: number; meanActual: number; meanAbsoluteError: number; count: number }[];
}

export type Evaluation = BinaryEvaluation | MulticlassEvaluation | RegressionEvaluation;

const MAX_CURVE_POINTS = 200;

/** Keeps at most `max` points, evenly spread, always the first and the last. */
function thin<T>(points: T[], max = MAX_CURVE_POINTS): T[] {
	if (points.length <= max) return points;
	const out: T[] = [];
	for (let j = 0; j < max; j++) out.push(points[Math.round((j * (points.length - 1)) / (max - 1))]);
	return out;
}

/** Row indices by descending score; groups of tied scores as [start, end) ranges. */
function rankedGroups(score: ArrayLike<number>): { order: Uint32Array; ends: number[] } {
	const n = score.length;
	const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
	const ends: number[] = [];
	for (let i = 1; i <= n; i++) if (i === n || score[order[i]] !== score[order[i - 1]]) ends.push(i);
	return { order, ends };
}

/** ROC curve at every distinct score (without scikit-learn's dropping of collinear points) and its area. */
export function rocCurve(
	y: ArrayLike<number>,
	score: ArrayLike<number>
): { points: RocPoint[]; auc: number } {
	const { order, ends } = rankedGroups(score);
	let positives = 0;
	for (let i = 0; i < y.length; i++) if (y[i] === 1) positives++;
	const negatives = y.length - positives;
	const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
	let tp = 0;
	let fp = 0;
	let area = 0;
	let start = 0;
	for (const end of ends) {
		for (let j = start; j < end; j++)
			if (y[order[j]] === 1) tp++;
			else fp++;
		const point = {
			fpr: negatives ? fp / negatives : 0,
			tpr: positives ? tp / positives : 0,
			threshold: score[order[start]]
		};
		const last = points[points.length - 1];
		area += ((point.fpr - last.fpr) * (point.tpr + last.tpr)) / 2;
		points.push(point);
		start = end;
	}
	return { points: thin(points), auc: positives && negatives ? area : NaN };
}

/**
 * Precision–recall at every distinct score (highest threshold last, as scikit-learn lists them, ending at
 * recall 0, precision 1) and the average precision Σ (Rₙ − Rₙ₋₁)·Pₙ.
 */
export function precisionRecallCurve(
	y: ArrayLike<number>,
	score: ArrayLike<number>
): { points: PrPoint[]; averagePrecision: number; positiveRate: number } {
	const { order, ends } = rankedGroups(score);
	let positives = 0;
	for (let i = 0; i < y.length; i++) if (y[i] === 1) positives++;
	const descending: PrPoint[] = [];
	let tp = 0;
	let start = 0;
	let ap = 0;
	let previousRecall = 0;
	for (const end of ends) {
		for (let j = start; j < end; j++) if (y[order[j]] === 1) tp++;
		const recall = positives ? tp / positives : 0;
		const precision = tp / end;
		ap += (recall - previousRecall) * precision;
		previousRecall = recall;
		descending.push({ recall, precision, threshold: score[order[start]] });
		start = end;
		if (tp === positives) break; // scikit-learn stops once full recall is reached
	}
	const points = [...descending.reverse(), { recall: 0, precision: 1, threshold: Infinity }];
	return {
		points: thin(points),
		averagePrecision: positives ? ap : NaN,
		positiveRate: y.length ? positives / y.length : 0
	};
}

/** Reliability diagram with `bins` equal-width bins over [0, 1]; empty bins are left out. */
export function calibrationCurve(
	outcome: ArrayLike<number>,
	probability: ArrayLike<number>,
	bins = 10
): CalibrationBin[] {
	const sum = new Float64Array(bins);
	const hits = new Float64Array(bins);
	const count = new Float64Array(bins);
	for (let i = 0; i < outcome.length; i++) {
		const b = Math.min(bins - 1, Math.max(0, Math.floor(probability[i] * bins)));
		sum[b] += probability[i];
		hits[b] += outcome[i];
		count[b]++;
	}
	const out: CalibrationBin[] = [];
	for (let b = 0; b < bins; b++)
		if (count[b] > 0)
			out.push({ predicted: sum[b] / count[b], observed: hits[b] / count[b], count: count[b] });
	return out;
}

/** Cumulative gains and lift at every 5% of the rows, taken best score first. */
export function gainsCurve(
	y: ArrayLike<number>,
	score: ArrayLike<number>
): { population: number; captured: number; lift: number }[] {
	const n = y.length;
	const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
	let positives = 0;
	for (let i = 0; i < n; i++) if (y[i] === 1) positives++;
	const out = [];
	let found = 0;
	let taken = 0;
	for (let step = 1; step <= 20; step++) {
		const population = step / 20;
		const upTo = Math.round(population * n);
		for (; taken < upTo; taken++) if (y[order[taken]] === 1) found++;
		const captured = positives ? found / positives : 0;
		out.push({ population, captured, lift: captured / population });
	}
	return out;
}

function confusionCounts(y: ArrayLike<number>, p: ArrayLike<number>, threshold: number) {
	let tp = 0;
	let fp = 0;
	let tn = 0;
	let fn = 0;
	for (let i = 0; i < y.length; i++) {
		const flagged = p[i] >= threshold;
		if (y[i] === 1) {
			if (flagged) tp++;
			else fn++;
		} else if (flagged) fp++;
		else tn++;
	}
	return { tp, fp, tn, fn };
}

/** Precision, recall, F1 and share flagged at thresholds 0.05 … 0.95 and at the model's own. */
export function thresholdTable(y: ArrayLike<number>, p: ArrayLike<number>, chosen: number): ThresholdRow[] {
	const thresholds = Array.from({ length: 19 }, (_, j) => Math.round((j + 1) * 5) / 100);
	if (!thresholds.some((t) => Math.abs(t - chosen) < 1e-9)) thresholds.push(chosen);
	thresholds.sort((a, b) => a - b);
	return thresholds.map((threshold) => {
		const { tp, fp, fn } = confusionCounts(y, p, threshold);
		const precision = tp + fp ? tp / (tp + fp) : null;
		const recall = tp + fn ? tp / (tp + fn) : 0;
		return {
			threshold,
			precision,
			recall,
			f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0,
			flagged: y.length ? (tp + fp) / y.length : 0
		};
	});
}

function evaluateBinary(
	y: Float64Array,
	p: Float64Array,
	classes: string[],
	threshold: number
): BinaryEvaluation {
	const { tp, fp, tn, fn } = confusionCounts(y, p, threshold);
	return {
		kind: 'binary',
		classes: [classes[0], classes[1]],
		threshold,
		confusion: [
			[tn, fp],
			[fn, tp]
		],
		roc: rocCurve(y, p),
		precisionRecall: precisionRecallCurve(y, p),
		calibration: calibrationCurve(y, p),
		gains: gainsCurve(y, p),
		thresholds: thresholdTable(y, p, threshold)
	};
}

function evaluateMulticlass(y: Float64Array, p: Float64Array, classes: string[]): MulticlassEvaluation {
	const K = classes.length;
	const n = y.length;
	const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
	const confidence = new Float64Array(n);
	const right = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let best = 0;
		for (let c = 1; c < K; c++) if (p[i * K + c] > p[i * K + best]) best = c;
		confusion[y[i]][best]++;
		confidence[i] = p[i * K + best];
		right[i] = best === y[i] ? 1 : 0;
	}
	const perClass = classes.map((label, c) => {
		const tp = confusion[c][c];
		const support = confusion[c].reduce((a, b) => a + b, 0);
		const predicted = confusion.reduce((a, row) => a + row[c], 0);
		return {
			label,
			precision: predicted ? tp / predicted : null,
			recall: support ? tp / support : null,
			f1: tp ? (2 * tp) / (support + predicted) : 0,
			support
		};
	});
	return {
		kind: 'multiclass',
		classes,
		confusion,
		perClass,
		calibration: calibrationCurve(right, confidence)
	};
}

function evaluateRegression(y: Float64Array, p: Float64Array): RegressionEvaluation {
	const n = y.length;
	const step = Math.max(1, n / 500);
	const sample = [];
	for (let j = 0; Math.floor(j * step) < n && sample.length < 500; j++) {
		const i = Math.floor(j * step);
		sample.push({ actual: y[i], predicted: p[i] });
	}
	const residuals = Float64Array.from(y, (v, i) => v - p[i]);
	return {
		kind: 'regression',
		sample,
		residualHistogram: histogram(residuals, 30),
		deciles: deciles(y, p)
	};
}

function histogram(values: Float64Array, bins: number): { from: number; to: number; count: number }[] {
	let low = Infinity;
	let high = -Infinity;
	for (const v of values) {
		low = Math.min(low, v);
		high = Math.max(high, v);
	}
	if (!Number.isFinite(low)) return [];
	if (high === low) return [{ from: low, to: high, count: values.length }];
	const width = (high - low) / bins;
	const counts = new Array<number>(bins).fill(0);
	for (const v of values) counts[Math.min(bins - 1, Math.floor((v - low) / width))]++;
	return counts.map((count, b) => ({ from: low + b * width, to: low + (b + 1) * width, count }));
}

function deciles(y: Float64Array, p: Float64Array): RegressionEvaluation['deciles'] {
	const n = y.length;
	const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
	const out = [];
	for (let d = 0; d < 10; d++) {
		const from = Math.floor((d * n) / 10);
		const to = Math.floor(((d + 1) * n) / 10);
		if (to <= from) continue;
		let predicted = 0;
		let actual = 0;
		let error = 0;
		for (let j = from; j < to; j++) {
			const i = order[j];
			predicted += p[i];
			actual += y[i];
			error += Math.abs(y[i] - p[i]);
		}
		const count = to - from;
		out.push({
			meanPredicted: predicted / count,
			meanActual: actual / count,
			meanAbsoluteError: error / count,
			count
		});
	}
	return out;
}

/** Every chart's data for the task, from out-of-fold targets and predictions (row-major per class). */
export function evaluate(
	task: Task,
	y: Float64Array,
	predictions: Float64Array,
	classes: string[],
	threshold: number
): Evaluation {
	if (task === 'binary') return evaluateBinary(y, predictions, classes, threshold);
	if (task === 'multiclass') return evaluateMulticlass(y, predictions, classes);
	return evaluateRegression(y, predictions);
}

export interface Interval {
	low: number;
	high: number;
}

/**
 * 95% percentile bootstrap intervals of every metric of the task: rows resampled with replacement
 * `resamples` times (on an even subsample of at most `maxRows` rows, to bound the cost on big tables).
 */
export function bootstrapIntervals(
	task: Task,
	y: Float64Array,
	predictions: Float64Array,
	classCount: number,
	threshold: number,
	options: { resamples?: number; maxRows?: number; seed?: number } = {}
): Record<string, Interval> {
	const resamples = options.resamples ?? 200;
	const width = task === 'multiclass' ? classCount : 1;
	const total = y.length;
	const n = Math.min(total, options.maxRows ?? 20_000);
	const base = Uint32Array.from({ length: n }, (_, j) => Math.floor((j * total) / n));
	const random = seededRandom(options.seed ?? 0);
	const draws = new Map<string, number[]>();
	const sampleY = new Float64Array(n);
	const sampleP = new Float64Array(n * width);
	for (let r = 0; r < resamples; r++) {
		for (let j = 0; j < n; j++) {
			const i = base[Math.floor(random() * n)];
			sampleY[j] = y[i];
			for (let k = 0; k < width; k++) sampleP[j * width + k] = predictions[i * width + k];
		}
		for (const [name, value] of Object.entries(allScores(task, sampleY, sampleP, classCount, threshold)))
			if (Number.isFinite(value)) (draws.get(name) ?? draws.set(name, []).get(name)!).push(value);
	}
	const out: Record<string, Interval> = {};
	for (const [name, values] of draws) {
		if (values.length < resamples / 2) continue;
		values.sort((a, b) => a - b);
		const at = (q: number) =>
			values[Math.min(values.length - 1, Math.max(0, Math.round(q * (values.length - 1))))];
		out[name] = { low: at(0.025), high: at(0.975) };
	}
	return out;
}

export interface Baseline {
	/** What the naive model does, in words. */
	description: string;
	metrics: Record<string, number>;
}

/** The naive model: class frequencies (the most common class as the decision), or the mean value. */
export function baseline(task: Task, y: Float64Array, classes: string[], threshold: number): Baseline {
	const n = y.length;
	if (task === 'regression') {
		const mean = y.reduce((a, b) => a + b, 0) / Math.max(1, n);
		return {
			description: `always predicting the average, ${formatNumber(mean)}`,
			metrics: allScores(task, y, new Float64Array(n).fill(mean), 1, threshold)
		};
	}
	const K = classes.length;
	const counts = new Float64Array(K);
	for (const v of y) counts[v]++;
	let majority = 0;
	for (let c = 1; c < K; c++) if (counts[c] > counts[majority]) majority = c;
	const width = task === 'multiclass' ? K : 1;
	const p = new Float64Array(n * width);
	for (let i = 0; i < n; i++)
		if (task === 'binary') p[i] = counts[1] / n;
		else for (let c = 0; c < K; c++) p[i * K + c] = counts[c] / n;
	// The decision of a constant model is the majority class, whatever the threshold.
	const decisionThreshold = task === 'binary' ? (majority === 1 ? 0 : 1.1) : threshold;
	return {
		description: `always predicting "${classes[majority]}" (the most common answer, ${Math.round((100 * counts[majority]) / Math.max(1, n))}% of rows)`,
		metrics: allScores(task, y, p, K, decisionThreshold)
	};
}

export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	const magnitude = Math.abs(value);
	if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
	if (magnitude >= 1) return String(Number(value.toFixed(2)));
	return String(Number(value.toPrecision(2)));
}
