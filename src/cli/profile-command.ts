import { existsSync } from 'node:fs';
import path from 'node:path';
import { readTableFile } from '../lib/engine/ingest/read-table';
import { profileFrame, type DatasetProfile } from '../lib/engine/profile/profile';
import { UsageError, type ParsedArgs } from './args';

/** `hunch profile <file> [--json] [--sheet <name>] [--delimiter <c>]` */
export async function profileCommand(args: ParsedArgs, out: (s: string) => void): Promise<number> {
	const file = args.positional[0];
	if (!file) throw new UsageError('hunch profile needs a file: hunch profile <data.csv|data.xlsx> [--json]');
	if (!existsSync(file)) throw new UsageError(`${file}: no such file.`);
	const sheet = args.flags.get('sheet');
	const delimiter = args.flags.get('delimiter');
	const result = await readTableFile(file, {
		fileName: path.basename(file),
		sheet: typeof sheet === 'string' ? sheet : undefined,
		delimiter: typeof delimiter === 'string' ? (delimiter === 'tab' ? '\t' : delimiter) : undefined
	});
	const profile = profileFrame(result.frame, result.notes, result.notices);
	if (args.flags.get('json')) out(JSON.stringify(profile, null, 2));
	else out(describeProfile(path.basename(file), profile));
	return 0;
}

function describeProfile(name: string, profile: DatasetProfile): string {
	const lines = [
		`${name}: ${profile.rows.toLocaleString('en')} rows × ${profile.columns.length} columns`,
		''
	];
	const width = Math.min(32, Math.max(6, ...profile.columns.map((c) => c.name.length)));
	lines.push(
		`${'column'.padEnd(width)}  ${'type'.padEnd(11)}  ${'missing'.padStart(8)}  ${'distinct'.padStart(9)}  summary`
	);
	for (const c of profile.columns) {
		let summary = '';
		if (c.numeric)
			summary = `min ${fmt(c.numeric.min)}, median ${fmt(c.numeric.quantiles.p50)}, max ${fmt(c.numeric.max)}`;
		else if (c.datetime) summary = `${c.datetime.min.slice(0, 10)} … ${c.datetime.max.slice(0, 10)}`;
		else if (c.boolean)
			summary = `${c.boolean.labels[1]}: ${c.boolean.trueCount}, ${c.boolean.labels[0]}: ${c.boolean.falseCount}`;
		else if (c.categories)
			summary = c.categories.top
				.slice(0, 3)
				.map((t) => `${t.value} (${t.count})`)
				.join(', ');
		const label = c.name.length > width ? c.name.slice(0, width - 1) + '…' : c.name;
		lines.push(
			`${label.padEnd(width)}  ${c.type.padEnd(11)}  ${`${(c.missingShare * 100).toFixed(1)}%`.padStart(8)}  ${c.distinct.toLocaleString('en').padStart(9)}  ${summary}`
		);
	}
	if (profile.warnings.length) {
		lines.push('', 'Warnings:');
		for (const w of profile.warnings)
			lines.push(`  • ${w.message}`, `    Why: ${w.why}`, `    Fix: ${w.fix}`);
	}
	return lines.join('\n');
}

function fmt(n: number): string {
	return Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 3 });
}
