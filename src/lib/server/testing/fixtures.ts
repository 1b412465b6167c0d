/** Test data that goes through the real code paths: users, datasets parsed from CSV text, runs. */
import { readCsv } from '../../engine/ingest/read-csv';
import { bufferChunks } from '../../engine/ingest/sources';
import { SAMPLE_DATASETS, customerChurn } from '../../engine/samples/samples';
import type { Database } from '../db';
import { users } from '../db/schema';
import { saveDataset } from '../datasets/store';

let userCounter = 0;

export async function createUser(db: Database, label = 'user'): Promise<string> {
	const [user] = await db
		.insert(users)
		.values({ email: `${label}-${Date.now()}-${userCounter++}@example.com`, passwordHash: 'x' })
		.returning({ id: users.id });
	return user.id;
}

export async function datasetFromCsv(db: Database, ownerId: string, csv: string, name = 'test.csv') {
	const result = await readCsv(bufferChunks(csv, 1 << 16), { fileName: name });
	return saveDataset(db, ownerId, { name, fileName: name, sizeBytes: csv.length, result });
}

/** The customer-churn sample (2,000 rows), first `rows` rows of it; more rows are generated the same way. */
export function churnCsv(rows = 2000): string {
	if (rows > 2000) return customerChurn(rows);
	const sample = SAMPLE_DATASETS.find((s) => s.id === 'customer-churn')!;
	return sample
		.csv()
		.split('\n')
		.slice(0, rows + 1)
		.join('\n');
}
