import { IngestError } from '../lib/engine/ingest/errors';
import { UsageError, parseArgs } from './args';
import { profileCommand } from './profile-command';

const USAGE = `Usage: hunch <command> [options]

Commands:
  profile <data.csv|data.xlsx> [--json] [--sheet <name>] [--delimiter <c>]
      Read a table, infer column types and print a profile with data warnings.

Training, prediction and evaluation commands (train, predict, evaluate) arrive with the AutoML engine.`;

/** Runs one command; returns the exit code. Bad input ends with one line on stderr and a non-zero code. */
export async function main(
	argv: string[],
	io = { out: (s: string) => console.log(s), err: (s: string) => console.error(s) }
): Promise<number> {
	const [command, ...rest] = argv;
	try {
		switch (command) {
			case 'profile':
				return await profileCommand(parseArgs(rest, new Set(['json'])), io.out);
			case undefined:
			case 'help':
			case '--help':
			case '-h':
				io.out(USAGE);
				return command === undefined ? 2 : 0;
			default:
				throw new UsageError(`Unknown command "${command}". Run "hunch help" for the list.`);
		}
	} catch (err) {
		if (err instanceof UsageError || err instanceof IngestError) {
			io.err(`hunch: ${err.message}`);
			return 2;
		}
		io.err(`hunch: ${(err as Error).message}`);
		return 1;
	}
}
