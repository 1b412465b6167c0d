/**
 * A table and a target column → what the tree models train on: encoded features, the target as numbers or
 * class indices, and which features are categorical. Rows with a missing target are left out.
 */
import type { DataFrame } from '../frame/types';
import { encodeFeatures, fitEncoder, type FeatureEncoder } from './encoder';
import { describeTarget, encodeTarget, findTargetColumn, type Task, type TargetInfo } from './target';

export interface PreparedData {
	task: Task;
	target: TargetInfo;
	encoder: FeatureEncoder;
	features: Float64Array[];
	y: Float64Array;
	categorical: Uint8Array;
	/** Rows left out because their target was missing. */
	droppedRows: number;
	/** Encodes another table (test rows) the same way; its target, when present, the same way too. */
	apply(frame: DataFrame): { features: Float64Array[]; y: Float64Array };
}

/** Keeps the rows where `keep` is 1, in every column. */
function selectRows(columns: Float64Array[], keep: Uint8Array, count: number): Float64Array[] {
	return columns.map((column) => {
		const out = new Float64Array(count);
		for (let i = 0, j = 0; i < column.length; i++) if (keep[i]) out[j++] = column[i];
		return out;
	});
}

export function prepareTreeData(
	frame: DataFrame,
	targetName: string,
	options: { task?: Task | 'auto'; exclude?: string[] } = {}
): PreparedData {
	const targetColumn = findTargetColumn(frame, targetName);
	const target = describeTarget(targetColumn, options.task ?? 'auto');
	const encoder = fitEncoder(frame, [targetName, ...(options.exclude ?? [])]);
	const rawY = encodeTarget(targetColumn, target);
	const keep = Uint8Array.from(rawY, (v) => (v === v ? 1 : 0));
	const kept = keep.reduce((a, b) => a + b, 0);
	const features = selectRows(encodeFeatures(encoder, frame).features, keep, kept);
	const [y] = selectRows([rawY], keep, kept);
	return {
		task: target.task,
		target,
		encoder,
		features,
		y,
		categorical: Uint8Array.from(encoder.features, (f) => (f.categorical ? 1 : 0)),
		droppedRows: frame.rowCount - kept,
		apply(other) {
			const encoded = encodeFeatures(encoder, other).features;
			const column = other.columns.find((c) => c.name === targetName);
			const otherY = column ? encodeTarget(column, target) : new Float64Array(other.rowCount).fill(NaN);
			return { features: encoded, y: otherY };
		}
	};
}
