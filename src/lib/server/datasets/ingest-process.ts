/**
 * Runs one upload's ingest in its own process: `node --import tsx ingest-process.ts` with a JSON job on stdin
 * (`{path, fileName, size, ownerId, name?, sheet?, delimiter?}`) and DATABASE_URL in the environment. It reads
 * the file, saves the dataset, and prints one JSON line: `{"ok": true, "id"}` or `{"ok": false, "error"}`.
 *
 * Why a process: parsing a large file is seconds of CPU and up to a few times the file's size in memory. In the
 * web server that would stall every other request and grow its heap; here it costs neither.
 */
import { createDb } from '../db';
import { ingestUploadedFile } from './ingest';
import type { IngestJob } from './run-ingest';

async function readStdin(): Promise<string> {
	let text = '';
	for await (const chunk of process.stdin) text += chunk;
	return text;
}

const job = JSON.parse(await readStdin()) as IngestJob;
const handle = createDb(process.env.DATABASE_URL!, { max: 2, applicationName: 'hunch-ingest' });
try {
	const outcome = await ingestUploadedFile(handle.db, job.ownerId, job);
	const line = outcome.ok
		? { ok: true, id: outcome.dataset.id }
		: {
				ok: false,
				error: { code: outcome.error.code, message: outcome.error.message, location: outcome.error.location }
			};
	process.stdout.write(JSON.stringify(line) + '\n');
} finally {
	await handle.close();
}
