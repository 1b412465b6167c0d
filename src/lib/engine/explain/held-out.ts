/**
 * What a finished run knows that the artifact alone does not: the training rows, their targets, which fold's
 * models held each row out, and the final out-of-fold predictions. Explanations are computed from it once,
 * in the worker, right after training.
 */
import { selectRows } from '../frame/select';
import type { DataFrame } from '../frame/types';

export interface HeldOutData {
	/** The input columns (the model's features) of the rows that had a target. */
	frame: DataFrame;
	/** Encoded target per row (class index, or the value). */
	y: Float64Array;
	/** Per row: the fold whose models never saw it (first repeat), or -1 when no fold held it out. */
	fold: Int32Array;
	/** Rows with out-of-fold predictions, ascending. */
	scoredRows: Uint32Array;
	/** Final (ensembled, calibrated) out-of-fold predictions of `scoredRows`, row-major. */
	oof: Float64Array;
}

/** Up to `max` indices from `rows`, evenly spread (all of them when there are fewer). */
export function evenSample(rows: ArrayLike<number>, max: number): Uint32Array {
	const n = rows.length;
	if (n <= max) return Uint32Array.from(rows);
	return Uint32Array.from({ length: max }, (_, j) => rows[Math.floor((j * n) / max)]);
}

/** Up to `max` rows of `frame`, evenly spread. */
export function evenRows(frame: DataFrame, max: number): DataFrame {
	return selectRows(
		frame,
		evenSample(
			Uint32Array.from({ length: frame.rowCount }, (_, i) => i),
			max
		)
	);
}

/** Lets the event loop run (a worker's heartbeat, a cancel message) between chunks of work. */
export function pause(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}
