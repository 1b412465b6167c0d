/**
 * The metrics a run can optimise, on one footing: each takes the targets and row-major predictions (values for
 * regression, P(class 1) for binary, class probabilities for multiclass) and says whether higher is better.
 */
import {
	accuracy,
	auc,
	balancedAccuracy,
	f1,
	logLoss,
	mae,
	predictedClasses,
	r2,
	rmse
} from '../metrics/metrics';
import type { Task } from '../prep/target';

export const METRIC_NAMES = [
	'auc',
	'logloss',
	'accuracy',
	'balanced_accuracy',
	'f1',
	'rmse',
	'mae',
	'r2'
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface Metric {
	name: MetricName;
	label: string;
	higherIsBetter: boolean;
	tasks: Task[];
	/** `threshold` applies to binary tasks' class decisions. */
	score(y: Float64Array, pred: Float64Array, classCount: number, threshold?: number): number;
}

const classes = (pred: Float64Array, n: number, k: number, threshold = 0.5) =>
	predictedClasses(pred, n, k, threshold);

export const METRICS: Record<MetricName, Metric> = {
	auc: {
		name: 'auc',
		label: 'AUC',
		higherIsBetter: true,
		tasks: ['binary'],
		score: (y, p) => auc(y, p)
	},
	logloss: {
		name: 'logloss',
		label: 'log loss',
		higherIsBetter: false,
		tasks: ['binary', 'multiclass'],
		score: (y, p, k) => logLoss(y, p, k)
	},
	accuracy: {
		name: 'accuracy',
		label: 'accuracy',
		higherIsBetter: true,
		tasks: ['binary', 'multiclass'],
		score: (y, p, k, t) => accuracy(y, classes(p, y.length, k, t))
	},
	balanced_accuracy: {
		name: 'balanced_accuracy',
		label: 'balanced accuracy',
		higherIsBetter: true,
		tasks: ['binary', 'multiclass'],
		score: (y, p, k, t) => balancedAccuracy(y, classes(p, y.length, k, t), Math.max(2, k))
	},
	f1: {
		name: 'f1',
		label: 'F1',
		higherIsBetter: true,
		tasks: ['binary', 'multiclass'],
		score: (y, p, k, t) => f1(y, classes(p, y.length, k, t), k)
	},
	rmse: {
		name: 'rmse',
		label: 'RMSE',
		higherIsBetter: false,
		tasks: ['regression'],
		score: (y, p) => rmse(y, p)
	},
	mae: {
		name: 'mae',
		label: 'MAE',
		higherIsBetter: false,
		tasks: ['regression'],
		score: (y, p) => mae(y, p)
	},
	r2: { name: 'r2', label: 'R²', higherIsBetter: true, tasks: ['regression'], score: (y, p) => r2(y, p) }
};

export function defaultMetric(task: Task): MetricName {
	return task === 'binary' ? 'auc' : task === 'multiclass' ? 'logloss' : 'rmse';
}

/** The metric to optimise: the user's choice when it fits the task, else a clear error. */
export function chooseMetric(task: Task, requested: string | undefined): Metric {
	if (!requested || requested === 'auto') return METRICS[defaultMetric(task)];
	if (!(METRIC_NAMES as readonly string[]).includes(requested))
		throw new Error(`Unknown metric "${requested}". Choose one of: auto, ${METRIC_NAMES.join(', ')}.`);
	const metric = METRICS[requested as MetricName];
	if (!metric.tasks.includes(task))
		throw new Error(
			`The metric "${requested}" does not apply to a ${task} task; use one of: ${METRIC_NAMES.filter((m) => METRICS[m].tasks.includes(task)).join(', ')}.`
		);
	return metric;
}

/** True when score `a` is better than `b` under this metric (NaN is never better). */
export function isBetter(metric: Metric, a: number, b: number): boolean {
	if (Number.isNaN(a)) return false;
	if (Number.isNaN(b)) return true;
	return metric.higherIsBetter ? a > b : a < b;
}

/** Every metric that applies to the task, for the report. */
export function allScores(
	task: Task,
	y: Float64Array,
	pred: Float64Array,
	classCount: number,
	threshold?: number
): Record<string, number> {
	const out: Record<string, number> = {};
	for (const name of METRIC_NAMES) {
		const metric = METRICS[name];
		if (metric.tasks.includes(task)) out[name] = metric.score(y, pred, classCount, threshold);
	}
	return out;
}
