/**
 * Batch scoring of a whole table (the share page's "score a file"): every input row comes back with its
 * columns, the prediction, its probability and the top reasons in words, ready to write as CSV or XLSX.
 * Reasons are exact contributions (as the endpoint gives), computed in chunks until `deadline`; rows past it
 * keep their prediction and probability and have no reasons, and `explainedRows` says how many do.
 */
import type { ModelArtifact } from '../automl/artifact';
import { predictFrame } from '../automl/predict';
import { explainFrame, rowContributions } from '../explain/contributions';
import { formatNumber } from '../explain/evaluation';
import { selectRows } from '../frame/select';
import { cellText, isMissing, type DataFrame } from '../frame/types';

export type Cell = string | number | null;

export interface ScoredTable {
	header: string[];
	rows: Cell[][];
	/** Model inputs the table lacks (predicted as if missing). */
	absentColumns: string[];
	explainedRows: number;
}

export interface ScoreOptions {
	/** Reason columns per row (default 3). */
	reasons?: number;
	/** Stop explaining at this time (ms since epoch); predictions are always complete. */
	deadline?: number;
	now?: () => number;
}

const CHUNK_ROWS = 1_000;

/** A name not already taken by one of the table's columns. */
function freeName(taken: Set<string>, name: string): string {
	let candidate = name;
	for (let i = 2; taken.has(candidate); i++) candidate = `${name}_${i}`;
	taken.add(candidate);
	return candidate;
}

export function scoreTable(
	artifact: ModelArtifact,
	frame: DataFrame,
	options: ScoreOptions = {}
): ScoredTable {
	const reasons = Math.max(0, options.reasons ?? 3);
	const now = options.now ?? Date.now;
	const n = frame.rowCount;
	const predictions = predictFrame(artifact, frame);
	const classes = artifact.target.classes;
	const K = classes.length;
	const classification = artifact.task !== 'regression';

	const taken = new Set(frame.columns.map((c) => c.name));
	const header = [
		...frame.columns.map((c) => c.name),
		freeName(taken, 'prediction'),
		...(classification ? [freeName(taken, 'probability')] : []),
		...Array.from({ length: reasons }, (_, r) => freeName(taken, `reason_${r + 1}`))
	];
	const byName = new Map(frame.columns.map((c) => [c.name, c]));
	const rows: Cell[][] = new Array(n);
	/** The class each row's reasons explain: the predicted one (binary: always P(class 1)). */
	const explained = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const row: Cell[] = frame.columns.map((column) =>
			isMissing(column, i) ? null : column.type === 'numeric' ? column.values[i] : cellText(column, i)
		);
		if (classification) {
			const k = classes.indexOf(predictions.labels[i]);
			row.push(predictions.labels[i], Number(predictions.probabilities![i * K + k].toPrecision(6)));
			if (artifact.task === 'multiclass') explained[i] = k;
		} else row.push(predictions.values![i]);
		rows[i] = row;
	}

	let explainedRows = 0;
	if (reasons > 0) {
		const scale = classification ? 100 : 1;
		const unit = classification ? '%' : '';
		for (let start = 0; start < n; start += CHUNK_ROWS) {
			if (options.deadline !== undefined && now() >= options.deadline) break;
			const indices = Uint32Array.from({ length: Math.min(CHUNK_ROWS, n - start) }, (_, j) => start + j);
			const set = explainFrame(artifact, selectRows(frame, indices));
			indices.forEach((i, j) => {
				const top = rowContributions(set, j, set.outputs > 1 ? explained[i] : 0, reasons);
				for (const { feature, contribution } of top) {
					const column = byName.get(feature);
					const value = column && !isMissing(column, i) ? cellText(column, i) : 'missing';
					const amount = contribution * scale;
					rows[i].push(
						`${feature} = ${value} (${amount >= 0 ? '+' : '−'}${formatNumber(Math.abs(amount))}${unit})`
					);
				}
				for (let r = top.length; r < reasons; r++) rows[i].push(null);
			});
			explainedRows += indices.length;
		}
		for (let i = explainedRows; i < n; i++) for (let r = 0; r < reasons; r++) rows[i].push(null);
	}
	return { header, rows, absentColumns: predictions.absentColumns, explainedRows };
}

/**
 * A cell that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) gets a leading
 * apostrophe, so a file scored here cannot carry a formula into the user's Excel. Numbers stay numbers.
 */
export function spreadsheetSafe(cell: Cell): Cell {
	if (typeof cell !== 'string' || !/^[=+\-@\t\r]/.test(cell)) return cell;
	if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) return cell;
	return `'${cell}`;
}
