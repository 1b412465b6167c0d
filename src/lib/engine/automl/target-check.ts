/**
 * What the wizard shows once a column is picked as the target: the task Hunch would choose and why, the
 * target's distribution, target-dependent warnings (imbalance, leakage, ID-like columns), and which columns to
 * leave out by default, each with its reason. Checked on a sample of rows so it answers at once on any size.
 */
import { selectRows } from '../frame/select';
import { columnLength, isMissing, type DataFrame } from '../frame/types';
import { describeTarget, encodeTarget, findTargetColumn, type Task } from '../prep/target';
import { checkTarget, type TargetWarning } from './warnings';

export const TARGET_CHECK_ROWS = 20_000;

export interface TargetCheck {
	target: string;
	task: Task;
	reason: string;
	rows: number;
	missing: number;
	/** Classification: every class with its count (most frequent first). */
	classes?: { label: string; count: number }[];
	/** Regression: min, max, mean and a 20-bin histogram. */
	numeric?: { min: number; max: number; mean: number; edges: number[]; counts: number[] };
	warnings: TargetWarning[];
	/** Columns to leave unchecked in the wizard, and why. */
	suggestedExclusions: { column: string; reason: string }[];
	/** The checks ran on this many rows (a sample of large tables). */
	checkedRows: number;
}

function evenlySpaced(n: number, count: number): Uint32Array {
	return Uint32Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

/** Throws TargetError (with a message for the user) when the column cannot be a target. */
export function checkTargetColumn(
	frame: DataFrame,
	targetName: string,
	task: Task | 'auto' = 'auto'
): TargetCheck {
	const column = findTargetColumn(frame, targetName);
	const info = describeTarget(column, task);
	const n = columnLength(column);
	let missing = 0;
	for (let i = 0; i < n; i++) if (isMissing(column, i)) missing++;
	const y = encodeTarget(column, info);

	const check: TargetCheck = {
		target: targetName,
		task: info.task,
		reason: info.reason,
		rows: n,
		missing,
		warnings: [],
		suggestedExclusions: [],
		checkedRows: 0
	};
	if (info.task === 'regression') {
		let min = Infinity;
		let max = -Infinity;
		let sum = 0;
		let count = 0;
		for (const v of y)
			if (!Number.isNaN(v)) {
				min = Math.min(min, v);
				max = Math.max(max, v);
				sum += v;
				count++;
			}
		const bins = 20;
		const width = (max - min) / bins || 1;
		const counts = new Array(bins).fill(0);
		for (const v of y) if (!Number.isNaN(v)) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
		check.numeric = {
			min,
			max,
			mean: sum / count,
			edges: Array.from({ length: bins + 1 }, (_, i) => min + i * width),
			counts
		};
	} else {
		const counts = new Array(info.classes.length).fill(0);
		for (const v of y) if (!Number.isNaN(v)) counts[v]++;
		check.classes = info.classes
			.map((label, c) => ({ label, count: counts[c] }))
			.sort((a, b) => b.count - a.count);
	}

	// Warnings on rows with a target, sampled evenly.
	const labelled = Uint32Array.from(y.keys()).filter((i) => !Number.isNaN(y[i]));
	const sample =
		labelled.length > TARGET_CHECK_ROWS
			? evenlySpaced(labelled.length, TARGET_CHECK_ROWS).map((j) => labelled[j])
			: labelled;
	const features = selectRows(
		{ rowCount: frame.rowCount, columns: frame.columns.filter((c) => c.name !== targetName) },
		sample
	);
	check.checkedRows = sample.length;
	check.warnings = checkTarget(
		features,
		Float64Array.from(sample, (i) => y[i]),
		info
	);

	const exclusions = new Map<string, string>();
	for (const c of frame.columns)
		if (c.name !== targetName && c.type === 'identifier')
			exclusions.set(c.name, 'An ID: a different value on every row, which cannot predict new rows.');
	for (const w of check.warnings) {
		if (!w.column || exclusions.has(w.column)) continue;
		if (w.code === 'id_like')
			exclusions.set(w.column, 'Looks like a row ID: a different whole number on every row.');
		if (w.code === 'leakage')
			exclusions.set(
				w.column,
				'Possible leak: it alone predicts the target almost perfectly, so it is probably known only after the outcome.'
			);
	}
	check.suggestedExclusions = [...exclusions].map(([column, reason]) => ({ column, reason }));
	return check;
}
