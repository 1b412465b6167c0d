/**
 * Everything the model report shows, computed once after training from the held-out data, within a time
 * budget, and stored in the artifact (`artifact.explanations`):
 *
 *   out-of-fold predictions ─► evaluation curves, bootstrap intervals, naive baseline, weak segments (cheap)
 *   held-out rows, fold models ─► permutation importance (sample sized to the budget)
 *   background rows, served model ─► partial dependence + ICE for the top columns
 *   a sample of rows ─► per-row contributions ─► mean |contribution| per column
 *
 * Cheap parts first, so a short budget still yields a complete report with smaller samples. The work yields to
 * the event loop between steps, so a server worker keeps heart-beating.
 */
import type { ModelArtifact } from '../automl/artifact';
import { selectRows } from '../frame/select';
import { explainFrame } from './contributions';
import { dependenceGrid, partialDependence, type DependenceCurve } from './dependence';
import { predictBlended } from '../automl/predict';
import {
	baseline,
	bootstrapIntervals,
	evaluate,
	type Baseline,
	type Evaluation,
	type Interval
} from './evaluation';
import { evenRows, evenSample, pause, type HeldOutData } from './held-out';
import { permutationImportance } from './importance';
import { rowErrors, weakSegments, type WeakSegment } from './segments';
import { summarise } from './words';

export const EXPLANATIONS_VERSION = 1;

export interface ColumnExplanation {
	column: string;
	/** Mean drop of the run's metric when the column is shuffled, and its spread over repeats. */
	drop: number;
	spread: number;
	/** Mean |contribution| over the sampled rows (summed over classes): how far it moves a prediction. */
	meanAbsContribution: number;
}

export interface ModelExplanations {
	version: typeof EXPLANATIONS_VERSION;
	seconds: number;
	/** Columns, most important first (by permutation importance). */
	importance: ColumnExplanation[];
	importanceMetric: string;
	/** The model's average prediction per output: where each row's contributions start. */
	contributionBase: number[];
	dependence: DependenceCurve[];
	evaluation: Evaluation;
	/** 95% bootstrap intervals of the out-of-fold metrics. */
	intervals: Record<string, Interval>;
	baseline: Baseline;
	segments: WeakSegment[];
	/** Plain-language findings, most important first. */
	summary: string[];
	/** How many rows each part used (they are sampled on big tables). */
	rows: {
		evaluation: number;
		importance: number;
		importanceRepeats: number;
		dependence: number;
		contributions: number;
	};
}

export interface ExplainOptions {
	/** Epoch ms by which the explanations should be done. */
	deadline: number;
	seed?: number;
	now?: () => number;
	signal?: AbortSignal;
}

/**
 * Seconds for a model's explanations after a search of `limitSeconds`: a fifth of it (so well under a
 * quarter), at least 2 s. Parts are sampled to fit, so a short budget gives smaller samples, not missing charts.
 */
export function explanationBudget(limitSeconds: number): number {
	return Math.max(2, limitSeconds * 0.2);
}

/** How many columns get partial dependence curves. */
const DEPENDENCE_COLUMNS = 6;
/** Rows each dependence curve averages over: at most, and the fewest worth drawing. */
const MAX_BACKGROUND_ROWS = 300;
const MIN_BACKGROUND_ROWS = 20;

