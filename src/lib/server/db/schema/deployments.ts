import {
	bigserial,
	boolean,
	index,
	integer,
	pgTable,
	primaryKey,
	real,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { users } from './auth';
import { models } from './runs';

/**
 * A published model: a stable slug that answers predictions. `modelId`/`version` point at the version being
 * served; publishing a newer model (or rolling back) moves the pointer in one UPDATE, so every request is
 * answered by one whole version or the next, never a mix and never an error.
 */
export const deployments = pgTable(
	'deployments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		ownerId: uuid('owner_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		slug: text('slug').notNull(),
		name: text('name').notNull(),
		/** Public deployments answer anyone (the share page works without an account); private ones need a key. */
		isPublic: boolean('is_public').notNull().default(false),
		modelId: uuid('model_id')
			.notNull()
			.references(() => models.id),
		version: integer('version').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('deployments_slug_key').on(t.slug), index('deployments_owner_idx').on(t.ownerId)]
);

/** Every model a deployment has served, numbered from 1. Rollback points the deployment at an older one. */
export const deploymentVersions = pgTable(
	'deployment_versions',
	{
		deploymentId: uuid('deployment_id')
			.notNull()
			.references(() => deployments.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		modelId: uuid('model_id')
			.notNull()
			.references(() => models.id),
		publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.deploymentId, t.version] })]
);

/**
 * One row per prediction request (written in batches, off the request path): what the deployment page's usage
 * charts are drawn from. `keyId` is null for public calls without a key and for the owner's own session.
 */
export const predictionLog = pgTable(
	'prediction_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		deploymentId: uuid('deployment_id')
			.notNull()
			.references(() => deployments.id, { onDelete: 'cascade' }),
		version: integer('version'),
		keyId: uuid('key_id'),
		at: timestamp('at', { withTimezone: true }).notNull(),
		status: integer('status').notNull(),
		rows: integer('rows').notNull(),
		latencyMs: real('latency_ms').notNull(),
		errorCode: text('error_code')
	},
	(t) => [index('prediction_log_deployment_at_idx').on(t.deploymentId, t.at)]
);
