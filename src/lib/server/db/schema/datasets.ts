import {
	bigint,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import type { ColumnType } from '../../../engine/frame/types';
import type { DatasetProfile } from '../../../engine/profile/profile';
import { users } from './auth';
import { bytea } from './bytea';

export interface DatasetSource {
	format: 'csv' | 'xlsx';
	encoding?: string;
	delimiter?: string;
	sheet?: string;
	decimal: '.' | ',';
}

export interface DatasetColumnSummary {
	name: string;
	type: ColumnType;
	typeOverridden: boolean;
}

export const datasets = pgTable(
	'datasets',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		ownerId: uuid('owner_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		/** The uploaded file's name, for display only (never used as a path). */
		fileName: text('file_name').notNull(),
		sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
		rowCount: integer('row_count').notNull(),
		columnCount: integer('column_count').notNull(),
		source: jsonb('source').$type<DatasetSource>().notNull(),
		columns: jsonb('columns').$type<DatasetColumnSummary[]>().notNull(),
		profile: jsonb('profile').$type<DatasetProfile>().notNull(),
		/** The first rows as text, for the dataset page. */
		preview: jsonb('preview').$type<string[][]>().notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('datasets_owner_created_idx').on(t.ownerId, t.createdAt)]
);

/** One compressed column per row (engine/frame/codec.ts), so training reads only the columns it needs. */
export const datasetColumns = pgTable(
	'dataset_columns',
	{
		datasetId: uuid('dataset_id')
			.notNull()
			.references(() => datasets.id, { onDelete: 'cascade' }),
		ordinal: integer('ordinal').notNull(),
		name: text('name').notNull(),
		type: text('type').$type<ColumnType>().notNull(),
		data: bytea('data').notNull()
	},
	(t) => [primaryKey({ columns: [t.datasetId, t.ordinal] })]
);
