/**
 * Permutation importance of each input column for the ensemble as a whole, on held-out rows: shuffle one
 * column among the rows a fold held out, predict them with that fold's models, and see how much the run's
 * metric gets worse. Repeated with different shuffles for error bars. A column the model ignores scores ~0;
 * a negative score means shuffling it did not hurt (noise).
 *
 * Shuffling happens on the encoded features: every feature computed from the column is permuted with the same
 * row order, which is exactly what encoding a shuffled column would give.
 */
import type { ModelArtifact } from '../automl/artifact';
import { predictFold } from '../automl/predict';
import { METRICS } from '../automl/scoring';
import { selectRows } from '../frame/select';
import { encodeFeatures } from '../prep/encoder';
import { seededRandom } from '../samples/random';
import { evenSample, pause, type HeldOutData } from './held-out';

export interface ColumnImportance {
	column: string;
	/** Mean drop of the run's metric when the column is shuffled (positive: the model relies on it). */
	drop: number;
	/** Standard deviation of the drop over the repeats. */
	spread: number;
}

export interface ImportanceOptions {
	repeats?: number;
	maxRows?: number;
	seed?: number;
	/** Epoch ms: fewer rows (and repeats) are used so that this is not passed by much. */
	deadline?: number;
	now?: () => number;
}

interface FoldGroup {
	fold: number;
	/** Positions in the sample. */
	positions: Uint32Array;
	features: Float64Array[];
	/** Feature indices per input column. */
	featuresOf: number[][];
}

export async function permutationImportance(
	artifact: ModelArtifact,
	heldOut: HeldOutData,
	options: ImportanceOptions = {}
): Promise<{ columns: ColumnImportance[]; rows: number; repeats: number }> {
	const now = options.now ?? Date.now;
	const metric = METRICS[artifact.metric];
	const classCount = artifact.task === 'regression' ? 1 : artifact.target.classes.length;
	const width = artifact.task === 'multiclass' ? classCount : 1;
	const columns = artifact.inputColumns.map((c) => c.name);
	let repeats = options.repeats ?? 5;
	const heldRows = Uint32Array.from(heldOut.fold.keys()).filter((i) => heldOut.fold[i] >= 0);

	const prepare = (maxRows: number) => {
		const sample = evenSample(heldRows, maxRows);
		const y = Float64Array.from(sample, (i) => heldOut.y[i]);
		const groups: FoldGroup[] = [];
		for (let fold = 0; fold < artifact.foldEncoders.length; fold++) {
			const positions = Uint32Array.from(sample.keys()).filter((j) => heldOut.fold[sample[j]] === fold);
			if (positions.length === 0) continue;
			const encoder = artifact.foldEncoders[fold];
			const frame = selectRows(
				heldOut.frame,
				Array.from(positions, (j) => sample[j])
			);
			groups.push({
				fold,
				positions,
				features: encodeFeatures(encoder, frame).features,
				featuresOf: columns.map((name) =>
					encoder.features.flatMap((f, index) => (f.source === name ? [index] : []))
				)
			});
		}
		return { sample, y, groups };
	};
	const score = (
		y: Float64Array,
		groups: FoldGroup[],
		n: number,
		swap?: (g: FoldGroup) => Float64Array[]
	) => {
		const predictions = new Float64Array(n * width);
		for (const group of groups) {
			const p = predictFold(artifact, group.fold, swap ? swap(group) : group.features);
			group.positions.forEach((at, j) => {
				for (let k = 0; k < width; k++) predictions[at * width + k] = p[j * width + k];
			});
		}
		return metric.score(y, predictions, classCount, artifact.threshold);
	};

	// Time one pass on a small sample, then size the sample so every column × repeat fits the deadline.
	let maxRows = options.maxRows ?? 2000;
	if (options.deadline !== undefined) {
		const probe = prepare(Math.min(maxRows, 50));
		const started = now();
		score(probe.y, probe.groups, probe.sample.length);
		const perRow = Math.max(1e-4, (now() - started) / Math.max(1, probe.sample.length));
		const passes = columns.length * repeats + 1;
		const affordable = Math.floor((options.deadline - now()) / (perRow * passes));
		if (affordable < 200) repeats = Math.max(2, Math.min(repeats, Math.floor(repeats * (affordable / 200))));
		maxRows = Math.max(50, Math.min(maxRows, affordable));
	}
	const { sample, y, groups } = prepare(maxRows);
	const n = sample.length;
	const reference = score(y, groups, n);
	const random = seededRandom(options.seed ?? 0);
	const drops = columns.map(() => [] as number[]);
	for (let r = 0; r < repeats; r++) {
		for (let c = 0; c < columns.length; c++) {
			const shuffled = score(y, groups, n, (group) => {
				const m = group.positions.length;
				const order = Uint32Array.from({ length: m }, (_, j) => j);
				for (let j = m - 1; j > 0; j--) {
					const k = Math.floor(random() * (j + 1));
					[order[j], order[k]] = [order[k], order[j]];
				}
				const features = group.features.slice();
				for (const f of group.featuresOf[c])
					features[f] = Float64Array.from(order, (j) => group.features[f][j]);
				return features;
			});
			drops[c].push(metric.higherIsBetter ? reference - shuffled : shuffled - reference);
		}
		await pause();
		if (r >= 1 && options.deadline !== undefined && now() > options.deadline) {
			repeats = r + 1;
			break;
		}
	}
	const out = columns.map((column, c) => {
		const values = drops[c].filter((v) => Number.isFinite(v));
		const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
		const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1);
		return { column, drop: mean, spread: Math.sqrt(variance) };
	});
	out.sort((a, b) => b.drop - a.drop || (a.column < b.column ? -1 : 1));
	return { columns: out, rows: n, repeats };
}
