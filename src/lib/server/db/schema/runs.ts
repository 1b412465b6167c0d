import type { ModelSummary } from '../../../engine/automl/artifact';
import type { Params } from '../../../engine/automl/families';
import type { ModelExplanations } from '../../../engine/explain/explain';
import { sql } from 'drizzle-orm';
import {
	boolean,
	doublePrecision,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import { users } from './auth';
import { bytea } from './bytea';
import { datasets } from './datasets';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What the user chose in the wizard (or the API body), kept so a run can be re-run with changes. */
export interface RunSettings {
	task: 'auto' | 'binary' | 'multiclass' | 'regression';
	metric: string;
	timeLimitSeconds: number;
	excludeColumns: string[];
	/** Model families to search; empty means all. */
	models: string[];
	validation: { kind: 'auto' } | { kind: 'group'; column: string } | { kind: 'time'; column: string };
	seed: number;
	/** Stop after this many trials even with time left (reproducible runs; quick checks). */
	maxTrials?: number;
}

/** Live progress, rewritten as the run goes. */
export interface RunProgress {
	task?: string;
	metric?: string;
	validation?: string;
	rows?: number;
	features?: number;
	reason?: string;
	trials: number;
	/** Best validation score so far in this attempt. */
	best?: number;
	/** What the run is doing now, in words ("Training gradient boosting, trial 7"). */
	phase?: string;
	/** Folds fitted by each worker in this attempt (the coordinator and the idle workers that helped). */
	foldsByWorker?: Record<string, number>;
	warnings: string[];
}

/**
 * One AutoML run. Created by the web app together with its queue job (one transaction); claimed by a worker,
 * which sets `workerId`. A run whose worker stops heart-beating goes back to the queue (`attempt` + 1), so a
 * killed worker's run is retried by another worker or on restart, up to a few attempts.
 */
export const runs = pgTable(
	'runs',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		ownerId: uuid('owner_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** Null once the dataset is deleted; the run keeps its name for display. */
		datasetId: uuid('dataset_id').references(() => datasets.id, { onDelete: 'set null' }),
		datasetName: text('dataset_name').notNull(),
		target: text('target').notNull(),
		settings: jsonb('settings').$type<RunSettings>().notNull(),
		status: text('status').$type<RunStatus>().notNull().default('queued'),
		cancelRequested: boolean('cancel_requested').notNull().default(false),
		error: text('error'),
		progress: jsonb('progress')
			.$type<RunProgress>()
			.notNull()
			.default(sql`'{"trials":0,"warnings":[]}'::jsonb`),
		/** Incremented each time a worker claims the run; trials are numbered within an attempt. */
		attempt: integer('attempt').notNull().default(0),
		workerId: text('worker_id'),
		/** Training seconds used by earlier, interrupted attempts (a retry gets what is left of the budget). */
		spentSeconds: doublePrecision('spent_seconds').notNull().default(0),
		bestScore: doublePrecision('best_score'),
		modelId: uuid('model_id'),
		rerunOf: uuid('rerun_of'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		startedAt: timestamp('started_at', { withTimezone: true }),
		/** When the current attempt was claimed (the time an interrupted attempt used counts from here). */
		attemptStartedAt: timestamp('attempt_started_at', { withTimezone: true }),
		finishedAt: timestamp('finished_at', { withTimezone: true })
	},
	(t) => [
		index('runs_owner_created_idx').on(t.ownerId, t.createdAt),
		index('runs_status_idx').on(t.status, t.createdAt)
	]
);

/** A finished trial, written as soon as it finishes (the live leaderboard). Never rewritten. */
export const trials = pgTable(
	'trials',
	{
		runId: uuid('run_id')
			.notNull()
			.references(() => runs.id, { onDelete: 'cascade' }),
		attempt: integer('attempt').notNull(),
		trial: integer('trial').notNull(),
		family: text('family').notNull(),
		label: text('label').notNull(),
		params: jsonb('params').$type<Record<string, number | string | boolean>>().notNull(),
		score: doublePrecision('score'),
		seconds: doublePrecision('seconds').notNull(),
		detail: text('detail').notNull(),
		/** Best score of the attempt once this trial finished (the best-over-time chart). */
		bestSoFar: doublePrecision('best_so_far'),
		workerId: text('worker_id'),
		finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.runId, t.attempt, t.trial] })]
);

export const FOLD_TASK_STATUSES = ['pending', 'claimed', 'done', 'failed'] as const;
export type FoldTaskStatus = (typeof FOLD_TASK_STATUSES)[number];

/** What a helper is asked to fit: one fold of one trial (the engine's FoldJob without its deadline). */
export interface FoldTaskJob {
	family: string;
	params: Params;
	fold: number;
	seed: number;
	foldCount: number;
}

/**
 * One fold of a trial that the run's coordinator offers to idle workers. A helper claims it (SKIP LOCKED),
 * rebuilds the run's folds from the dataset, checks `fingerprint`, fits and writes `outcome`; the coordinator
 * takes the outcome and deletes the row. A pending task the coordinator gets to first is taken back and
 * fitted locally; a claimed task whose helper stops heart-beating is fitted locally again.
 */
export const foldTasks = pgTable(
	'fold_tasks',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		runId: uuid('run_id')
			.notNull()
			.references(() => runs.id, { onDelete: 'cascade' }),
		attempt: integer('attempt').notNull(),
		coordinatorId: text('coordinator_id').notNull(),
		fingerprint: text('fingerprint').notNull(),
		job: jsonb('job').$type<FoldTaskJob>().notNull(),
		/** The fit's deadline on the database's clock (machines' clocks may differ). */
		deadlineAt: timestamp('deadline_at', { withTimezone: true }).notNull(),
		status: text('status').$type<FoldTaskStatus>().notNull().default('pending'),
		workerId: text('worker_id'),
		claimedAt: timestamp('claimed_at', { withTimezone: true }),
		/** gzip JSON of the fold's predictions, saved model and description. */
		outcome: bytea('outcome'),
		error: text('error'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('fold_tasks_status_created_idx').on(t.status, t.createdAt),
		index('fold_tasks_run_idx').on(t.runId, t.attempt)
	]
);

/** A trained model: the engine's artifact (gzip JSON) and what the pages show without unpacking it. */
export const models = pgTable(
	'models',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		ownerId: uuid('owner_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		runId: uuid('run_id').references(() => runs.id, { onDelete: 'set null' }),
		datasetName: text('dataset_name').notNull(),
		name: text('name').notNull(),
		target: text('target').notNull(),
		task: text('task').notNull(),
		metric: text('metric').notNull(),
		score: doublePrecision('score').notNull(),
		metrics: jsonb('metrics').$type<Record<string, number>>().notNull(),
		/** The artifact's report parts (leaderboard, warnings, validation, training, input columns). */
		summary: jsonb('summary').$type<ModelSummary>().notNull(),
		/** The model report's data (importance, dependence, curves, segments); null when not computed. */
		explanations: jsonb('explanations').$type<ModelExplanations>(),
		artifact: bytea('artifact').notNull(),
		artifactBytes: integer('artifact_bytes').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('models_owner_created_idx').on(t.ownerId, t.createdAt)]
);
