import { IngestError } from '../lib/engine/ingest/errors';
import { UsageError, parseArgs } from './args';
import { TargetError } from '../lib/engine/prep/target';
import { AutoMLError } from '../lib/engine/automl/train';
import { evaluateCommand, predictCommand } from './predict-command';
import { profileCommand } from './profile-command';
import { TRAIN_USAGE, trainCommand } from './train-command';

const USAGE = `Usage: hunch <command> [options]

Commands:
  ${TRAIN_USAGE}
      Search models for the column to predict within the time limit; write the best (an ensemble) to the folder.
  hunch predict <model-dir> <data.csv|.xlsx> [--out <preds.csv>]
      One row per input row: "prediction", and "proba_<class>" per class for classifiers (stdout without --out).
  hunch evaluate <model-dir> <labelled.csv|.xlsx>
      Scores the model on rows whose target is known; prints metrics as JSON.
  hunch profile <data.csv|data.xlsx> [--json] [--sheet <name>] [--delimiter <c>]
      Read a table, infer column types and print a profile with data warnings.`;

/**
 * Runs one command; returns the exit code. Bad input ends with one line on stderr and a non-zero code. `started`
 * is when the command began (the process's start, for `bin/hunch.js`): `train`'s time limit counts from it.
 */
export async function main(
	argv: string[],
	io = { out: (s: string) => console.log(s), err: (s: string) => console.error(s) },
	started = Date.now()
): Promise<number> {
	const [command, ...rest] = argv;
	try {
		switch (command) {
			case 'train':
				return await trainCommand(parseArgs(rest, new Set(['no-explain'])), io.err, started);
			case 'predict':
				return await predictCommand(parseArgs(rest, new Set()), io.out, io.err);
			case 'evaluate':
				return await evaluateCommand(parseArgs(rest, new Set()), io.out);
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
		if (
			err instanceof UsageError ||
			err instanceof IngestError ||
			err instanceof TargetError ||
			err instanceof AutoMLError
		) {
			io.err(`hunch: ${err.message}`);
			return 2;
		}
		io.err(`hunch: ${(err as Error).message}`);
		return 1;
	}
}
