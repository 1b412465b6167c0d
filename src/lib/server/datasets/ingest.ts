import fs from 'node:fs';
import type { ColumnType } from '../../engine/frame/types';
import { IngestError } from '../../engine/ingest/errors';
import { readTableFile } from '../../engine/ingest/read-table';
import type { Database } from '../db';
import { datasetNameFromFile, saveDataset, type DatasetDetail } from './store';

export type IngestOutcome = { ok: true; dataset: DatasetDetail } | { ok: false; error: IngestError };

/**
 * Reads an uploaded file from disk and saves it as the owner's dataset. A file Hunch cannot read gives an
 * IngestError naming the file, row and column, and nothing is saved. The temporary file is always removed.
 */
export async function ingestUploadedFile(
	db: Database,
	ownerId: string,
	upload: { path: string; fileName: string; size: number; sheet?: string; delimiter?: string; name?: string },
	overrides?: ReadonlyMap<string, ColumnType>
): Promise<IngestOutcome> {
	try {
		const result = await readTableFile(upload.path, {
			fileName: upload.fileName,
			sheet: upload.sheet || undefined,
			delimiter: upload.delimiter || undefined,
			overrides
		});
		const dataset = await saveDataset(db, ownerId, {
			name: upload.name?.trim() || datasetNameFromFile(upload.fileName),
			fileName: upload.fileName,
			sizeBytes: upload.size,
			result
		});
		return { ok: true, dataset };
	} catch (err) {
		if (err instanceof IngestError) return { ok: false, error: err };
		throw err;
	} finally {
		fs.rmSync(upload.path, { force: true });
	}
}
