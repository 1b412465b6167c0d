/**
 * The model report's charts as data: what each shows, one sentence on how to read it, and one on what it says
 * about this model. The model page draws them with chart.js, the printable report as inline SVG; both read
 * these specs, so the two never disagree.
 */
import type { CalibrationBin, Evaluation } from '$lib/engine/explain/evaluation';
import type { ModelExplanations } from '$lib/engine/explain/explain';
import { describeDependence, type ModelOutputs } from '$lib/engine/explain/words';

export interface Point {
	x: number;
	y: number;
}

export interface Series {
	label: string;
	points: Point[];
	/** Drawn as a line (else as dots). */
	line: boolean;
	/** A reference line (diagonal, chance): grey and dashed. */
	reference?: boolean;
	/** Many thin lines of the same kind (ICE): light and not in the legend. */
	faint?: boolean;
}

interface SpecBase {
	id: string;
	title: string;
	/** How to read the chart, in one sentence. */
	read: string;
	/** What it says about this model, in one sentence (when there is something to say). */
	finding?: string;
}

export interface XYSpec extends SpecBase {
	kind: 'xy';
	xLabel: string;
	yLabel: string;
	series: Series[];
	xRange?: [number, number];
	yRange?: [number, number];
	/** Tick labels for x positions 0, 1, … (dependence on a date shown by its dates); else numbers. */
	xTickLabels?: string[];
}

export interface BarSpec extends SpecBase {
	kind: 'bar';
	labels: string[];
	values: number[];
	/** ± whiskers per bar. */
	errors?: number[];
	horizontal?: boolean;
	valueLabel: string;
}

export interface TableSpec extends SpecBase {
	kind: 'table';
	head: string[];
	rows: string[][];
	/** Per body cell, 0–1: shading for a heat map (confusion matrices). */
	heat?: number[][];
}

export type ChartSpec = XYSpec | BarSpec | TableSpec;

const pct = (v: number) => `${Math.round(v * 100)}%`;
const num = (v: number | null | undefined, digits = 3) =>
	v === null || v === undefined || !Number.isFinite(v) ? '–' : String(Number(v.toFixed(digits)));

function importanceChart(x: ModelExplanations, metricLabel: string): BarSpec {
	const top = x.importance.slice(0, 15);
	return {
		kind: 'bar',
		id: 'importance',
		title: 'Which columns matter',
		read: `Each bar is how much the model's ${metricLabel} gets worse when that column's values are shuffled among rows it never saw; longer bars matter more, and the whisker shows the spread over ${x.rows.importanceRepeats} shuffles.`,
		finding: x.summary[1],
		labels: top.map((c) => c.column),
		values: top.map((c) => Math.max(0, c.drop)),
		errors: top.map((c) => c.spread),
		horizontal: true,
		valueLabel: `Drop in ${metricLabel}`
	};
}

function dependenceCharts(x: ModelExplanations, model: ModelOutputs): ChartSpec[] {
	const classes = model.target.classes;
	const outputLabel =
		model.task === 'regression'
			? `Predicted ${model.target.name}`
			: model.task === 'binary'
				? `Chance of "${classes[1]}"`
				: 'Chance of each class';
	return x.dependence.map((curve): ChartSpec => {
		const finding = `${describeDependence(model, curve)}.`.replace(/^./, (c) => c.toUpperCase());
		const read = `The ${curve.kind === 'numeric' ? 'line' : 'bar'} is the model's average prediction when every row's ${curve.column} is set to the value shown and everything else is left as it was${curve.ice.length ? '; thin grey lines follow single rows' : ''}.`;
		const title = `How ${curve.column} moves the prediction`;
		if (curve.kind === 'categorical' && model.task !== 'multiclass')
			return {
				kind: 'bar',
				id: `dependence-${curve.column}`,
				title,
				read,
				finding,
				labels: curve.labels,
				values: curve.average[0],
				valueLabel: outputLabel
			};
		const dates = curve.values !== null && curve.labels.some((l) => /^\d{4}-\d\d-\d\d$/.test(l));
		const xs = (g: number) => (curve.values && !dates ? curve.values[g] : g);
		const series: Series[] = curve.ice.map((line, j) => ({
			label: `row ${j + 1}`,
			points: line.map((y, g) => ({ x: xs(g), y })),
			line: true,
			faint: true
		}));
		curve.average.forEach((line, k) =>
			series.push({
				label: model.task === 'multiclass' ? classes[k] : 'Average',
				points: line.map((y, g) => ({ x: xs(g), y })),
				line: true
			})
		);
		return {
			kind: 'xy',
			id: `dependence-${curve.column}`,
			title,
			read,
			finding,
			xLabel: curve.column,
			yLabel: outputLabel,
			series,
			xTickLabels: curve.values && !dates ? undefined : curve.labels,
			yRange: model.task === 'regression' ? undefined : [0, 1]
		};
	});
}