export async function explainModel(
	artifact: ModelArtifact,
	heldOut: HeldOutData,
	options: ExplainOptions
): Promise<ModelExplanations> {
	const now = options.now ?? Date.now;
	const started = now();
	const budget = Math.max(500, options.deadline - started);
	const at = (share: number) => started + budget * share;
	const checkCancelled = () => {
		if (options.signal?.aborted) throw new Error('The run was cancelled.');
	};
	const classes = artifact.target.classes;
	const classCount = artifact.task === 'regression' ? 1 : classes.length;
	const scoredY = Float64Array.from(heldOut.scoredRows, (i) => heldOut.y[i]);

	// 1. From the out-of-fold predictions alone.
	const evaluation = evaluate(artifact.task, scoredY, heldOut.oof, classes, artifact.threshold);
	const intervals = bootstrapIntervals(artifact.task, scoredY, heldOut.oof, classCount, artifact.threshold, {
		seed: options.seed
	});
	const naive = baseline(artifact.task, scoredY, classes, artifact.threshold);
	const segments = weakSegments(
		heldOut.frame,
		heldOut.scoredRows,
		rowErrors(artifact.task, scoredY, heldOut.oof, classCount),
		artifact.task
	);
	await pause();
	checkCancelled();

	// 2. Permutation importance on held-out rows: up to 45% of the budget.
	const importance = await permutationImportance(artifact, heldOut, {
		seed: options.seed,
		deadline: at(0.45),
		now
	});
	checkCancelled();

	// 3. Partial dependence of the top columns: up to 70%.
	const plottable = importance.columns
		.map((c) => c.column)
		.filter((name) => {
			const type = artifact.inputColumns.find((c) => c.name === name)?.type;
			return type === 'numeric' || type === 'datetime' || type === 'boolean' || type === 'categorical';
		});
	const dependence: DependenceCurve[] = [];
	/** Background rows of the smallest curve drawn (0: none). */
	let dependenceRows = 0;
	// Each curve predicts (background rows × grid points) rows with the whole ensemble, which for nearest
	// neighbours or a network over many fold models can cost milliseconds a row: time a few rows first and size
	// every curve to its share of the budget (a 2,000-row table once spent 33 s here on a 2.5 s budget).
	const probe = evenRows(heldOut.frame, 20);
	const probeStarted = now();
	predictBlended(artifact, probe);
	const msPerRow = Math.max(1e-4, (now() - probeStarted) / Math.max(1, probe.rowCount));
	for (const name of plottable.slice(0, DEPENDENCE_COLUMNS)) {
		const column = heldOut.frame.columns.find((c) => c.name === name)!;
		const points = dependenceGrid(column)?.labels.length ?? 0;
		if (points === 0) continue;
		const share = (at(0.7) - now()) / Math.max(1, DEPENDENCE_COLUMNS - dependence.length);
		const affordable = Math.floor(share / (msPerRow * points));
		// Below the smallest useful sample: stop. The first curve is drawn anyway unless even its smallest sample
		// would cost the whole budget (a report without any curve is worse than a short overrun; an ensemble of
		// three families' fold models predicts at about a millisecond a row, so 20 rows × 20 points take 0.4 s).
		const smallest = MIN_BACKGROUND_ROWS * points * msPerRow;
		if (affordable < MIN_BACKGROUND_ROWS && (dependence.length > 0 || smallest > budget)) break;
		const backgroundRows = Math.max(MIN_BACKGROUND_ROWS, Math.min(MAX_BACKGROUND_ROWS, affordable));
		dependence.push(...partialDependence(artifact, heldOut.frame, [name], { backgroundRows }));
		const used = Math.min(backgroundRows, heldOut.frame.rowCount);
		dependenceRows = dependenceRows === 0 ? used : Math.min(dependenceRows, used);
		await pause();
		checkCancelled();
		if (now() > at(0.7)) break;
	}

	// 4. Per-row contributions on a sample: the rest of the budget (at least 20 rows).
	const contributionRows = await sampleContributions(
		artifact,
		heldOut,
		options.deadline,
		now,
		checkCancelled
	);
	const meanAbs = new Float64Array(artifact.inputColumns.length);
	const C = meanAbs.length;
	for (const set of contributionRows.sets)
		for (let i = 0; i < set.rowCount; i++)
			for (let c = 0; c < C; c++)
				for (let k = 0; k < set.outputs; k++)
					meanAbs[c] += Math.abs(set.values[(i * C + c) * set.outputs + k]) / contributionRows.rows;

	const columnIndex = new Map(artifact.inputColumns.map((c, i) => [c.name, i]));
	const explained: ColumnExplanation[] = importance.columns.map((c) => ({
		column: c.column,
		drop: c.drop,
		spread: c.spread,
		meanAbsContribution: meanAbs[columnIndex.get(c.column)!] ?? 0
	}));
	const result: ModelExplanations = {
		version: EXPLANATIONS_VERSION,
		seconds: 0,
		importance: explained,
		importanceMetric: artifact.metric,
		contributionBase: contributionRows.base,
		dependence,
		evaluation,
		intervals,
		baseline: naive,
		segments,
		summary: [],
		rows: {
			evaluation: scoredY.length,
			importance: importance.rows,
			importanceRepeats: importance.repeats,
			dependence: dependenceRows,
			contributions: contributionRows.rows
		}
	};
	result.summary = summarise(artifact, result);
	result.seconds = (now() - started) / 1000;
	return result;
}

/**
 * Contributions of as many evenly spread rows as the deadline allows (at most 500), in chunks sized from the
 * time per row measured so far, so the last chunk does not run past the deadline. The first chunk is one row
 * (none when earlier parts used the budget up): a slow explainer (nearest neighbours or a network sampled over
 * many fold models: seconds a row) must not overrun the budget before its speed is known.
 */
async function sampleContributions(
	artifact: ModelArtifact,
	heldOut: HeldOutData,
	deadline: number,
	now: () => number,
	checkCancelled: () => void
) {
	const all = Uint32Array.from({ length: heldOut.frame.rowCount }, (_, i) => i);
	const order = evenSample(all, 500);
	const sets = [];
	let rows = 0;
	let base: number[] = [];
	// One row first, and none once the budget is spent: a slow explainer's cost is known only after a row.
	let chunk = deadline > now() ? 1 : 0;
	let spent = 0;
	for (let from = 0; from < order.length && chunk > 0; ) {
		const started = now();
		const set = explainFrame(artifact, selectRows(heldOut.frame, order.subarray(from, from + chunk)));
		spent += now() - started;
		sets.push(set);
		base = Array.from(set.base);
		rows += set.rowCount;
		from += set.rowCount;
		await pause();
		checkCancelled();
		const perRow = spent / rows;
		chunk = Math.max(0, Math.min(40, Math.floor((deadline - now()) / Math.max(perRow, 1e-3))));
	}
	return { sets, rows, base };
}
