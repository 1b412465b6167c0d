/**
 * Per-row contributions for a whole model artifact: how much each input column moved this row's prediction
 * away from the model's average prediction, in the prediction's own units (probability of the predicted
 * class side for classifiers, the value for regression). Contributions always add up:
 * base + Σ contributions = the prediction `predictFrame` gives, to floating-point precision.
 *
 * How they are built, member by member and fold model by fold model:
 * 1. Each fold model gives exact contributions in its raw space — TreeSHAP for trees (log-odds for boosting,
 *    probabilities for forests), w·(x − mean) for linear models (`ModelFamily.contributions`).
 * 2. Raw log-odds / class scores become probabilities by the rescale rule (as in DeepLIFT): each feature's
 *    share of the raw change is its share of the probability change, Δp_k / Δz_k. This keeps additivity
 *    exactly; it is an attribution choice, not a Shapley value of the probability.
 * 3. Features are summed back to the input column they were computed from (a date's year, month, … all count
 *    for the date column), then blended with the ensemble's weights, as predictions are.
 * 4. Calibration, when the model has one, is applied to the base and the prediction, and the contributions
 *    rescaled by the same rule.
 */
import type { ModelArtifact } from '../automl/artifact';
import { applyCalibration } from '../automl/calibration';
import { familyByName, type RawContributions } from '../automl/families';
import { artifactEncoders, encoderIndexOf, modelsOf } from '../automl/predict';
import type { DataFrame } from '../frame/types';
import { encodeFeatures } from '../prep/encoder';
import { createLoss } from '../trees/losses';

export interface ContributionSet {
	rowCount: number;
	/** The input columns, in `artifact.inputColumns` order. */
	columns: string[];
	/** 1 (regression value, binary P(class 1)) or one per class. */
	outputs: number;
	/** The model's average prediction per output: where every explanation starts. */
	base: Float64Array;
	/** `values[(row * columns + column) * outputs + k]`. */
	values: Float64Array;
	/** The prediction per row and output (= base + Σ values). */
	predictions: Float64Array;
}

/** Below this, a change in raw output is treated as none and its probability change shared out by weight. */
const TINY = 1e-12;

/**
 * Rescales output k of `values` (count features, stride K) so that it sums to `target` instead of `current`.
 * When `current` is ~0 but `target` is not (softmax: other classes moved), the target is shared by each
 * feature's overall movement across outputs, or evenly when nothing moved.
 */
function rescaleOutput(
	values: Float64Array,
	count: number,
	K: number,
	k: number,
	current: number,
	target: number
): void {
	if (Math.abs(current) > TINY) {
		const ratio = target / current;
		for (let f = 0; f < count; f++) values[f * K + k] *= ratio;
		return;
	}
	let total = 0;
	for (let j = 0; j < count * K; j++) total += Math.abs(values[j]);
	for (let f = 0; f < count; f++) {
		let movement = 0;
		for (let c = 0; c < K; c++) movement += Math.abs(values[f * K + c]);
		values[f * K + k] = total > 0 ? (target * movement) / total : target / count;
	}
}

/** The link applied to a copy: the same transform gradient boosting predicts with. */
function linked(raw: Float64Array, link: 'logistic' | 'softmax'): Float64Array {
	const out = Float64Array.from(raw);
	createLoss(link, Math.max(2, raw.length)).transform(out);
	return out;
}

/** Moves raw contributions into prediction space, in place; returns the base and prediction there. */
function toPredictionSpace(
	raw: RawContributions,
	featureCount: number
): { base: Float64Array; prediction: Float64Array } {
	const K = raw.outputs;
	const rawPrediction = Float64Array.from(raw.base);
	for (let f = 0; f < featureCount; f++)
		for (let k = 0; k < K; k++) rawPrediction[k] += raw.values[f * K + k];
	if (raw.link === 'identity') return { base: raw.base, prediction: rawPrediction };
	const base = linked(raw.base, raw.link);
	const prediction = linked(rawPrediction, raw.link);
	for (let k = 0; k < K; k++)
		rescaleOutput(raw.values, featureCount, K, k, rawPrediction[k] - raw.base[k], prediction[k] - base[k]);
	return { base, prediction };
}

