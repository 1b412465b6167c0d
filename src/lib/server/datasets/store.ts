import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { decodeColumn, encodeColumn } from '../../engine/frame/codec';
import { retypeColumn } from '../../engine/frame/retype';
import { cellText, type ColumnType, type DataFrame } from '../../engine/frame/types';
import { READ_NOTICE_CODES, type ReadResult } from '../../engine/ingest/table';
import { profileColumn, profileFrame, type DatasetProfile } from '../../engine/profile/profile';
import { datasetWarnings } from '../../engine/profile/warnings';
import type { Database } from '../db';
import { isUuid } from '../db/ids';
import { datasetColumns, datasets, type DatasetColumnSummary } from '../db/schema';

export const PREVIEW_ROWS = 100;
export const MAX_NAME_LENGTH = 200;

export interface DatasetSummary {
	id: string;
	name: string;
	fileName: string;
	sizeBytes: number;
	rows: number;
	columns: number;
	warnings: number;
	createdAt: Date;
}

export interface DatasetDetail extends Omit<DatasetSummary, 'columns' | 'warnings'> {
	columns: DatasetColumnSummary[];
	profile: DatasetProfile;
	preview: string[][];
	source: typeof datasets.$inferSelect.source;
}

/** Control characters and bidirectional overrides (U+202E…), which would make a name display misleadingly. */
// eslint-disable-next-line no-control-regex
const UNDISPLAYABLE = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** Names the dataset after the file (without extension), trimmed to something displayable. */
export function datasetNameFromFile(fileName: string): string {
	const base = fileName
		.replace(/\.(csv|tsv|txt|xlsx)$/i, '')
		.replace(UNDISPLAYABLE, '')
		.trim();
	return (base || 'Untitled dataset').slice(0, MAX_NAME_LENGTH);
}

function previewRows(frame: DataFrame): string[][] {
	const n = Math.min(PREVIEW_ROWS, frame.rowCount);
	return Array.from({ length: n }, (_, row) => frame.columns.map((c) => cellText(c, row)));
}

/**
 * Saves a parsed table for `ownerId`: the dataset row and every column, in one transaction, so a failure part
 * way leaves nothing behind.
 */
export async function saveDataset(
	db: Database,
	ownerId: string,
	input: { name: string; fileName: string; sizeBytes: number; result: ReadResult }
): Promise<DatasetDetail> {
	const { frame, notes, notices, source } = input.result;
	const profile = profileFrame(frame, notes, notices);
	const encoded = frame.columns.map((c) => Buffer.from(encodeColumn(c)));
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(datasets)
			.values({
				ownerId,
				name: input.name.slice(0, MAX_NAME_LENGTH),
				fileName: input.fileName.slice(0, 500),
				sizeBytes: input.sizeBytes,
				rowCount: frame.rowCount,
				columnCount: frame.columns.length,
				source,
				columns: frame.columns.map((c) => ({
					name: c.name,
					type: c.type,
					typeOverridden: !!c.typeOverridden
				})),
				profile,
				preview: previewRows(frame)
			})
			.returning();
		// Insert in batches: a 2,000-column table must not become one enormous statement.
		for (let start = 0; start < encoded.length; start += 100) {
			await tx.insert(datasetColumns).values(
				encoded.slice(start, start + 100).map((data, i) => ({
					datasetId: row.id,
					ordinal: start + i,
					name: frame.columns[start + i].name,
					type: frame.columns[start + i].type,
					data
				}))
			);
		}
		return toDetail(row);
	});
}

function toDetail(row: typeof datasets.$inferSelect): DatasetDetail {
	return {
		id: row.id,
		name: row.name,
		fileName: row.fileName,
		sizeBytes: row.sizeBytes,
		rows: row.rowCount,
		columns: row.columns,
		profile: row.profile,
		preview: row.preview,
		source: row.source,
		createdAt: row.createdAt
	};
}

export async function listDatasets(db: Database, ownerId: string): Promise<DatasetSummary[]> {
	const rows = await db
		.select({
			id: datasets.id,
			name: datasets.name,
			fileName: datasets.fileName,
			sizeBytes: datasets.sizeBytes,
			rows: datasets.rowCount,
			columns: datasets.columnCount,
			warnings: sql<number>`jsonb_array_length(${datasets.profile} -> 'warnings')`,
			createdAt: datasets.createdAt
		})
		.from(datasets)
		.where(eq(datasets.ownerId, ownerId))
		.orderBy(desc(datasets.createdAt));
	return rows;
}

