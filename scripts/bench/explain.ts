/**
 * `npm run bench:explain [-- --rows 100000 --time-limit 60 --file data.csv --target col]`
 *
 * 1. Trains a model on a table of `--rows` rows (default: a generated 100,000-row churn-like table with
 *    numbers, a category and missing values; or `--file` with `--target`) for `--time-limit` seconds, with
 *    the explanation budget the app's workers give (a fifth of the time limit), and prints how long the
 *    explanations took as a share of the time limit (the bar: under a quarter), and how many rows each
 *    part used.
 * 2. Per-row contributions: a 20-tree gradient-boosting model fitted on the same table; microseconds per row
 *    for contributions (exact TreeSHAP) against a plain prediction of the same row (the reference, same run),
 *    p50 and p99 over 2,000 rows. Then the same for one row of the trained ensemble (every fold model).
 * Prints one JSON line. Numbers, no thresholds.
 */
import os from 'node:os';
import { trainAutoML } from '../../src/lib/engine/automl/train';
import { predictFrame } from '../../src/lib/engine/automl/predict';
import { explainFrame } from '../../src/lib/engine/explain/contributions';
import { explanationBudget } from '../../src/lib/engine/explain/explain';
import { selectRows } from '../../src/lib/engine/frame/select';
import { readTableFile } from '../../src/lib/engine/ingest/read-table';
import { encodeFeatures, fitEncoder } from '../../src/lib/engine/prep/encoder';
import { encodeTarget, describeTarget } from '../../src/lib/engine/prep/target';
import { churn } from '../../src/lib/engine/testing/tables';
import { fitGradientBoosting, predictRowRaw } from '../../src/lib/engine/trees/gbdt';
import { treeModelContributions } from '../../src/lib/engine/trees/shap';

const args = process.argv.slice(2);
const flag = (name: string, fallback?: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : fallback;
};

const quantile = (values: number[], q: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const round = (v: number, digits = 1) => Number(v.toFixed(digits));

/** Microseconds per call of `f(i)` for i < n: p50 and p99. */
function timeEach(n: number, f: (i: number) => void): { p50: number; p99: number } {
	for (let i = 0; i < Math.min(200, n); i++) f(i); // warm up
	const times: number[] = [];
	for (let i = 0; i < n; i++) {
		const t = process.hrtime.bigint();
		f(i);
		times.push(Number(process.hrtime.bigint() - t) / 1000);
	}
	return { p50: round(quantile(times, 0.5)), p99: round(quantile(times, 0.99)) };
}

async function main() {
	const timeLimit = Number(flag('time-limit', '60'));
	const file = flag('file');
	const target = file ? flag('target') : 'churned';
	if (!target) throw new Error('--file needs --target');
	const frame = file ? (await readTableFile(file)).frame : churn(Number(flag('rows', '100000')), 1);

	// 1. A model with explanations, budgeted as the app's workers do.
	const explainSeconds = explanationBudget(timeLimit);
	const started = Date.now();
	const artifact = await trainAutoML(frame, {
		target,
		timeLimitSeconds: timeLimit,
		explainSeconds,
		threads: os.availableParallelism(),
		seed: 1
	});
	const x = artifact.explanations!;

	// 2. Contributions per row: a 20-tree model on the same rows, against predicting the row.
	const features = { rowCount: frame.rowCount, columns: frame.columns.filter((c) => c.name !== target) };
	const encoder = fitEncoder(features);
	const encoded = encodeFeatures(encoder, features).features;
	const targetColumn = frame.columns.find((c) => c.name === target)!;
	const y = encodeTarget(targetColumn, describeTarget(targetColumn));
	const twenty = fitGradientBoosting(
		{ features: encoded, y, categorical: Uint8Array.from(encoder.features, (f) => (f.categorical ? 1 : 0)) },
		{ loss: 'logistic', rounds: 20, maxLeaves: 31, earlyStoppingRounds: 0 }
	);
	const rows = Array.from({ length: 2000 }, (_, i) =>
		Float64Array.from(encoded, (f) => f[(i * 37) % frame.rowCount])
	);
	const contribution20 = timeEach(rows.length, (i) => treeModelContributions(twenty, rows[i]));
	const predict20 = timeEach(rows.length, (i) => predictRowRaw(twenty, rows[i]));

	const one = (i: number) => selectRows(features, [(i * 37) % frame.rowCount]);
	const ensembleRows = 50;
	const contributionEnsemble = timeEach(ensembleRows, (i) => explainFrame(artifact, one(i)));
	const predictEnsemble = timeEach(ensembleRows, (i) => predictFrame(artifact, one(i)));
	const trees = artifact.members.reduce(
		(sum, m) =>
			sum +
			m.models.reduce<number>((s, model) => s + ((model as { trees?: unknown[] }).trees?.length ?? 0), 0),
		0
	);

	console.log(
		JSON.stringify({
			machine: { cpus: os.availableParallelism(), node: process.version },
			table: { rows: frame.rowCount, columns: features.columns.length, source: file ?? 'generated churn' },
			run: {
				timeLimitSeconds: timeLimit,
				explainBudgetSeconds: explainSeconds,
				trainingSeconds: round((Date.now() - started) / 1000 - x.seconds),
				explanationSeconds: round(x.seconds, 2),
				explanationShareOfTimeLimit: round(x.seconds / timeLimit, 3),
				rowsUsed: x.rows,
				members: artifact.members.map((m) => `${m.family}×${m.models.length}`)
			},
			contributions: {
				twentyTrees: {
					contributionMicros: contribution20,
					predictMicros: predict20,
					ratioP50: round(contribution20.p50 / Math.max(0.1, predict20.p50))
				},
				wholeEnsemble: {
					trees,
					contributionMicros: contributionEnsemble,
					predictMicros: predictEnsemble,
					ratioP50: round(contributionEnsemble.p50 / Math.max(0.1, predictEnsemble.p50))
				}
			}
		})
	);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
