/**
 * Greedy ensemble selection (Caruana et al. 2004), with replacement: start empty, and repeatedly add the
 * trial whose out-of-fold predictions most improve the averaged ensemble's score. Weights are how often each
 * trial was picked. Scored on out-of-fold predictions only, so the ensemble's score is honest too.
 */
import { isBetter, type Metric } from './scoring';

export interface EnsembleCandidate {
	trial: number;
	/** Out-of-fold predictions, row-major, on the scored rows. */
	oof: Float64Array;
}

export interface EnsembleSelection {
	weights: { trial: number; weight: number }[];
	score: number;
}

/** Rows the greedy selection scores on: enough to rank blends reliably, few enough to stay fast (AUC sorts). */
const SELECTION_ROWS = 20_000;

/**
 * On big tables the selection scores blends on an even subsample of `SELECTION_ROWS` rows (a 100,000-row
 * binary run spent 17 s here otherwise); the returned score is the chosen blend's on every row.
 */
export function selectEnsemble(
	candidates: EnsembleCandidate[],
	y: Float64Array,
	metric: Metric,
	classCount: number,
	rounds = 25
): EnsembleSelection {
	if (candidates.length === 0) throw new Error('no candidates to ensemble');
	const n = y.length;
	if (n > SELECTION_ROWS) {
		const width = candidates[0].oof.length / n;
		const rows = Uint32Array.from({ length: SELECTION_ROWS }, (_, j) => Math.floor((j * n) / SELECTION_ROWS));
		// Predictions are `width` numbers a row (one per class for multiclass); the labels are one.
		const pick = (values: Float64Array, perRow: number) => {
			const out = new Float64Array(rows.length * perRow);
			rows.forEach((row, j) => {
				for (let k = 0; k < perRow; k++) out[j * perRow + k] = values[row * perRow + k];
			});
			return out;
		};
		const { weights } = selectEnsemble(
			candidates.map((c) => ({ trial: c.trial, oof: pick(c.oof, width) })),
			pick(y, 1),
			metric,
			classCount,
			rounds
		);
		const blended = blend(
			weights.map((w) => candidates.find((c) => c.trial === w.trial)!.oof),
			weights.map((w) => w.weight)
		);
		return { weights, score: metric.score(y, blended, classCount) };
	}
	const length = candidates[0].oof.length;
	const sum = new Float64Array(length);
	const trial = new Float64Array(length);
	const counts = new Map<number, number>();
	let picked = 0;
	let bestScore = NaN;
	let bestCounts = new Map<number, number>();
	for (let round = 0; round < rounds; round++) {
		let choice = -1;
		let choiceScore = NaN;
		candidates.forEach((candidate, c) => {
			for (let j = 0; j < length; j++) trial[j] = (sum[j] + candidate.oof[j]) / (picked + 1);
			const score = metric.score(y, trial, classCount);
			if (choice < 0 || isBetter(metric, score, choiceScore)) {
				choice = c;
				choiceScore = score;
			}
		});
		const chosen = candidates[choice];
		for (let j = 0; j < length; j++) sum[j] += chosen.oof[j];
		picked++;
		counts.set(chosen.trial, (counts.get(chosen.trial) ?? 0) + 1);
		if (Number.isNaN(bestScore) || isBetter(metric, choiceScore, bestScore)) {
			bestScore = choiceScore;
			bestCounts = new Map(counts);
		}
	}
	const total = [...bestCounts.values()].reduce((a, b) => a + b, 0);
	return {
		weights: [...bestCounts.entries()]
			.map(([t, c]) => ({ trial: t, weight: c / total }))
			.sort((a, b) => b.weight - a.weight || a.trial - b.trial),
		score: bestScore
	};
}

/** Weighted average of row-major predictions. */
export function blend(predictions: Float64Array[], weights: number[]): Float64Array {
	const out = new Float64Array(predictions[0]?.length ?? 0);
	predictions.forEach((p, m) => {
		for (let j = 0; j < out.length; j++) out[j] += weights[m] * p[j];
	});
	return out;
}
