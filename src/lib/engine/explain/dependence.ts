/**
 * Partial dependence and ICE: how the model's prediction moves when one column is set to each value of a grid
 * while every other column keeps the values of real rows. The partial dependence curve is the average over a
 * background sample of rows; ICE curves are single rows' lines. Computed with the served model (every fold
 * model of every member), so they describe exactly what the endpoint answers.
 */
import type { ModelArtifact } from '../automl/artifact';
import { predictBlended } from '../automl/predict';
import type { Column, DataFrame } from '../frame/types';
import { columnLength, isMissing } from '../frame/types';
import { formatNumber } from './evaluation';
import { evenRows } from './held-out';

export interface DependenceCurve {
	column: string;
	kind: 'numeric' | 'categorical';
	/** Grid values as shown (numbers formatted, dates as YYYY-MM-DD, categories as written). */
	labels: string[];
	/** Numeric grids: the raw values (epoch ms for dates); null for categories. */
	values: number[] | null;
	/** Average prediction per output (1, or one per class) and grid point: `average[k][g]`. */
	average: number[][];
	/** Single rows' predictions of output 0 (binary P(class 1), the value) per grid point; none for multiclass. */
	ice: number[][];
}

const GRID_POINTS = 20;
const MAX_CATEGORIES = 12;

/** The grid for a column: quantiles (5%–95%) for numbers and dates, the most frequent values otherwise. */
export function dependenceGrid(
	column: Column
): { labels: string[]; values: number[] | null; set: (n: number, g: number) => Column } | null {
	const n = columnLength(column);
	if (column.type === 'numeric' || column.type === 'datetime') {
		const present: number[] = [];
		for (let i = 0; i < n; i++) if (!isMissing(column, i)) present.push(column.values[i]);
		if (present.length === 0) return null;
		present.sort((a, b) => a - b);
		const values = [
			...new Set(
				Array.from({ length: GRID_POINTS }, (_, g) => {
					const q = 0.05 + (0.9 * g) / (GRID_POINTS - 1);
					return present[Math.min(present.length - 1, Math.floor(q * (present.length - 1)))];
				})
			)
		];
		const labels = values.map((v) =>
			column.type === 'datetime' ? new Date(v).toISOString().slice(0, 10) : formatNumber(v)
		);
		return {
			labels,
			values,
			set: (rows, g) => ({
				...column,
				values: new Float64Array(rows).fill(values[g]),
				missing: new Uint8Array(rows)
			})
		};
	}
	if (column.type === 'boolean')
		return {
			labels: [...column.labels],
			values: null,
			set: (rows, g) => ({ ...column, values: new Uint8Array(rows).fill(g), missing: new Uint8Array(rows) })
		};
	if (column.type === 'categorical') {
		const counts = new Map<number, number>();
		for (const code of column.codes) if (code >= 0) counts.set(code, (counts.get(code) ?? 0) + 1);
		const codes = [...counts.entries()]
			.sort((a, b) => b[1] - a[1] || a[0] - b[0])
			.slice(0, MAX_CATEGORIES)
			.map(([code]) => code);
		if (codes.length === 0) return null;
		return {
			labels: codes.map((code) => column.dictionary[code]),
			values: null,
			set: (rows, g) => ({ ...column, codes: new Int32Array(rows).fill(codes[g]) })
		};
	}
	return null; // free text and identifiers have no meaningful grid
}

/** Partial dependence (and ICE for `iceRows` of the background) of each named column. */
export function partialDependence(
	artifact: ModelArtifact,
	frame: DataFrame,
	columns: string[],
	options: { backgroundRows?: number; iceRows?: number } = {}
): DependenceCurve[] {
	const background = evenRows(frame, options.backgroundRows ?? 300);
	const B = background.rowCount;
	const K = artifact.task === 'multiclass' ? artifact.target.classes.length : 1;
	const iceRows = artifact.task === 'multiclass' ? 0 : Math.min(B, options.iceRows ?? 20);
	const icePositions = Array.from({ length: iceRows }, (_, j) => Math.floor((j * B) / Math.max(1, iceRows)));
	const curves: DependenceCurve[] = [];
	for (const name of columns) {
		const index = background.columns.findIndex((c) => c.name === name);
		if (index < 0) continue;
		const grid = dependenceGrid(frame.columns.find((c) => c.name === name)!);
		if (!grid) continue;
		const average = Array.from({ length: K }, () => new Array<number>(grid.labels.length).fill(0));
		const ice = icePositions.map(() => new Array<number>(grid.labels.length).fill(0));
		grid.labels.forEach((_, g) => {
			const columnsWithValue = background.columns.slice();
			columnsWithValue[index] = grid.set(B, g);
			const { output } = predictBlended(artifact, { rowCount: B, columns: columnsWithValue });
			for (let i = 0; i < B; i++) for (let k = 0; k < K; k++) average[k][g] += output[i * K + k] / B;
			icePositions.forEach((at, j) => (ice[j][g] = output[at * K]));
		});
		curves.push({
			column: name,
			kind: grid.values ? 'numeric' : 'categorical',
			labels: grid.labels,
			values: grid.values,
			average,
			ice
		});
	}
	return curves;
}
