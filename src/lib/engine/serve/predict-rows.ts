/**
 * Predictions as an endpoint answers them: per row the prediction (a class label or a value), the class
 * probabilities, the columns that pushed it (top N by size, or all) and flags for missing and out-of-range
 * inputs. Contributions explain the probability of the predicted class (binary: of the positive class) or
 * the value, and add up to it from the model's average.
 */
import type { ModelArtifact } from '../automl/artifact';
import { predictFrame } from '../automl/predict';
import { explainFrame, rowContributions, type NamedContribution } from '../explain/contributions';
import type { ParsedRows } from './rows';

export interface RowPrediction {
	prediction: string | number;
	probabilities?: Record<string, number>;
	explanation?: NamedContribution[];
	/** Where the explanation starts: the model's average output for the explained class (or value). */
	baseline?: number;
	missing?: string[];
	outOfRange?: string[];
}

export interface PredictOptions {
	/** Contributions per row: the `top` largest (default 5), all of them, or none. */
	explain?: 'top' | 'all' | 'none';
	top?: number;
}

export function predictRows(
	artifact: ModelArtifact,
	parsed: ParsedRows,
	options: PredictOptions = {}
): RowPrediction[] {
	const { frame } = parsed;
	const predictions = predictFrame(artifact, frame);
	const mode = options.explain ?? 'top';
	const contributions = mode === 'none' ? null : explainFrame(artifact, frame);
	const classes = artifact.target.classes;
	const K = classes.length;
	return Array.from({ length: frame.rowCount }, (_, i): RowPrediction => {
		const out: RowPrediction = { prediction: '' };
		let explained = 0;
		if (artifact.task === 'regression') out.prediction = predictions.values![i];
		else {
			const p = predictions.probabilities!;
			out.prediction = predictions.labels[i];
			out.probabilities = Object.fromEntries(classes.map((c, k) => [c, p[i * K + k]]));
			if (artifact.task === 'multiclass') explained = classes.indexOf(predictions.labels[i]);
		}
		if (contributions) {
			out.explanation = rowContributions(
				contributions,
				i,
				explained,
				mode === 'all' ? undefined : (options.top ?? 5)
			);
			out.baseline = contributions.base[explained];
		}
		if (parsed.missing[i].length) out.missing = parsed.missing[i];
		if (parsed.outOfRange[i].length) out.outOfRange = parsed.outOfRange[i];
		return out;
	});
}
