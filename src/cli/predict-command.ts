import { createWriteStream } from 'node:fs';
import Papa from 'papaparse';
import { allScores, METRICS, type MetricName } from '../lib/engine/automl/scoring';
import { predictFrame, type Predictions } from '../lib/engine/automl/predict';
import type { ModelArtifact } from '../lib/engine/automl/artifact';
import { encodeTarget } from '../lib/engine/prep/target';
import { UsageError, type ParsedArgs } from './args';
import { readInputTable, readModel, stringFlag } from './input';

/** The prediction table: `prediction`, then `proba_<class>` per class for classifiers. */
function predictionRows(
	artifact: ModelArtifact,
	predictions: Predictions
): { header: string[]; rows: string[][] } {
	const classes = artifact.target.classes;
	const header = ['prediction', ...(predictions.probabilities ? classes.map((c) => `proba_${c}`) : [])];
	const rows: string[][] = [];
	const k = classes.length;
	for (let i = 0; i < predictions.rowCount; i++) {
		const row = [predictions.labels[i]];
		if (predictions.probabilities)
			for (let c = 0; c < k; c++)
				row.push(String(Number(predictions.probabilities[i * k + c].toPrecision(8))));
		rows.push(row);
	}
	return { header, rows };
}

export async function predictCommand(
	args: ParsedArgs,
	out: (s: string) => void,
	err: (s: string) => void
): Promise<number> {
	const [modelDir, file] = args.positional;
	if (!modelDir || !file)
		throw new UsageError('Usage: hunch predict <model-dir> <data.csv|.xlsx> [--out <preds.csv>]');
	const artifact = readModel(modelDir);
	const { frame } = await readInputTable(file, args);
	const predictions = predictFrame(artifact, frame);
	if (predictions.absentColumns.length)
		err(
			`warning: ${file} lacks ${predictions.absentColumns.map((c) => `"${c}"`).join(', ')}; predicted as if those values were missing.`
		);
	const { header, rows } = predictionRows(artifact, predictions);
	const csv = Papa.unparse({ fields: header, data: rows }, { newline: '\n' }) + '\n';
	const target = stringFlag(args, 'out');
	if (target) {
		await new Promise<void>((resolve, reject) => {
			const stream = createWriteStream(target);
			stream.on('error', reject);
			stream.end(csv, () => resolve());
		});
		err(`${predictions.rowCount.toLocaleString('en')} predictions written to ${target}`);
	} else out(csv.trimEnd());
	return 0;
}

export async function evaluateCommand(args: ParsedArgs, out: (s: string) => void): Promise<number> {
	const [modelDir, file] = args.positional;
	if (!modelDir || !file) throw new UsageError('Usage: hunch evaluate <model-dir> <labelled.csv|.xlsx>');
	const artifact = readModel(modelDir);
	const { frame } = await readInputTable(file, args);
	const column = frame.columns.find((c) => c.name === artifact.target.name);
	if (!column) throw new UsageError(`${file} has no "${artifact.target.name}" column to evaluate against.`);
	const y = encodeTarget(column, artifact.target);
	const predictions = predictFrame(artifact, frame);
	const labelled = Uint32Array.from(y.keys()).filter((i) => !Number.isNaN(y[i]));
	if (labelled.length === 0)
		throw new UsageError(
			`No row of ${file} has a known "${artifact.target.name}" value (or a class the model knows).`
		);
	const width = artifact.task === 'multiclass' ? artifact.target.classes.length : 1;
	const source =
		artifact.task === 'regression'
			? predictions.values!
			: artifact.task === 'binary'
				? Float64Array.from({ length: frame.rowCount }, (_, i) => predictions.probabilities![i * 2 + 1])
				: predictions.probabilities!;
	const pred = new Float64Array(labelled.length * width);
	labelled.forEach((row, j) => {
		for (let k = 0; k < width; k++) pred[j * width + k] = source[row * width + k];
	});
	const yKnown = Float64Array.from(labelled, (i) => y[i]);
	const classCount = artifact.task === 'regression' ? 1 : artifact.target.classes.length;
	const metrics = allScores(artifact.task, yKnown, pred, classCount, artifact.threshold);
	out(
		JSON.stringify(
			{
				task: artifact.task,
				target: artifact.target.name,
				metric: artifact.metric,
				score: metrics[artifact.metric],
				metricLabel: METRICS[artifact.metric as MetricName].label,
				rows: labelled.length,
				skippedRows: frame.rowCount - labelled.length,
				metrics
			},
			null,
			2
		)
	);
	return 0;
}
