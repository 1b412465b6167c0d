import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from './process-alive';

export class DataDirInUseError extends Error {
	constructor(
		readonly dataDir: string,
		readonly pid: number
	) {
		super(
			`Hunch is already running with the data directory ${dataDir} (process ${pid}). ` +
				`Stop that one first, or set HUNCH_DATA_DIR to another folder.`
		);
	}
}

/**
 * Takes an exclusive lock on a data directory so that two `npm start`s never run two database servers on the
 * same files. A lock left by a process that no longer exists is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
	fs.mkdirSync(dataDir, { recursive: true });
	const file = path.join(dataDir, 'hunch.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
			let released = false;
			return () => {
				if (released) return;
				released = true;
				try {
					if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
				} catch {
					// already gone
				}
			};
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
			const pid = Number(fs.readFileSync(file, 'utf8').trim());
			if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)) {
				throw new DataDirInUseError(dataDir, pid);
			}
			fs.unlinkSync(file); // stale: its owner died without cleaning up
		}
	}
	throw new Error(`Could not lock the data directory ${dataDir}`);
}
