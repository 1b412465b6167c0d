import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './data-dir-lock';

const dirs: string[] = [];
function tempDir() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunch-lock-'));
	dirs.push(dir);
	return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('data directory lock', () => {
	it('refuses a second holder while the first is alive, naming the folder and process', () => {
		const dir = tempDir();
		// Pretend another live process (our parent) holds it.
		fs.writeFileSync(path.join(dir, 'hunch.lock'), String(process.ppid));
		expect(() => lockDataDir(dir)).toThrowError(DataDirInUseError);
		expect(() => lockDataDir(dir)).toThrowError(new RegExp(`${dir}.*process ${process.ppid}`));
	});

	it('takes over a lock whose owner died, and releases it', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'hunch.lock'), '999999999');
		const release = lockDataDir(dir);
		expect(fs.readFileSync(path.join(dir, 'hunch.lock'), 'utf8')).toBe(String(process.pid));
		release();
		expect(fs.existsSync(path.join(dir, 'hunch.lock'))).toBe(false);
	});
});