/** The dataset if it belongs to `ownerId`; null otherwise (callers answer 404 either way). */
export async function getDataset(db: Database, ownerId: string, id: string): Promise<DatasetDetail | null> {
	if (!isUuid(id)) return null;
	const [row] = await db
		.select()
		.from(datasets)
		.where(and(eq(datasets.id, id), eq(datasets.ownerId, ownerId)));
	return row ? toDetail(row) : null;
}

export async function renameDataset(
	db: Database,
	ownerId: string,
	id: string,
	name: string
): Promise<boolean> {
	if (!isUuid(id)) return false;
	const updated = await db
		.update(datasets)
		.set({ name: name.slice(0, MAX_NAME_LENGTH), updatedAt: new Date() })
		.where(and(eq(datasets.id, id), eq(datasets.ownerId, ownerId)))
		.returning({ id: datasets.id });
	return updated.length > 0;
}

export async function deleteDataset(db: Database, ownerId: string, id: string): Promise<boolean> {
	if (!isUuid(id)) return false;
	const deleted = await db
		.delete(datasets)
		.where(and(eq(datasets.id, id), eq(datasets.ownerId, ownerId)))
		.returning({ id: datasets.id });
	return deleted.length > 0;
}

/** Loads the typed columns (all, or those named) of one of the owner's datasets. */
export async function loadFrame(
	db: Database,
	ownerId: string,
	id: string,
	names?: string[]
): Promise<DataFrame | null> {
	const dataset = await getDataset(db, ownerId, id);
	if (!dataset) return null;
	const rows = await db
		.select({ name: datasetColumns.name, data: datasetColumns.data })
		.from(datasetColumns)
		.where(eq(datasetColumns.datasetId, id))
		.orderBy(asc(datasetColumns.ordinal));
	const wanted = names ? new Set(names) : null;
	const columns = rows.filter((r) => !wanted || wanted.has(r.name)).map((r) => decodeColumn(r.data));
	return { rowCount: dataset.rows, columns };
}

export type RetypeOutcome =
	| { ok: true; dataset: DatasetDetail; unreadable: number }
	| { ok: false; reason: 'not_found' | 'no_such_column' };

/**
 * Changes one column's type (the user's override), re-profiling that column and the warnings. The column and
 * the dataset row are updated in one transaction, under a row lock so two edits cannot interleave.
 */
export async function setColumnType(
	db: Database,
	ownerId: string,
	id: string,
	columnName: string,
	type: ColumnType
): Promise<RetypeOutcome> {
	if (!isUuid(id)) return { ok: false, reason: 'not_found' };
	return db.transaction(async (tx) => {
		const [row] = await tx
			.select()
			.from(datasets)
			.where(and(eq(datasets.id, id), eq(datasets.ownerId, ownerId)))
			.for('update');
		if (!row) return { ok: false as const, reason: 'not_found' as const };
		const ordinal = row.columns.findIndex((c) => c.name === columnName);
		if (ordinal < 0) return { ok: false as const, reason: 'no_such_column' as const };
		const [stored] = await tx
			.select({ data: datasetColumns.data })
			.from(datasetColumns)
			.where(and(eq(datasetColumns.datasetId, id), eq(datasetColumns.ordinal, ordinal)));
		const { column, notes } = retypeColumn(decodeColumn(stored.data), type, row.source.decimal);
		await tx
			.update(datasetColumns)
			.set({ type: column.type, data: Buffer.from(encodeColumn(column)) })
			.where(and(eq(datasetColumns.datasetId, id), eq(datasetColumns.ordinal, ordinal)));
		const columns = row.columns.map((c, i) =>
			i === ordinal ? { name: c.name, type: column.type, typeOverridden: true } : c
		);
		const columnProfiles = row.profile.columns.map((p, i) =>
			i === ordinal ? profileColumn(column, notes) : p
		);
		// Warnings from reading the file (renamed columns, short rows…) stay; column warnings are recomputed.
		const readNotices = row.profile.warnings.filter((w) =>
			(READ_NOTICE_CODES as readonly string[]).includes(w.code)
		);
		const profile: DatasetProfile = {
			...row.profile,
			columns: columnProfiles,
			warnings: [
				...readNotices,
				...datasetWarnings(row.rowCount, columnProfiles, row.profile.duplicateRows, [])
			]
		};
		const preview = row.preview.map((cells, r) =>
			cells.map((cell, c) => (c === ordinal ? cellText(column, r) : cell))
		);
		const [updated] = await tx
			.update(datasets)
			.set({ columns, profile, preview, updatedAt: new Date() })
			.where(eq(datasets.id, id))
			.returning();
		return { ok: true as const, dataset: toDetail(updated), unreadable: notes.unreadable ?? 0 };
	});
}
