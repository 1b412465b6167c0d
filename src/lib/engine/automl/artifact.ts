/**
 * The model artifact: one versioned, self-contained JSON bundle with everything prediction needs — the input
 * schema, the encoders, the fitted fold models of every ensemble member (flat tree arrays), ensemble weights,
 * calibration, decision threshold, class labels — and what the report shows: metrics, leaderboard, warnings.
 * Loading it needs only the engine. A bundle of an unknown format or version fails with a clear message.
 */
import type { ColumnType } from '../frame/types';
import type { FeatureEncoder } from '../prep/encoder';
import type { TargetInfo, Task } from '../prep/target';
import type { Calibration } from './calibration';
import type { Params } from './families';
import type { MetricName } from './scoring';
import type { ModelExplanations } from '../explain/explain';
import type { InputField } from '../serve/input-schema';

export const ARTIFACT_FORMAT = 'hunch-model';
/**
 * The version written. A new version is needed when an older Hunch would misread a new bundle rather than
 * fail (2: linear models' numeric columns may bend at knots, which version 1 readers would ignore; 3: typed arrays
 * that are mostly zeros are saved as their non-zero entries, which version 2 readers would read as short arrays;
 * 4: a member refitted on every row reads `refitEncoder`, which version 3 readers would pair with a fold's).
 */
export const ARTIFACT_VERSION = 4;
/** The versions this Hunch reads: every older bundle is a valid newer one (fields were only added). */
const READABLE_VERSIONS: readonly number[] = [1, 2, 3, 4];

export interface LeaderboardEntry {
	trial: number;
	family: string;
	label: string;
	params: Params;
	/** Out-of-fold score under the run's metric. */
	score: number;
	seconds: number;
	/** e.g. "412 rounds" (first fold). */
	detail: string;
	/** Its weight in the final ensemble (0 when not a member). */
	weight: number;
}

export interface ArtifactMember {
	trial: number;
	family: string;
	params: Params;
	weight: number;
	/**
	 * One saved model per validation fold, predictions averaging them; or, when `refitted`, one model fitted on
	 * every row, which reads features from the artifact's `refitEncoder`.
	 */
	models: unknown[];
	refitted?: boolean;
}

export interface ModelArtifact {
	format: typeof ARTIFACT_FORMAT;
	version: number;
	createdAt: string;
	task: Task;
	target: TargetInfo;
	metric: MetricName;
	/** The columns the model reads (the target excluded), with the types they had in training. */
	inputColumns: { name: string; type: ColumnType }[];
	/** What a prediction request must send: each input's type, ranges and categories (absent in older models). */
	inputSchema?: InputField[];
	/** Fold f's models read features from foldEncoders[f] (each learned on that fold's training rows only). */
	foldEncoders: FeatureEncoder[];
	/** Learned on every row, for the members refitted on every row (absent when none is). */
	refitEncoder?: FeatureEncoder;
	members: ArtifactMember[];
	calibration: Calibration | null;
	/** Binary tasks: class 1 is predicted when P(class 1) ≥ threshold. */
	threshold: number;
	validation: { description: string; folds: number; rows: number };
	/** Every applicable metric of the final (ensembled, calibrated) out-of-fold predictions. */
	metrics: Record<string, number>;
	leaderboard: LeaderboardEntry[];
	warnings: string[];
	/** The model report's data (absent when the run skipped explanations). */
	explanations?: ModelExplanations;
	training: {
		rows: number;
		droppedRows: number;
		/** The search, ensemble and calibration; explanations report their own `seconds`. */
		seconds: number;
		seed: number;
		timeLimitSeconds: number;
		trials: number;
	};
}

/** The parts of an artifact a model page lists (everything but the fitted models and explanations). */
export interface ModelSummary {
	target: TargetInfo;
	inputColumns: ModelArtifact['inputColumns'];
	leaderboard: LeaderboardEntry[];
	members: { trial: number; family: string; weight: number }[];
	warnings: string[];
	validation: ModelArtifact['validation'];
	training: ModelArtifact['training'];
	threshold: number;
	calibration: Calibration['kind'] | null;
}

export function artifactSummary(artifact: ModelArtifact): ModelSummary {
	return {
		target: artifact.target,
		inputColumns: artifact.inputColumns,
		leaderboard: artifact.leaderboard,
		members: artifact.members.map((m) => ({ trial: m.trial, family: m.family, weight: m.weight })),
		warnings: artifact.warnings,
		validation: artifact.validation,
		training: artifact.training,
		threshold: artifact.threshold,
		calibration: artifact.calibration?.kind ?? null
	};
}

export class ArtifactError extends Error {}

/** Parses and checks a saved artifact. */
export function parseArtifact(text: string, source = 'the model file'): ModelArtifact {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw new ArtifactError(`${source} is not a Hunch model (it is not valid JSON).`);
	}
	const artifact = value as Partial<ModelArtifact>;
	if (!artifact || artifact.format !== ARTIFACT_FORMAT)
		throw new ArtifactError(`${source} is not a Hunch model (format "${String(artifact?.format)}").`);
	if (!READABLE_VERSIONS.includes(Number(artifact.version)))
		throw new ArtifactError(
			`${source} was written by a ${Number(artifact.version) > ARTIFACT_VERSION ? 'newer' : 'different'} Hunch (model format version ${String(artifact.version)}; this Hunch reads versions ${READABLE_VERSIONS.join(', ')}). Retrain it, or use the Hunch version that trained it.`
		);
	const folds = Array.isArray(artifact.foldEncoders) ? artifact.foldEncoders.length : 0;
	(Array.isArray(artifact.members) ? artifact.members : []).forEach((member, m) => {
		const expected = member.refitted ? 1 : folds;
		if (member.refitted && !artifact.refitEncoder)
			throw new ArtifactError(
				`${source} is damaged: member ${m + 1} (${member.family}) was refitted on every row, but the file has no encoder for it.`
			);
		if (!Array.isArray(member.models) || member.models.length !== expected)
			throw new ArtifactError(
				`${source} is damaged: member ${m + 1} (${member.family}) has ${Array.isArray(member.models) ? member.models.length : 'no'} models where ${expected} were expected.`
			);
	});
	return artifact as ModelArtifact;
}

export function serialiseArtifact(artifact: ModelArtifact): string {
	return JSON.stringify(artifact);
}
