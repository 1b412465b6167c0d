/**
 * The target column: which kind of task it makes (binary, multiclass, regression), its classes, and its values
 * encoded for the models (class indices, or numbers). Rows whose target is missing are left out of training.
 */
import { cellText, columnLength, isMissing, textCounts, type Column, type DataFrame } from '../frame/types';

export type Task = 'binary' | 'multiclass' | 'regression';
export const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

/** More classes than this is almost always an ID or a free-text column chosen by mistake. */
export const MAX_CLASSES = 200;

export class TargetError extends Error {}

export interface TargetInfo {
	name: string;
	task: Task;
	/** Class labels as the file writes them, in index order (classification only). */
	classes: string[];
	/** Why Hunch chose this task, in plain words (shown in progress and the report). */
	reason: string;
}

/** The target column by name, or an error that lists the columns there are. */
export function findTargetColumn(frame: DataFrame, name: string): Column {
	const column = frame.columns.find((c) => c.name === name);
	if (column) return column;
	const names = frame.columns.map((c) => `"${c.name}"`).join(', ');
	throw new TargetError(`There is no column "${name}". The columns are: ${names}.`);
}

/** Classes in a stable order: numeric labels numerically, others alphabetically (as scikit-learn orders them). */
function orderClasses(labels: string[], numeric: boolean): string[] {
	return numeric ? labels.sort((a, b) => Number(a) - Number(b)) : labels.sort();
}

/**
 * Decides the task. Text or boolean targets are classification; numbers are regression unless they have two
 * values, or are a handful of repeated whole numbers with uneven gaps, which look like codes (1, 2, 3, 5, 7)
 * rather than counts, ratings or scores (an evenly spaced run such as 0 … 9, 3 … 9 or 0, 10 … 100).
 * `requested` overrides the guess.
 */
export function describeTarget(column: Column, requested: Task | 'auto' = 'auto'): TargetInfo {
	const counts = textCounts(column);
	const name = column.name;
	if (counts.size === 0) throw new TargetError(`The target column "${name}" has no values.`);
	if (counts.size === 1)
		throw new TargetError(
			`The target column "${name}" has only one value ("${[...counts.keys()][0]}"): there is nothing to predict.`
		);
	const numeric = column.type === 'numeric';
	const labels = orderClasses([...counts.keys()], numeric);
	if (requested === 'regression') {
		if (!numeric)
			throw new TargetError(
				`The target column "${name}" is not numeric, so it cannot be a regression target.`
			);
		return { name, task: 'regression', classes: [], reason: 'you asked for regression' };
	}
	if (requested === 'binary' && counts.size !== 2)
		throw new TargetError(
			`The target column "${name}" has ${counts.size} values; a binary task needs exactly 2.`
		);
	if (requested === 'binary' || requested === 'multiclass') {
		if (counts.size > MAX_CLASSES)
			throw new TargetError(
				`The target column "${name}" has ${counts.size} distinct values; at most ${MAX_CLASSES} classes are supported.`
			);
		return {
			name,
			task: counts.size === 2 ? 'binary' : 'multiclass',
			classes: labels,
			reason: `you asked for ${requested}`
		};
	}
	if (counts.size === 2)
		return { name, task: 'binary', classes: labels, reason: 'the column has two values' };
	if (numeric) {
		const values = labels.map(Number);
		const whole = values.every((v) => Number.isInteger(v));
		// An unbroken run (0, 1, 2 … or 3 … 9), or one in even steps (0, 10, 20 … 100), reads as a count, a rating
		// or a score: an amount. Uneven gaps read as codes.
		const step = values[1] - values[0];
		const countLike = whole && values.every((v, i) => v === values[0] + i * step);
		// Codes repeat: a handful of values shared by many rows (not 1, 2, 3 … one per row).
		let rows = 0;
		for (const c of counts.values()) rows += c;
		const repeated = rows >= 5 * values.length;
		if (whole && values.length <= 20 && !countLike && repeated)
			return {
				name,
				task: 'multiclass',
				classes: labels,
				reason: `${values.length} distinct whole numbers that look like category codes (use --task regression if they are amounts)`
			};
		return {
			name,
			task: 'regression',
			classes: [],
			reason:
				countLike && values.length <= 20
					? 'the column holds evenly spaced whole numbers, read as amounts (use --task multiclass if they are categories)'
					: 'the column holds numbers'
		};
	}
	if (counts.size > MAX_CLASSES)
		throw new TargetError(
			`The target column "${name}" has ${counts.size} distinct text values: too many classes to predict (at most ${MAX_CLASSES}). Is it an ID or free-text column?`
		);
	return { name, task: 'multiclass', classes: labels, reason: `${counts.size} distinct values` };
}

/** Target values for the models: class indices or numbers; NaN where the target is missing or unknown. */
export function encodeTarget(column: Column, info: TargetInfo): Float64Array {
	const n = columnLength(column);
	const out = new Float64Array(n);
	if (info.task === 'regression') {
		for (let i = 0; i < n; i++) {
			if (isMissing(column, i)) out[i] = NaN;
			else if (column.type === 'numeric') out[i] = column.values[i];
			else out[i] = Number(cellText(column, i));
		}
		return out;
	}
	const index = new Map(info.classes.map((c, i) => [c, i]));
	for (let i = 0; i < n; i++) out[i] = isMissing(column, i) ? NaN : (index.get(cellText(column, i)) ?? NaN);
	return out;
}
