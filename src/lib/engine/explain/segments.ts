/**
 * Weak segments: slices of the data, described by one or two simple conditions on input columns
 * ("contract = month-to-month and tenure < 6"), where the model's out-of-fold error is clearly worse than
 * overall. A slice is reported only when it holds enough rows and its excess error is far beyond chance
 * (z ≥ 3 on the slice's mean error), so a small unlucky group is not presented as a finding.
 *
 * Error per row: absolute error for regression, log loss for classification (it rewards confidence in the
 * right answer, so it sees a weak slice even when the decisions are mostly right).
 */
import type { Task } from '../prep/target';
import { columnLength, isMissing, type Column, type DataFrame } from '../frame/types';
import { formatNumber } from './evaluation';

export interface WeakSegment {
	/** The conditions, in words, joined by "and". */
	conditions: string[];
	rows: number;
	/** Share of the evaluated rows. */
	share: number;
	/** The slice's mean error over the overall mean error. */
	ratio: number;
	meanError: number;
	/** One plain sentence. */
	text: string;
}

interface Condition {
	column: string;
	text: string;
	mask: Uint8Array;
	count: number;
}

const CUT_QUANTILES = [0.25, 0.5, 0.75];
const MAX_CATEGORIES = 10;

function valueText(column: Column, v: number): string {
	return column.type === 'datetime' ? new Date(v).toISOString().slice(0, 10) : formatNumber(v);
}

/** Candidate conditions on one column, over the evaluated rows `rows`. */
function conditionsOf(column: Column, rows: Uint32Array): Condition[] {
	const n = rows.length;
	const out: Condition[] = [];
	const add = (text: string, test: (i: number) => boolean) => {
		const mask = new Uint8Array(n);
		let count = 0;
		for (let j = 0; j < n; j++)
			if (test(rows[j])) {
				mask[j] = 1;
				count++;
			}
		if (count > 0 && count < n) out.push({ column: column.name, text, mask, count });
	};
	const name = column.name;
	let missing = 0;
	for (const i of rows) if (isMissing(column, i)) missing++;
	if (missing > 0) add(`${name} is missing`, (i) => isMissing(column, i));
	if (column.type === 'numeric' || column.type === 'datetime') {
		const present = Array.from(rows, (i) => column.values[i])
			.filter((v) => v === v)
			.sort((a, b) => a - b);
		if (present.length === 0) return out;
		const cuts = [...new Set(CUT_QUANTILES.map((q) => present[Math.floor(q * (present.length - 1))]))];
		const values = column.values;
		const present_ = (i: number) => !isMissing(column, i);
		add(`${name} < ${valueText(column, cuts[0])}`, (i) => present_(i) && values[i] < cuts[0]);
		for (let c = 0; c + 1 < cuts.length; c++)
			add(
				`${name} from ${valueText(column, cuts[c])} to under ${valueText(column, cuts[c + 1])}`,
				(i) => present_(i) && values[i] >= cuts[c] && values[i] < cuts[c + 1]
			);
		const top = cuts[cuts.length - 1];
		add(`${name} ≥ ${valueText(column, top)}`, (i) => present_(i) && values[i] >= top);
	} else if (column.type === 'boolean') {
		column.labels.forEach((label, v) =>
			add(`${name} = ${label}`, (i) => !isMissing(column, i) && column.values[i] === v)
		);
	} else if (column.type === 'categorical') {
		const counts = new Map<number, number>();
		for (const i of rows)
			if (column.codes[i] >= 0) counts.set(column.codes[i], (counts.get(column.codes[i]) ?? 0) + 1);
		const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MAX_CATEGORIES);
		for (const [code] of top) add(`${name} = ${column.dictionary[code]}`, (i) => column.codes[i] === code);
	}
	return out;
}