function confusionTable(
	id: string,
	title: string,
	classes: string[],
	matrix: number[][],
	read: string,
	finding?: string
): TableSpec {
	const max = Math.max(1, ...matrix.flat());
	return {
		kind: 'table',
		id,
		title,
		read,
		finding,
		head: ['Actual ↓ / predicted →', ...classes],
		rows: matrix.map((row, a) => [classes[a], ...row.map((v) => v.toLocaleString('en-US'))]),
		heat: matrix.map((row) => [0, ...row.map((v) => v / max)])
	};
}

/** A grey dashed reference line (the diagonal, chance). */
function referenceLine(label: string, from: Point, to: Point): Series {
	return { label, points: [from, to], line: true, reference: true };
}

/** The reliability diagram, binary or multiclass: predicted chance against what happened, by group. */
function calibrationChart(
	bins: CalibrationBin[],
	words: { read: string; xLabel: string; yLabel: string }
): XYSpec {
	const weightedGap =
		bins.reduce((s, b) => s + b.count * Math.abs(b.predicted - b.observed), 0) /
		Math.max(
			1,
			bins.reduce((s, b) => s + b.count, 0)
		);
	return {
		kind: 'xy',
		id: 'calibration',
		title: 'Are its chances honest?',
		...words,
		finding: `Its chances are off by ${Math.round(weightedGap * 100)} percentage points on average.`,
		series: [
			{ label: 'Model', points: bins.map((b) => ({ x: b.predicted, y: b.observed })), line: true },
			referenceLine('Perfect', { x: 0, y: 0 }, { x: 1, y: 1 })
		],
		xRange: [0, 1],
		yRange: [0, 1]
	};
}

