import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArtifact, type ModelArtifact } from '../lib/engine/automl/artifact';
import { readTableFile } from '../lib/engine/ingest/read-table';
import type { ReadResult } from '../lib/engine/ingest/table';
import { UsageError, type ParsedArgs } from './args';

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
	const value = args.flags.get(name);
	return typeof value === 'string' ? value : undefined;
}

/** Reads the table named on the command line (CSV/TSV or XLSX, `--sheet` honoured). */
export async function readInputTable(file: string, args: ParsedArgs): Promise<ReadResult> {
	if (!existsSync(file)) throw new UsageError(`${file}: no such file.`);
	if (statSync(file).isDirectory()) throw new UsageError(`${file} is a folder, not a data file.`);
	const result = await readTableFile(file, {
		fileName: path.basename(file),
		sheet: stringFlag(args, 'sheet')
	});
	if (result.frame.columns.length === 0 || result.frame.rowCount === 0)
		throw new UsageError(`${file} has no data rows.`);
	return result;
}

/** Loads `<dir>/model.json` (or a model file named directly). */
export function readModel(location: string): ModelArtifact {
	if (!existsSync(location)) throw new UsageError(`${location}: no such model folder.`);
	const file = statSync(location).isDirectory() ? path.join(location, 'model.json') : location;
	if (!existsSync(file))
		throw new UsageError(`${location} holds no model.json: is it a folder written by "hunch train"?`);
	try {
		return parseArtifact(readFileSync(file, 'utf8'), file);
	} catch (err) {
		throw new UsageError((err as Error).message);
	}
}
