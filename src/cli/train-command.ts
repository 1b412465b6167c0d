import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serialiseArtifact, type ModelArtifact } from '../lib/engine/automl/artifact';
import { METRICS, type MetricName } from '../lib/engine/automl/scoring';
import { trainAutoML, type ProgressEvent } from '../lib/engine/automl/train';
import { TASKS, type Task } from '../lib/engine/prep/target';
import { UsageError, type ParsedArgs } from './args';
import { readInputTable, stringFlag } from './input';

export const TRAIN_USAGE = `hunch train <train.csv|.xlsx> --target <column> --out <model-dir>
      [--task auto|binary|multiclass|regression] [--metric auto|auc|logloss|accuracy|balanced_accuracy|f1|rmse|mae|r2]
      [--time-limit <seconds, default 60>] [--seed <n>] [--models linear,gbdt,random_forest,extra_trees,knn,mlp]
      [--exclude <col,col>] [--group <column>] [--time-column <column>] [--max-trials <n>] [--threads <n, default: all cores>]
      [--sheet <name>] [--no-explain]`;

/** Share of the time limit kept for explanations (the model report's data), unless --no-explain. */
const EXPLAIN_SHARE = 0.1;
/**
 * Seconds kept for writing the model file: 4% of the limit, at most 3 s (a refitted 26-class ensemble's file is
 * 70–110 MB, about 1.2–2 s to serialise and write on the development machine).
 */
const writeReserveSeconds = (timeLimit: number) => Math.min(3, timeLimit * 0.04);

function formatScore(metric: MetricName, score: number): string {
	return `${METRICS[metric].label} ${Number.isFinite(score) ? score.toFixed(4) : String(score)}`;
}

/** Progress lines for stderr. */
function describe(event: ProgressEvent, metric: () => MetricName): string {
	switch (event.type) {
		case 'plan':
			return `${event.task} task (${event.reason}); optimising ${METRICS[event.metric as MetricName].label}; ${event.rows.toLocaleString('en')} rows, ${event.features} features; ${event.validation}`;
		case 'trial-started':
			return `trial ${event.trial}: ${event.family} ${JSON.stringify(event.params)}`;
		case 'trial-finished':
			return `trial ${event.trial}: ${formatScore(metric(), event.score)} in ${event.seconds.toFixed(1)}s (${event.detail}); best ${formatScore(metric(), event.best)}`;
		case 'ensemble':
			return `ensemble of ${event.members} model${event.members === 1 ? '' : 's'}: ${formatScore(metric(), event.score)}`;
		case 'warning':
			return `warning: ${event.message}`;
		case 'explaining':
			return `explaining the model (up to ${event.seconds.toFixed(1)}s)`;
	}
}

export function summarise(artifact: ModelArtifact): string {
	const lines = [
		`Model for "${artifact.target.name}" (${artifact.task}), ${artifact.training.trials} trials in ${artifact.training.seconds.toFixed(1)}s${
			artifact.explanations ? `, explained in ${artifact.explanations.seconds.toFixed(1)}s` : ''
		}.`,
		`Out-of-fold scores (${artifact.validation.description}): ${Object.entries(artifact.metrics)
			.map(([name, value]) => `${METRICS[name as MetricName].label} ${value.toFixed(4)}`)
			.join(', ')}`,
		'',
		'Leaderboard:'
	];
	for (const entry of artifact.leaderboard.slice(0, 10))
		lines.push(
			`  #${entry.trial} ${entry.label.padEnd(28)} ${formatScore(artifact.metric, entry.score)}  ${entry.seconds.toFixed(1)}s  ${entry.weight ? `weight ${entry.weight.toFixed(2)}` : ''}`
		);
	if (artifact.explanations)
		lines.push('', 'What the model learned:', ...artifact.explanations.summary.map((s) => `  ${s}`));
	return lines.join('\n');
}

function parseInteger(value: string | undefined, flag: string, fallback: number, min: number): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min)
		throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got "${value}".`);
	return n;
}

function list(value: string | undefined): string[] | undefined {
	return value
		?.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

export async function trainCommand(
	args: ParsedArgs,
	err: (s: string) => void,
	started = Date.now()
): Promise<number> {
	const file = args.positional[0];
	if (!file) throw new UsageError(`hunch train needs a file.\nUsage: ${TRAIN_USAGE}`);
	const target = stringFlag(args, 'target');
	if (!target) throw new UsageError('hunch train needs --target <column>: the column to predict.');
	const out = stringFlag(args, 'out');
	if (!out) throw new UsageError('hunch train needs --out <model-dir>: where to write the model.');
	const task = stringFlag(args, 'task') ?? 'auto';
	if (task !== 'auto' && !TASKS.includes(task as Task))
		throw new UsageError(`--task must be auto, binary, multiclass or regression, got "${task}".`);
	const timeLimit = Number(stringFlag(args, 'time-limit') ?? '60');
	if (!Number.isFinite(timeLimit) || timeLimit <= 0)
		throw new UsageError(`--time-limit must be a positive number of seconds.`);
	const seed = parseInteger(stringFlag(args, 'seed'), 'seed', 0, 0);
	const maxTrials = stringFlag(args, 'max-trials');

	const explain = !args.flags.has('no-explain');
	const { frame } = await readInputTable(file, args);
	let metricName: MetricName = 'auc';
	// Starting up and the read above already spent part of the budget, and writing the model will spend some;
	// the rest goes to the search, and a tenth of it to explaining.
	const remaining = Math.max(1, timeLimit - writeReserveSeconds(timeLimit) - (Date.now() - started) / 1000);
	const explainSeconds = explain ? Math.max(0.5, remaining * EXPLAIN_SHARE - 0.5) : 0;
	const artifact = await trainAutoML(frame, {
		target,
		task: task as Task | 'auto',
		metric: stringFlag(args, 'metric'),
		timeLimitSeconds: Math.max(1, remaining - explainSeconds),
		explainSeconds,
		seed,
		models: list(stringFlag(args, 'models')),
		exclude: list(stringFlag(args, 'exclude')),
		groupColumn: stringFlag(args, 'group'),
		timeColumn: stringFlag(args, 'time-column'),
		maxTrials: maxTrials === undefined ? undefined : parseInteger(maxTrials, 'max-trials', 0, 1),
		threads: parseInteger(stringFlag(args, 'threads'), 'threads', os.availableParallelism(), 1),
		onProgress: (event) => {
			if (event.type === 'plan') metricName = event.metric as MetricName;
			err(describe(event, () => metricName));
		}
	});
	mkdirSync(out, { recursive: true });
	writeFileSync(path.join(out, 'model.json'), serialiseArtifact(artifact));
	err(summarise(artifact));
	err(`Model written to ${path.join(out, 'model.json')}`);
	return 0;
}
