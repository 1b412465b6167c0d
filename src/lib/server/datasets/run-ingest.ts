import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { IngestError, type IngestErrorCode, type IngestErrorLocation } from '../../engine/ingest/errors';

/** What the ingest process is asked to do (sent as JSON on its stdin). */
export interface IngestJob {
	/** The uploaded file on disk; removed when the ingest ends. */
	path: string;
	fileName: string;
	size: number;
	ownerId: string;
	name?: string;
	sheet?: string;
	delimiter?: string;
}

export type IngestJobResult = { ok: true; id: string } | { ok: false; error: IngestError };

/** The repository root, where the TypeScript entry points live (the web server runs from the built bundle). */
function repoRoot(): string {
	const candidates = [process.env.HUNCH_ROOT, process.cwd()].filter((p): p is string => !!p);
	const root = candidates.find((p) =>
		fs.existsSync(path.join(p, 'src/lib/server/datasets/ingest-process.ts'))
	);
	if (!root) throw new Error("Cannot find Hunch's source folder (set HUNCH_ROOT to the repository).");
	return root;
}

/**
 * Ingests an uploaded file in a child process (see ingest-process.ts) and waits for it. The temporary file is
 * removed whatever happens. Memory is capped per ingest so one huge file cannot take the machine down; if the
 * process dies anyway, the user gets a clear message and nothing is saved (the save is one transaction).
 */
export async function runIngestProcess(job: IngestJob): Promise<IngestJobResult> {
	const root = repoRoot();
	const heapMb = Math.max(1024, Math.min(8192, Math.ceil((job.size * 4) / 1024 / 1024) + 512));
	try {
		const child = spawn(
			process.execPath,
			[
				`--max-old-space-size=${heapMb}`,
				'--import',
				'tsx',
				path.join(root, 'src/lib/server/datasets/ingest-process.ts')
			],
			{ cwd: root, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] }
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-4000)));
		child.stdin.end(JSON.stringify(job));
		const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
			(resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))
		);
		const line = stdout.trim().split('\n').pop();
		if (code === 0 && line) {
			const result = JSON.parse(line) as
				| { ok: true; id: string }
				| { ok: false; error: { code: IngestErrorCode; message: string; location: IngestErrorLocation } };
			if (result.ok) return result;
			return {
				ok: false,
				error: new IngestError(result.error.code, result.error.message, result.error.location)
			};
		}
		const outOfMemory = /heap out of memory|Allocation failed/i.test(stderr) || signal === 'SIGKILL';
		if (outOfMemory) {
			return {
				ok: false,
				error: new IngestError(
					'file_too_large',
					`${job.fileName} needs more memory to read than this server can give it. Split the file, or save it as CSV with fewer columns.`,
					{ file: job.fileName }
				)
			};
		}
		throw new Error(
			`The ingest process failed (${signal ?? `exit code ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`
		);
	} finally {
		fs.rmSync(job.path, { force: true });
	}
}
