/**
 * The part of a run that depends only on the table and the run's settings: target and task, the rows that have
 * a target, the validation folds and each fold's features (encoders learned on the fold's training rows only).
 *
 * It is deterministic, which is what lets trials be spread over machines: a worker helping with another
 * worker's run rebuilds the very same folds from the dataset and the settings, checks it did with
 * `foldsFingerprint`, and then fits any fold it is handed.
 */
import { selectRows } from '../frame/select';
import type { DataFrame } from '../frame/types';
import { encodeFeatures, fitEncoder, type FeatureEncoder } from '../prep/encoder';
import { describeTarget, encodeTarget, findTargetColumn, type Task, type TargetInfo } from '../prep/target';
import type { TrainingSet } from './families';
import type { FoldSets } from './fold-fit';
import { foldCountFor, groupKFold, repeatedKFold, repeatsFor, timeSeriesSplit, type FoldPlan } from './folds';
import { chooseMetric, type Metric } from './scoring';

/** A bad request to the AutoML engine, with a one-line reason for the user. */
export class AutoMLError extends Error {}

/** The settings the folds depend on. */
export interface PreparationOptions {
	target: string;
	task?: Task | 'auto';
	metric?: string;
	/** Columns that are not features. */
	exclude?: string[];
	/** Rows sharing a value of this column stay in one fold. */
	groupColumn?: string;
	/** Validate on the future: folds ordered by this column. */
	timeColumn?: string;
	seed?: number;
}

export interface FoldData {
	encoder: FeatureEncoder;
	train: TrainingSet;
	valid: TrainingSet;
	/** The frame's rows behind `train`, in its order (`validRows` likewise for `valid`). */
	trainRows: Uint32Array;
	validRows: Uint32Array;
}

export interface PreparedTraining {
	target: TargetInfo;
	task: Task;
	metric: Metric;
	/** The rows that have a target. */
	frame: DataFrame;
	/** `frame` without the target, excluded and group columns. */
	featureFrame: DataFrame;
	y: Float64Array;
	classCount: number;
	/** Predictions per row: the class count for multiclass, else 1. */
	width: number;
	plan: FoldPlan;
	folds: FoldData[];
	/** Rows validated out of fold, ascending (time splits never validate the oldest block). */
	scoredRows: Uint32Array;
}

export function columnValues(frame: DataFrame, name: string, what: string): DataFrame['columns'][number] {
	const column = frame.columns.find((c) => c.name === name);
	if (!column) throw new AutoMLError(`There is no column "${name}" to use as the ${what}.`);
	return column;
}

function foldPlan(
	frame: DataFrame,
	y: Float64Array,
	task: Task,
	classCount: number,
	options: PreparationOptions,
	seed: number
): FoldPlan {
	const k = foldCountFor(frame.rowCount, task === 'multiclass' ? classCount : 1);
	if (options.timeColumn) {
		const column = columnValues(frame, options.timeColumn, 'time column');
		if (column.type !== 'datetime' && column.type !== 'numeric')
			throw new AutoMLError(
				`The time column "${options.timeColumn}" holds ${column.type} values, not dates or numbers.`
			);
		return timeSeriesSplit(
			Float64Array.from(column.values, (v, i) => (column.missing[i] ? NaN : v)),
			Math.max(2, k)
		);
	}
	if (options.groupColumn) {
		const column = columnValues(frame, options.groupColumn, 'group column');
		const groups = Array.from({ length: frame.rowCount }, (_, i) =>
			'codes' in column ? String(column.codes[i]) : column.missing[i] ? '' : String(column.values[i])
		);
		return groupKFold(groups, k, seed);
	}
	return repeatedKFold(
		frame.rowCount,
		k,
		repeatsFor(frame.rowCount),
		seed,
		task === 'regression' ? undefined : y
	);
}

function trainingSet(
	encoder: FeatureEncoder,
	frame: DataFrame,
	y: Float64Array,
	task: Task,
	classCount: number
): TrainingSet {
	return {
		features: encodeFeatures(encoder, frame).features,
		y,
		categorical: Uint8Array.from(encoder.features, (f) => (f.categorical ? 1 : 0)),
		task,
		classCount
	};
}

