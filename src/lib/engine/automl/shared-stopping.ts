/**
 * Early stopping shared by a trial's folds. A boosting fit that stops at the round best on its own validation
 * rows scores those rows with a round count chosen on them: on small tables (60 validation rows a fold) that
 * flatters boosting's out-of-fold score against families that never look at the held-out rows (linear models,
 * forests), and the leaderboard and the ensemble lean towards it. So each fold keeps growing past its best
 * (up to its patience), reports its validation loss per round, and every fold is then cut at the one round
 * where the loss averaged over the folds is lowest, as cross-validation chooses any other setting (xgboost's
 * `cv` picks its rounds the same way).
 */
import type { FoldOutcome, FoldSets } from './fold-fit';
import type { ModelFamily } from './families';

/**
 * The round count (1-based) with the lowest validation loss averaged over the curves. A fold that stopped
 * before round r counts with its last loss: it cannot be asked for more rounds than it grew.
 */
export function sharedBestRounds(curves: ArrayLike<number>[]): number {
	const longest = Math.max(0, ...curves.map((c) => c.length));
	let best = 0;
	let bestLoss = Infinity;
	for (let r = 0; r < longest; r++) {
		let total = 0;
		for (const curve of curves) total += curve[Math.min(r, curve.length - 1)];
		const mean = total / curves.length;
		if (mean < bestLoss - 1e-12) {
			bestLoss = mean;
			best = r;
		}
	}
	return best + 1;
}

/**
 * A trial's fold outcomes with every fold cut at the shared best round and its validation rows predicted
 * again. Outcomes of families without `stopping`, or whose fits did not watch validation rows, come back as
 * they are. `outcomes[f]` belongs to `folds[f]`.
 */
export function stopFoldsTogether(
	family: ModelFamily,
	outcomes: FoldOutcome[],
	folds: FoldSets[]
): FoldOutcome[] {
	const stopping = family.stopping;
	// One fold (a holdout) has nothing to share: its fit kept its own best round already.
	if (!stopping || outcomes.length < 2) return outcomes;
	const models = outcomes.map((o) => family.load(o.model));
	const curves = models.map((m) => stopping.curve(m));
	if (curves.some((c) => !c || c.length === 0)) return outcomes;
	const rounds = sharedBestRounds(curves as ArrayLike<number>[]);
	return models.map((model, f) => {
		if (stopping.rounds(model) <= rounds) return outcomes[f];
		const cut = stopping.truncate(model, rounds);
		return {
			predictions: family.predict(cut, folds[f].valid.features),
			model: family.save(cut),
			detail: family.describe(cut)
		};
	});
}
