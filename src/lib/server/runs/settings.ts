/**
 * What a run request may ask for, checked against the dataset before anything is saved. Each problem names the
 * field, so the wizard and API clients can point at it.
 */
import { METRIC_NAMES } from '../../engine/automl/scoring';
import { MODEL_FAMILIES } from '../../engine/automl/families';
import type { PreparationOptions } from '../../engine/automl/prepare';
import type { DatasetColumnSummary, RunSettings } from '../db/schema';

export const MIN_TIME_LIMIT_SECONDS = 10;
/** A day: longer searches gain nothing measurable and hold a worker hostage. */
export const MAX_TIME_LIMIT_SECONDS = 24 * 60 * 60;
export const DEFAULT_TIME_LIMIT_SECONDS = 5 * 60;
/** The wizard's choices; "custom" takes any whole number of minutes in range. */
export const TIME_LIMIT_CHOICES = [60, 300, 900, 3600] as const;

export class RunRequestError extends Error {
	constructor(
		message: string,
		readonly field: string
	) {
		super(message);
	}
}

export interface RunRequest {
	target: string;
	settings: RunSettings;
}

function fail(field: string, message: string): never {
	throw new RunRequestError(message, field);
}

function stringList(value: unknown, field: string): string[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
		fail(field, `"${field}" must be a list of column names.`);
	return value as string[];
}

function columnNamed(columns: DatasetColumnSummary[], name: string, field: string): DatasetColumnSummary {
	const column = columns.find((c) => c.name === name);
	if (!column) fail(field, `The dataset has no column "${name}".`);
	return column;
}

function formatSeconds(seconds: number): string {
	return seconds >= 3600 ? `${seconds / 3600} hours` : `${seconds} seconds`;
}

/**
 * Parses `{target, task?, metric?, timeLimitSeconds?, excludeColumns?, models?, validation?, seed?}` against the
 * dataset's columns.
 */
export function parseRunRequest(body: Record<string, unknown>, columns: DatasetColumnSummary[]): RunRequest {
	if (typeof body.target !== 'string' || !body.target)
		fail('target', 'Choose the column to predict ("target").');
	const target = columnNamed(columns, body.target, 'target').name;

	const task = body.task ?? 'auto';
	if (task !== 'auto' && task !== 'binary' && task !== 'multiclass' && task !== 'regression')
		fail('task', `"task" must be auto, binary, multiclass or regression, not "${String(task)}".`);

	const metric = body.metric ?? 'auto';
	if (
		typeof metric !== 'string' ||
		(metric !== 'auto' && !(METRIC_NAMES as readonly string[]).includes(metric))
	)
		fail('metric', `"metric" must be auto or one of ${METRIC_NAMES.join(', ')}.`);

	const limit = body.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS;
	if (typeof limit !== 'number' || !Number.isFinite(limit))
		fail('timeLimitSeconds', '"timeLimitSeconds" must be a number of seconds.');
	if (limit < MIN_TIME_LIMIT_SECONDS || limit > MAX_TIME_LIMIT_SECONDS)
		fail(
			'timeLimitSeconds',
			`The time limit must be between ${MIN_TIME_LIMIT_SECONDS} seconds and ${formatSeconds(MAX_TIME_LIMIT_SECONDS)}; ${limit} seconds was asked for.`
		);

	const excludeColumns = stringList(body.excludeColumns, 'excludeColumns');
	for (const name of excludeColumns) columnNamed(columns, name, 'excludeColumns');
	if (excludeColumns.includes(target)) fail('excludeColumns', `The target "${target}" cannot be excluded.`);
	if (columns.length - excludeColumns.length - 1 < 1)
		fail('excludeColumns', 'Every column but the target is excluded: leave at least one to learn from.');

	const models = stringList(body.models, 'models');
	const familyNames = MODEL_FAMILIES.map((f) => f.name);
	for (const name of models)
		if (!familyNames.includes(name))
			fail('models', `"${name}" is not a model family; choose from ${familyNames.join(', ')}.`);

	let validation: RunSettings['validation'] = { kind: 'auto' };
	if (body.validation !== undefined && body.validation !== null) {
		const v = body.validation as { kind?: unknown; column?: unknown };
		if (typeof v !== 'object' || (v.kind !== 'auto' && v.kind !== 'group' && v.kind !== 'time'))
			fail('validation', '"validation.kind" must be auto, group or time.');
		if (v.kind === 'group' || v.kind === 'time') {
			if (typeof v.column !== 'string') fail('validation.column', `Choose the ${v.kind} column.`);
			const column = columnNamed(columns, v.column, 'validation.column');
			if (column.name === target) fail('validation.column', `The ${v.kind} column cannot be the target.`);
			if (v.kind === 'time' && column.type !== 'datetime' && column.type !== 'numeric')
				fail('validation.column', `"${column.name}" holds ${column.type} values, not dates or numbers.`);
			validation = { kind: v.kind, column: column.name };
		}
	}

	const seed = body.seed ?? 0;
	if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)
		fail('seed', '"seed" must be a whole number, 0 or more.');

	const maxTrials = body.maxTrials ?? undefined;
	if (
		maxTrials !== undefined &&
		(typeof maxTrials !== 'number' || !Number.isInteger(maxTrials) || maxTrials < 1)
	)
		fail('maxTrials', '"maxTrials" must be a whole number, 1 or more.');

	return {
		target,
		settings: {
			task,
			metric,
			timeLimitSeconds: Math.round(limit),
			excludeColumns,
			models,
			validation,
			seed,
			...(maxTrials !== undefined ? { maxTrials } : {})
		}
	};
}

/** The engine options a run's folds depend on: the coordinator and every helper derive them the same way. */
export function preparationOptions(target: string, settings: RunSettings): PreparationOptions {
	return {
		target,
		task: settings.task,
		metric: settings.metric,
		exclude: settings.excludeColumns,
		groupColumn: settings.validation.kind === 'group' ? settings.validation.column : undefined,
		timeColumn: settings.validation.kind === 'time' ? settings.validation.column : undefined,
		seed: settings.seed
	};
}