/** Checks the settings against the table and builds the folds. Throws AutoMLError/TargetError with a reason. */
export function prepareTraining(input: DataFrame, options: PreparationOptions): PreparedTraining {
	const seed = options.seed ?? 0;
	if (input.rowCount === 0) throw new AutoMLError('The table has no rows.');
	const targetColumn = findTargetColumn(input, options.target);
	const target = describeTarget(targetColumn, options.task ?? 'auto');
	const task = target.task;
	let metric: Metric;
	try {
		metric = chooseMetric(task, options.metric);
	} catch (err) {
		throw new AutoMLError((err as Error).message);
	}
	const excluded = new Set([options.target, ...(options.exclude ?? [])]);
	for (const name of options.exclude ?? []) columnValues(input, name, 'excluded column');
	if (options.groupColumn) excluded.add(options.groupColumn);

	// Rows with a target only.
	const allY = encodeTarget(targetColumn, target);
	const kept = Uint32Array.from(allY.keys()).filter((i) => !Number.isNaN(allY[i]));
	if (kept.length < 10)
		throw new AutoMLError(
			`Only ${kept.length} rows have a value in "${options.target}"; at least 10 are needed.`
		);
	const frame = kept.length === input.rowCount ? input : selectRows(input, kept);
	const y = Float64Array.from(kept, (i) => allY[i]);
	const classCount = task === 'regression' ? 1 : target.classes.length;
	const featureFrame = {
		rowCount: frame.rowCount,
		columns: frame.columns.filter((c) => !excluded.has(c.name))
	};
	if (featureFrame.columns.length === 0)
		throw new AutoMLError('There are no columns left to learn from besides the target.');

	const plan = foldPlan(frame, y, task, classCount, options, seed);
	if (plan.folds.length === 0) throw new AutoMLError('Too few rows to hold any out for validation.');
	const folds: FoldData[] = plan.folds.map((fold) => {
		const trainFrame = selectRows(featureFrame, fold.train);
		const validFrame = selectRows(featureFrame, fold.valid);
		const encoder = fitEncoder(trainFrame);
		const trainY = Float64Array.from(fold.train, (i) => y[i]);
		const validY = Float64Array.from(fold.valid, (i) => y[i]);
		return {
			encoder,
			train: trainingSet(encoder, trainFrame, trainY, task, classCount),
			valid: trainingSet(encoder, validFrame, validY, task, classCount),
			trainRows: fold.train,
			validRows: fold.valid
		};
	});
	const scored = new Uint8Array(frame.rowCount);
	for (const fold of folds) for (const i of fold.validRows) scored[i] = 1;
	const scoredRows = Uint32Array.from(scored.keys()).filter((i) => scored[i] === 1);
	return {
		target,
		task,
		metric,
		frame,
		featureFrame,
		y,
		classCount,
		width: task === 'multiclass' ? classCount : 1,
		plan,
		folds,
		scoredRows
	};
}

/** What the fold fits need: each fold's encoded training and validation rows. */
export function foldSetsOf(prepared: PreparedTraining): FoldSets[] {
	return prepared.folds.map((f) => ({ train: f.train, valid: f.valid }));
}

/**
 * A short digest of the folds' rows, targets and encoders: two workers with the same fingerprint fit
 * exactly the same fold for the same job (FNV-1a over the validation rows, every target and each feature's
 * encoder (its features, categories and scales)).
 */
export function foldsFingerprint(prepared: PreparedTraining): string {
	let hash = 0x811c9dc5;
	const mix = (value: number) => {
		hash ^= value & 0xffff;
		hash = Math.imul(hash, 0x01000193) >>> 0;
		hash ^= value >>> 16;
		hash = Math.imul(hash, 0x01000193) >>> 0;
	};
	const bits = new Float64Array(1);
	const words = new Uint32Array(bits.buffer);
	mix(prepared.folds.length);
	for (const fold of prepared.folds) {
		mix(fold.validRows.length);
		for (const row of fold.validRows) mix(row);
		const encoder = JSON.stringify(fold.encoder);
		for (let i = 0; i < encoder.length; i++) mix(encoder.charCodeAt(i));
	}
	for (const value of prepared.y) {
		bits[0] = value;
		mix(words[0]);
		mix(words[1]);
	}
	return `${prepared.task}-${prepared.frame.rowCount}-${hash.toString(16).padStart(8, '0')}`;
}