function binaryCharts(e: Extract<Evaluation, { kind: 'binary' }>): ChartSpec[] {
	const [no, yes] = e.classes;
	const [[, fp], [fn, tp]] = e.confusion;
	const positives = tp + fn;
	const flagged = tp + fp;
	const top20 = e.gains.find((g) => Math.abs(g.population - 0.2) < 1e-9);
	return [
		confusionTable(
			'confusion',
			'Right and wrong answers',
			[no, yes],
			e.confusion,
			`Rows are what really happened, columns what the model said, on rows it never saw; the diagonal is right answers. A row is called "${yes}" when its chance is at least ${pct(e.threshold)}.`,
			`It catches ${tp.toLocaleString('en-US')} of the ${positives.toLocaleString('en-US')} "${yes}" rows (${pct(tp / Math.max(1, positives))}), and ${pct(tp / Math.max(1, flagged))} of the rows it calls "${yes}" really are.`
		),
		{
			kind: 'xy',
			id: 'roc',
			title: 'ROC curve',
			read: `Each point is a threshold: how many "${yes}" rows are caught (up) against how many "${no}" rows are falsely flagged (right). The closer to the top-left corner, the better; the diagonal is guessing.`,
			finding: `Area under the curve ${num(e.roc.auc)}: a random "${yes}" row gets a higher chance than a random "${no}" row ${pct(e.roc.auc)} of the time.`,
			xLabel: `False alarms (share of "${no}" flagged)`,
			yLabel: `Caught (share of "${yes}" found)`,
			series: [
				{ label: 'Model', points: e.roc.points.map((p) => ({ x: p.fpr, y: p.tpr })), line: true },
				referenceLine('Guessing', { x: 0, y: 0 }, { x: 1, y: 1 })
			],
			xRange: [0, 1],
			yRange: [0, 1]
		},
		{
			kind: 'xy',
			id: 'precision-recall',
			title: 'Precision and recall',
			read: `Each point is a threshold: the share of "${yes}" rows found (right) against how often a "${yes}" call is correct (up). The dashed line is guessing.`,
			finding: `Average precision ${num(e.precisionRecall.averagePrecision)}, against ${num(e.precisionRecall.positiveRate)} for guessing (the share of "${yes}" rows).`,
			xLabel: 'Recall (share found)',
			yLabel: 'Precision (share of calls right)',
			series: [
				{
					label: 'Model',
					points: e.precisionRecall.points.map((p) => ({ x: p.recall, y: p.precision })),
					line: true
				},
				referenceLine(
					'Guessing',
					{ x: 0, y: e.precisionRecall.positiveRate },
					{ x: 1, y: e.precisionRecall.positiveRate }
				)
			],
			xRange: [0, 1],
			yRange: [0, 1]
		},
		calibrationChart(e.calibration, {
			read: `Rows are grouped by the chance the model gave; each dot is a group's average chance (right) against how often "${yes}" really happened (up). On the diagonal, a 30% chance means 30% of such rows.`,
			xLabel: 'Predicted chance',
			yLabel: 'What happened'
		}),
		{
			kind: 'xy',
			id: 'gains',
			title: 'Cumulative gains',
			read: `Rows sorted by the model's chance, highest first: the share of all "${yes}" rows found (up) in the top share of rows (right). The dashed line is a random order.`,
			finding: top20
				? `The top 20% of rows hold ${pct(top20.captured)} of all "${yes}" rows: ${num(top20.lift, 1)}× what a random 20% would.`
				: undefined,
			xLabel: 'Share of rows, highest chance first',
			yLabel: `Share of "${yes}" found`,
			series: [
				{
					label: 'Model',
					points: [{ x: 0, y: 0 }, ...e.gains.map((g) => ({ x: g.population, y: g.captured }))],
					line: true
				},
				referenceLine('Random', { x: 0, y: 0 }, { x: 1, y: 1 })
			],
			xRange: [0, 1],
			yRange: [0, 1]
		},
		{
			kind: 'table',
			id: 'thresholds',
			title: 'Choosing a threshold',
			read: `A row is called "${yes}" when its chance is at least the threshold. A lower threshold catches more (recall) but with more false alarms (precision); the model uses ${pct(e.threshold)}.`,
			head: ['Threshold', 'Precision', 'Recall', 'F1', `Rows called "${yes}"`],
			rows: e.thresholds.map((t) => [
				`${Number((t.threshold * 100).toFixed(1))}%${Math.abs(t.threshold - e.threshold) < 1e-9 ? ' (used)' : ''}`,
				t.precision === null ? '–' : pct(t.precision),
				pct(t.recall),
				num(t.f1),
				pct(t.flagged)
			])
		}
	];
}

