/**
 * Prediction with a model artifact: encode the rows with each fold's encoder (and the all-rows encoder of
 * refitted members), average each member's models, blend the members by their ensemble weights, calibrate, and
 * turn probabilities into labels.
 */
import type { DataFrame } from '../frame/types';
import { encodeFeatures, type EncodedFeatures, type FeatureEncoder } from '../prep/encoder';
import { applyCalibration } from './calibration';
import type { ArtifactMember, ModelArtifact } from './artifact';
import { familyByName } from './families';

export interface Predictions {
	rowCount: number;
	/** Regression: the predicted values. */
	values: Float64Array | null;
	/** Classification: row-major probabilities, one per class in `artifact.target.classes` order. */
	probabilities: Float64Array | null;
	/** The predicted label per row (a class, or the value as text). */
	labels: string[];
	/** Input columns the model needs that the rows lack (treated as missing). */
	absentColumns: string[];
}

/** Loaded member models, so repeated predictions (and explanations) do not re-read the JSON arrays. */
const loaded = new WeakMap<object, unknown[]>();

export function modelsOf(member: ModelArtifact['members'][number]): unknown[] {
	let models = loaded.get(member);
	if (!models) {
		const family = familyByName(member.family);
		models = member.models.map((m) => family.load(m));
		loaded.set(member, models);
	}
	return models;
}

/**
 * The encoders an artifact's models read, in one list: the fold encoders, then the all-rows encoder of the
 * members refitted on every row (when any is).
 */
export function artifactEncoders(artifact: ModelArtifact): FeatureEncoder[] {
	return artifact.refitEncoder ? [...artifact.foldEncoders, artifact.refitEncoder] : artifact.foldEncoders;
}

/** Where in `artifactEncoders` the encoder of a member's model `m` is. */
export function encoderIndexOf(artifact: ModelArtifact, member: ArtifactMember, m: number): number {
	return member.refitted ? artifact.foldEncoders.length : m;
}

/** Raw blended outputs: values, P(class 1) (binary) or row-major class probabilities. */
export function predictBlended(
	artifact: ModelArtifact,
	frame: DataFrame
): { output: Float64Array; absentColumns: string[] } {
	const encoders = artifactEncoders(artifact);
	// Only the encoders some model reads (after a holdout refit, the holdout's is read by none).
	const encoded = new Map<number, EncodedFeatures>();
	const encodedBy = (e: number) => {
		let features = encoded.get(e);
		if (!features) encoded.set(e, (features = encodeFeatures(encoders[e], frame)));
		return features;
	};
	const width = artifact.task === 'multiclass' ? artifact.target.classes.length : 1;
	const output = new Float64Array(frame.rowCount * width);
	for (const member of artifact.members) {
		const family = familyByName(member.family);
		const models = modelsOf(member);
		models.forEach((model, m) => {
			const p = family.predict(model, encodedBy(encoderIndexOf(artifact, member, m)).features);
			const scale = member.weight / models.length;
			for (let j = 0; j < output.length; j++) output[j] += scale * p[j];
		});
	}
	const calibrated =
		artifact.task === 'regression' ? output : applyCalibration(artifact.calibration, output, width);
	const absentColumns = [...new Set([...encoded.values()].flatMap((e) => e.absentColumns))];
	return { output: calibrated, absentColumns };
}

/**
 * The blended, calibrated output of fold `fold`'s models only, on features already encoded with that fold's
 * encoder: what the model predicts for rows that fold held out (for honest held-out evaluation). Only for an
 * artifact whose members are all still their fold models (train.ts explains before it puts in the refits).
 */
export function predictFold(artifact: ModelArtifact, fold: number, features: Float64Array[]): Float64Array {
	const width = artifact.task === 'multiclass' ? artifact.target.classes.length : 1;
	const output = new Float64Array((features[0]?.length ?? 0) * width);
	for (const member of artifact.members) {
		if (member.refitted) throw new Error('predictFold: a refitted member has no fold models');
		const p = familyByName(member.family).predict(modelsOf(member)[fold], features);
		for (let j = 0; j < output.length; j++) output[j] += member.weight * p[j];
	}
	return artifact.task === 'regression' ? output : applyCalibration(artifact.calibration, output, width);
}

export function predictFrame(artifact: ModelArtifact, frame: DataFrame): Predictions {
	const { output, absentColumns } = predictBlended(artifact, frame);
	const n = frame.rowCount;
	if (artifact.task === 'regression')
		return {
			rowCount: n,
			values: output,
			probabilities: null,
			labels: Array.from(output, (v) => String(v)),
			absentColumns
		};
	const classes = artifact.target.classes;
	const k = classes.length;
	let probabilities: Float64Array;
	const labels: string[] = new Array(n);
	if (artifact.task === 'binary') {
		probabilities = new Float64Array(n * 2);
		for (let i = 0; i < n; i++) {
			probabilities[i * 2] = 1 - output[i];
			probabilities[i * 2 + 1] = output[i];
			labels[i] = classes[output[i] >= artifact.threshold ? 1 : 0];
		}
	} else {
		probabilities = output;
		for (let i = 0; i < n; i++) {
			let best = 0;
			for (let c = 1; c < k; c++) if (output[i * k + c] > output[i * k + best]) best = c;
			labels[i] = classes[best];
		}
	}
	return { rowCount: n, values: null, probabilities, labels, absentColumns };
}
