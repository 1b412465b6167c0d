/**
 * Validation splits. Every leaderboard score is measured on rows the model did not train on:
 * - stratified k-fold for classification (each fold keeps the class shares), plain k-fold for regression;
 * - fewer folds for large tables and a single holdout for very large ones, so a 60-second budget still
 *   trains real models;
 * - group splits (all rows of a group in one fold) and time-ordered splits (train on the past, validate on the
 *   future) when the user names a column.
 */
import { createRandom } from '../trees/random';

export interface Fold {
	train: Uint32Array;
	valid: Uint32Array;
}

export interface FoldPlan {
	kind: 'kfold' | 'stratified' | 'holdout' | 'group' | 'time';
	folds: Fold[];
	/** Plain words for the report. */
	description: string;
}

/**
 * How many folds a table gets (1 = a 20% holdout). Multiclass boosting grows a tree per class, so the size that
 * counts is rows × classes (20,000 rows of 26 letters cost like 520,000 rows of a yes/no target).
 */
export function foldCountFor(rows: number, classes = 1): number {
	const size = rows * Math.max(1, classes);
	if (size > 100_000) return 1;
	if (size > 20_000) return 3;
	return 5;
}

function shuffled(n: number, seed: number): Uint32Array {
	const random = createRandom(seed);
	const order = Uint32Array.from({ length: n }, (_, i) => i);
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		const t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	return order;
}

/** How many times k-fold is repeated (with a fresh shuffle): small tables have time to spare and noisy scores. */
export function repeatsFor(rows: number): number {
	if (rows <= 2000) return 3;
	if (rows <= 10_000) return 2;
	return 1;
}

/** K-fold repeated with different shuffles: every row is validated once per repeat. */
export function repeatedKFold(
	n: number,
	k: number,
	repeats: number,
	seed: number,
	classes?: Float64Array
): FoldPlan {
	const plans = Array.from({ length: Math.max(1, repeats) }, (_, r) => kFold(n, k, seed + 1009 * r, classes));
	if (plans.length === 1 || k === 1) return plans[0];
	return {
		kind: plans[0].kind,
		folds: plans.flatMap((p) => p.folds),
		description: `${plans[0].description}, repeated ${plans.length} times`
	};
}

/** Turns a fold assignment per row into folds (rows sorted ascending within each part). */
function foldsFromAssignment(assignment: Int32Array, k: number): Fold[] {
	const folds: Fold[] = [];
	for (let f = 0; f < k; f++) {
		const train: number[] = [];
		const valid: number[] = [];
		assignment.forEach((a, i) => (a === f ? valid : train).push(i));
		folds.push({ train: Uint32Array.from(train), valid: Uint32Array.from(valid) });
	}
	return folds.filter((f) => f.valid.length > 0 && f.train.length > 0);
}

/**
 * K folds (or a holdout when k = 1). With class labels, rows of each class are dealt round-robin over the folds
 * after shuffling, so every fold holds each class in proportion.
 */
export function kFold(n: number, k: number, seed: number, classes?: Float64Array): FoldPlan {
	const order = shuffled(n, seed);
	const assignment = new Int32Array(n);
	const parts = k === 1 ? 5 : k; // a holdout is one fold of five
	if (classes) {
		const next = new Map<number, number>();
		for (const i of order) {
			const c = classes[i];
			const slot = next.get(c) ?? 0;
			assignment[i] = slot % parts;
			next.set(c, slot + 1);
		}
	} else order.forEach((i, position) => (assignment[i] = position % parts));
	const folds = foldsFromAssignment(assignment, parts);
	if (k === 1)
		return {
			kind: 'holdout',
			folds: folds.slice(0, 1),
			description: `a ${classes ? 'stratified ' : ''}20% holdout (large table)`
		};
	return {
		kind: classes ? 'stratified' : 'kfold',
		folds,
		description: `${k}-fold ${classes ? 'stratified ' : ''}cross-validation`
	};
}

/** Folds that never split a group: whole groups are dealt to folds, largest first, to balance their sizes. */
export function groupKFold(groups: ArrayLike<string>, k: number, seed: number): FoldPlan {
	const byGroup = new Map<string, number[]>();
	for (let i = 0; i < groups.length; i++) {
		const g = groups[i];
		const list = byGroup.get(g);
		if (list) list.push(i);
		else byGroup.set(g, [i]);
	}
	const parts = Math.max(2, Math.min(k === 1 ? 5 : k, byGroup.size));
	const random = createRandom(seed);
	const entries = [...byGroup.values()]
		.map((rows) => ({ rows, tie: random() }))
		.sort((a, b) => b.rows.length - a.rows.length || a.tie - b.tie);
	const sizes = new Array(parts).fill(0);
	const assignment = new Int32Array(groups.length);
	for (const { rows } of entries) {
		const target = sizes.indexOf(Math.min(...sizes));
		for (const i of rows) assignment[i] = target;
		sizes[target] += rows.length;
	}
	const folds = foldsFromAssignment(assignment, parts);
	return {
		kind: 'group',
		folds: k === 1 ? folds.slice(0, 1) : folds,
		description: `${k === 1 ? 'a group holdout' : `${parts}-fold group cross-validation`} (${byGroup.size} groups)`
	};
}

/**
 * Time-ordered splits: rows sorted by time, then k expanding windows — each fold trains on everything before
 * its validation block. Rows with no time go to training only.
 */
export function timeSeriesSplit(times: ArrayLike<number>, k: number): FoldPlan {
	const order = Uint32Array.from({ length: times.length }, (_, i) => i)
		.filter((i) => !Number.isNaN(times[i]))
		.sort((a, b) => times[a] - times[b] || a - b);
	const blocks = Math.max(1, k) + 1;
	const size = Math.floor(order.length / blocks);
	const folds: Fold[] = [];
	for (let f = 1; f < blocks; f++) {
		const train = order.slice(0, f * size);
		const valid = order.slice(f * size, f === blocks - 1 ? order.length : (f + 1) * size);
		if (train.length && valid.length)
			folds.push({ train: Uint32Array.from(train).sort(), valid: Uint32Array.from(valid).sort() });
	}
	return {
		kind: 'time',
		folds,
		description: `${folds.length} time-ordered splits (train on the past, validate on the future)`
	};
}