function multiclassCharts(e: Extract<Evaluation, { kind: 'multiclass' }>): ChartSpec[] {
	const worst = [...e.perClass]
		.filter((c) => c.support > 0)
		.sort((a, b) => (a.recall ?? 0) - (b.recall ?? 0))[0];
	return [
		confusionTable(
			'confusion',
			'Right and wrong answers',
			e.classes,
			e.confusion,
			'Rows are the real class, columns the class the model picked, on rows it never saw; the diagonal is right answers.',
			worst
				? `"${worst.label}" is the hardest class: ${pct(worst.recall ?? 0)} of its rows are recognised.`
				: undefined
		),
		{
			kind: 'table',
			id: 'per-class',
			title: 'Per class',
			read: 'Precision: of the rows given this class, the share that had it. Recall: of the rows that had it, the share found.',
			head: ['Class', 'Precision', 'Recall', 'F1', 'Rows'],
			rows: e.perClass.map((c) => [
				c.label,
				c.precision === null ? '–' : pct(c.precision),
				c.recall === null ? '–' : pct(c.recall),
				num(c.f1),
				c.support.toLocaleString('en-US')
			])
		},
		calibrationChart(e.calibration, {
			read: 'Rows are grouped by how sure the model was of its pick; each dot is a group’s average confidence (right) against how often the pick was right (up). On the diagonal, 70% sure means right 70% of the time.',
			xLabel: 'Confidence in the picked class',
			yLabel: 'Share right'
		})
	];
}

function regressionCharts(e: Extract<Evaluation, { kind: 'regression' }>, target: string): ChartSpec[] {
	const values = e.sample.flatMap((s) => [s.actual, s.predicted]);
	const low = Math.min(...values);
	const high = Math.max(...values);
	const worst = [...e.deciles]
		.map((d, i) => ({ ...d, i }))
		.sort((a, b) => b.meanAbsoluteError - a.meanAbsoluteError)[0];
	const decileLabel = (i: number) =>
		i === 0 ? 'lowest 10%' : i === 9 ? 'highest 10%' : `${i * 10}–${i * 10 + 10}%`;
	return [
		{
			kind: 'xy',
			id: 'predicted-actual',
			title: 'Predicted against actual',
			read: `Each dot is a row the model never saw: its real ${target} (right) and the prediction (up). On the dashed diagonal the prediction is exact.`,
			xLabel: `Actual ${target}`,
			yLabel: `Predicted ${target}`,
			series: [
				{ label: 'Rows', points: e.sample.map((s) => ({ x: s.actual, y: s.predicted })), line: false },
				referenceLine('Exact', { x: low, y: low }, { x: high, y: high })
			]
		},
		{
			kind: 'xy',
			id: 'residuals',
			title: 'Errors against predictions',
			read: 'Each dot is a row: its prediction (right) and how far off it was (up; above zero the model guessed too low). A shapeless band around zero is what a good model leaves.',
			xLabel: `Predicted ${target}`,
			yLabel: 'Actual − predicted',
			series: [
				{
					label: 'Rows',
					points: e.sample.map((s) => ({ x: s.predicted, y: s.actual - s.predicted })),
					line: false
				}
			]
		},
		{
			kind: 'bar',
			id: 'residual-histogram',
			title: 'How big the errors are',
			read: 'How many rows missed by how much (actual − predicted); a tall narrow peak at zero is best.',
			labels: e.residualHistogram.map((b) => num((b.from + b.to) / 2, 2)),
			values: e.residualHistogram.map((b) => b.count),
			valueLabel: 'Rows'
		},
		{
			kind: 'bar',
			id: 'error-by-decile',
			title: 'Error by predicted value',
			read: 'Rows split into ten equal groups by their prediction, lowest first; each bar is the group’s average error.',
			finding: worst
				? `Errors are largest for the ${decileLabel(worst.i)} of predictions (average error ${num(worst.meanAbsoluteError, 2)}).`
				: undefined,
			labels: e.deciles.map((_, i) => decileLabel(i)),
			values: e.deciles.map((d) => d.meanAbsoluteError),
			valueLabel: 'Average error'
		}
	];
}

/** Every chart of the report, in reading order. */
export function reportCharts(model: ModelOutputs, x: ModelExplanations, metricLabel: string): ChartSpec[] {
	const e = x.evaluation;
	const evaluation =
		e.kind === 'binary'
			? binaryCharts(e)
			: e.kind === 'multiclass'
				? multiclassCharts(e)
				: regressionCharts(e, model.target.name);
	return [importanceChart(x, metricLabel), ...dependenceCharts(x, model), ...evaluation];
}