/** Contributions of every row of `frame` (rows as the model's input: extra columns are ignored). */
export function explainFrame(artifact: ModelArtifact, frame: DataFrame): ContributionSet {
	const columns = artifact.inputColumns.map((c) => c.name);
	const C = columns.length;
	const K = artifact.task === 'multiclass' ? artifact.target.classes.length : 1;
	const n = frame.rowCount;
	const columnIndex = new Map(columns.map((name, c) => [name, c]));
	const encoders = artifactEncoders(artifact);
	const encoded = encoders.map((encoder) => encodeFeatures(encoder, frame).features);
	const sourceOf = encoders.map((encoder) =>
		Int32Array.from(encoder.features, (f) => columnIndex.get(f.source) ?? -1)
	);
	const rowBuffers = encoded.map((features) => new Float64Array(features.length));
	const members = artifact.members.map((member) => {
		const models = modelsOf(member);
		return {
			member,
			family: familyByName(member.family),
			models,
			encoderOf: models.map((_, m) => encoderIndexOf(artifact, member, m))
		};
	});

	const values = new Float64Array(n * C * K);
	const predictions = new Float64Array(n * K);
	const base = new Float64Array(K);
	const rowValues = new Float64Array(C * K);
	const rowPrediction = new Float64Array(K);
	const rowBase = new Float64Array(K);
	for (let i = 0; i < n; i++) {
		rowValues.fill(0);
		rowPrediction.fill(0);
		rowBase.fill(0);
		encoded.forEach((features, f) => {
			for (let j = 0; j < features.length; j++) rowBuffers[f][j] = features[j][i];
		});
		for (const { member, family, models, encoderOf } of members) {
			const scale = member.weight / models.length;
			models.forEach((model, m) => {
				const e = encoderOf[m];
				const raw = family.contributions(model, rowBuffers[e]);
				const featureCount = rowBuffers[e].length;
				const { base: b, prediction } = toPredictionSpace(raw, featureCount);
				for (let k = 0; k < K; k++) {
					rowBase[k] += scale * b[k];
					rowPrediction[k] += scale * prediction[k];
				}
				const source = sourceOf[e];
				for (let j = 0; j < featureCount; j++) {
					const c = source[j];
					if (c < 0) continue;
					for (let k = 0; k < K; k++) rowValues[c * K + k] += scale * raw.values[j * K + k];
				}
			});
		}
		if (artifact.task !== 'regression' && artifact.calibration) {
			const calibratedBase = applyCalibration(artifact.calibration, rowBase, K);
			const calibrated = applyCalibration(artifact.calibration, rowPrediction, K);
			for (let k = 0; k < K; k++)
				rescaleOutput(rowValues, C, K, k, rowPrediction[k] - rowBase[k], calibrated[k] - calibratedBase[k]);
			rowBase.set(calibratedBase);
			rowPrediction.set(calibrated);
		}
		values.set(rowValues, i * C * K);
		predictions.set(rowPrediction, i * K);
		// The base does not depend on the row; keep the first.
		if (i === 0) base.set(rowBase);
	}
	return { rowCount: n, columns, outputs: K, base, values, predictions };
}

export interface NamedContribution {
	feature: string;
	contribution: number;
}

/**
 * Row `i`'s contributions to output `k`, largest magnitude first; `top` keeps that many (all when absent).
 */
export function rowContributions(set: ContributionSet, i: number, k = 0, top?: number): NamedContribution[] {
	const C = set.columns.length;
	const list = set.columns.map((feature, c) => ({
		feature,
		contribution: set.values[(i * C + c) * set.outputs + k]
	}));
	list.sort(
		(a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1)
	);
	return top === undefined ? list : list.slice(0, top);
}