/** Per-row error of out-of-fold predictions (row-major). */
export function rowErrors(
	task: Task,
	y: Float64Array,
	predictions: Float64Array,
	classCount: number
): Float64Array {
	const n = y.length;
	const clamp = (p: number) => Math.min(1 - 1e-15, Math.max(1e-15, p));
	if (task === 'regression') return Float64Array.from(y, (v, i) => Math.abs(v - predictions[i]));
	if (task === 'binary')
		return Float64Array.from(y, (v, i) => -Math.log(clamp(v === 1 ? predictions[i] : 1 - predictions[i])));
	return Float64Array.from({ length: n }, (_, i) => -Math.log(clamp(predictions[i * classCount + y[i]])));
}

interface Scored {
	conditions: Condition[];
	count: number;
	mean: number;
	ratio: number;
	z: number;
}

/**
 * The weakest slices (at most `limit`), strongest evidence first. `rows` are the frame rows the errors
 * belong to (in the same order).
 */
export function weakSegments(
	frame: DataFrame,
	rows: Uint32Array,
	errors: Float64Array,
	task: Task,
	limit = 5
): WeakSegment[] {
	const n = rows.length;
	if (n < 60) return [];
	const minRows = Math.max(30, Math.ceil(n * 0.02));
	let total = 0;
	for (const e of errors) total += e;
	const overall = total / n;
	if (!(overall > 0)) return [];

	const evaluate = (conditions: Condition[]): Scored | null => {
		let count = 0;
		let sum = 0;
		let squares = 0;
		for (let j = 0; j < n; j++) {
			if (!conditions.every((c) => c.mask[j])) continue;
			count++;
			sum += errors[j];
			squares += errors[j] * errors[j];
		}
		if (count < minRows) return null;
		const mean = sum / count;
		const sd = Math.sqrt(Math.max(0, squares / count - mean * mean));
		// A slice with identical errors (sd 0) is as certain as evidence gets.
		const z = (mean - overall) / (Math.max(sd, 1e-9 * overall) / Math.sqrt(count));
		return { conditions, count, mean, ratio: mean / overall, z };
	};
	const singles: Scored[] = [];
	for (const column of frame.columns) {
		if (columnLength(column) !== frame.rowCount) continue;
		for (const condition of conditionsOf(column, rows)) {
			const scored = evaluate([condition]);
			if (scored) singles.push(scored);
		}
	}
	const found: Scored[] = singles.filter((s) => s.ratio >= 1.3 && s.z >= 3);
	// Pairs: the worse single slices, each narrowed by a condition on another column.
	const seeds = singles
		.filter((s) => s.ratio >= 1.1)
		.sort((a, b) => b.ratio - a.ratio)
		.slice(0, 8);
	for (const seed of seeds)
		for (const other of singles) {
			if (other.conditions[0].column === seed.conditions[0].column) continue;
			if (other.conditions[0].column < seed.conditions[0].column && seeds.includes(other)) continue; // once per pair
			const pair = evaluate([seed.conditions[0], other.conditions[0]]);
			if (pair && pair.ratio >= 1.5 && pair.z >= 3 && pair.ratio >= Math.max(seed.ratio, other.ratio) * 1.15)
				found.push(pair);
		}
	found.sort((a, b) => b.z - a.z || b.ratio - a.ratio);
	const chosen: Scored[] = [];
	for (const s of found) {
		const key = s.conditions
			.map((c) => c.text)
			.sort()
			.join(' & ');
		if (
			chosen.some(
				(c) =>
					c.conditions
						.map((x) => x.text)
						.sort()
						.join(' & ') === key
			)
		)
			continue;
		chosen.push(s);
		if (chosen.length === limit) break;
	}
	const what = task === 'regression' ? 'the error' : 'the error (log loss)';
	return chosen.map((s) => {
		const conditions = s.conditions.map((c) => c.text);
		const ratio = Number(s.ratio.toFixed(1));
		return {
			conditions,
			rows: s.count,
			share: s.count / n,
			ratio,
			meanError: s.mean,
			text: `${what[0].toUpperCase()}${what.slice(1)} is ${ratio}× the average when ${conditions.join(' and ')} (${s.count.toLocaleString('en-US')} rows, ${Math.round((100 * s.count) / n)}% of the data).`
		};
	});
}
