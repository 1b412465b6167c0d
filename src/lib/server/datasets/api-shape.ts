import type { DatasetDetail } from './store';

/** What the API returns for a dataset: `{id, name, rows, columns, profile}` plus useful metadata. */
export function datasetJson(d: DatasetDetail) {
	return {
		id: d.id,
		name: d.name,
		fileName: d.fileName,
		sizeBytes: d.sizeBytes,
		rows: d.rows,
		columns: d.columns,
		source: d.source,
		profile: d.profile,
		createdAt: d.createdAt.toISOString()
	};
}
