import fs from 'node:fs';
import path from 'node:path';

const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

function newestMtime(entry: string): number {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(entry);
	} catch {
		return 0;
	}
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const child of fs.readdirSync(entry)) {
		if (child.endsWith('.test.ts')) continue; // tests are not part of the app
		newest = Math.max(newest, newestMtime(path.join(entry, child)));
	}
	return newest;
}

/** True when build/ is missing or older than any source file the web app is built from. */
export function buildIsStale(root: string): boolean {
	const marker = path.join(root, 'build', 'handler.js');
	if (!fs.existsSync(marker)) return true;
	const built = fs.statSync(marker).mtimeMs;
	return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}
