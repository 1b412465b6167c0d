/**
 * The model's explanations in a few plain sentences for an analyst: how much better than guessing it is,
 * which columns drive it and in which direction, which barely matter, and where it is weak.
 */
import type { ModelArtifact } from '../automl/artifact';
import { METRICS } from '../automl/scoring';
import type { DependenceCurve } from './dependence';
import { formatNumber } from './evaluation';
import type { ModelExplanations } from './explain';

const percent = (p: number) => `${Math.round(p * 100)}%`;

/** What the words need to know about the model: its task and target. */
export type ModelOutputs = Pick<ModelArtifact, 'task'> & {
	target: Pick<ModelArtifact['target'], 'name' | 'classes'>;
};

/** The output a curve's values are in (a noun phrase without its article), and how to print them. */
function outputWords(artifact: ModelOutputs, k: number): { what: string; show: (v: number) => string } {
	if (artifact.task === 'regression')
		return { what: `predicted ${artifact.target.name}`, show: formatNumber };
	const label = artifact.task === 'binary' ? artifact.target.classes[1] : artifact.target.classes[k];
	return { what: `chance of "${label}"`, show: percent };
}

/** The output whose curve moves most (multiclass), else 0. */
function liveliestOutput(curve: DependenceCurve): number {
	let best = 0;
	let bestRange = -1;
	curve.average.forEach((line, k) => {
		const range = Math.max(...line) - Math.min(...line);
		if (range > bestRange) [best, bestRange] = [k, range];
	});
	return best;
}

/** "the chance of "yes" falls from 45% at tenure 2 to 8% at tenure 58" and the like. */
export function describeDependence(artifact: ModelOutputs, curve: DependenceCurve): string {
	const k = liveliestOutput(curve);
	const line = curve.average[k];
	const { what, show } = outputWords(artifact, k);
	if (curve.kind === 'numeric') {
		const first = line[0];
		const last = line[line.length - 1];
		const from = curve.labels[0];
		const to = curve.labels[curve.labels.length - 1];
		if (show(first) === show(last))
			return `the ${what} is about the same (${show(first)}) at ${curve.column} ${from} and at ${to}; it moves in between`;
		return `the ${what} ${last > first ? 'rises' : 'falls'} from ${show(first)} at ${curve.column} ${from} to ${show(last)} at ${to}`;
	}
	let high = 0;
	let low = 0;
	line.forEach((v, g) => {
		if (v > line[high]) high = g;
		if (v < line[low]) low = g;
	});
	if (high === low) return `the ${what} is the same whatever ${curve.column} is`;
	return `${curve.column} "${curve.labels[high]}" gives the highest ${what} (${show(line[high])}), "${curve.labels[low]}" the lowest (${show(line[low])})`;
}

function scoreSentence(artifact: ModelArtifact, explanations: ModelExplanations): string {
	const metric = METRICS[artifact.metric];
	const score = artifact.metrics[artifact.metric];
	const interval = explanations.intervals[artifact.metric];
	const naive = explanations.baseline.metrics[artifact.metric];
	const range = interval ? ` (95% range ${formatNumber(interval.low)}–${formatNumber(interval.high)})` : '';
	const head = `On rows it never saw, the model's ${metric.label} is ${formatNumber(score)}${range}`;
	if (!Number.isFinite(naive)) return `${head}.`;
	if (!metric.higherIsBetter && naive > 0) {
		const better = 1 - score / naive;
		return `${head}, ${better > 0 ? `${percent(better)} lower than` : 'no better than'} ${explanations.baseline.description} (${formatNumber(naive)}).`;
	}
	return `${head}; ${explanations.baseline.description} scores ${formatNumber(naive)}.`;
}

export function summarise(artifact: ModelArtifact, explanations: ModelExplanations): string[] {
	const out = [scoreSentence(artifact, explanations)];
	const [top, ...rest] = explanations.importance.filter((c) => c.drop > 0);
	if (top) {
		const curve = explanations.dependence.find((d) => d.column === top.column);
		out.push(
			curve
				? `${top.column} matters most: ${describeDependence(artifact, curve)}.`
				: `${top.column} matters most.`
		);
		const next = rest.slice(0, 2).map((c) => c.column);
		if (next.length) out.push(`Next come ${next.join(' and ')}.`);
	}
	const idle = explanations.importance.filter((c) => c.drop <= Math.max(0, c.spread)).map((c) => c.column);
	if (idle.length && idle.length < explanations.importance.length)
		out.push(
			`${idle.length === 1 ? '1 column barely matters' : `${idle.length} columns barely matter`} to the model: ${idle.slice(0, 5).join(', ')}${idle.length > 5 ? ', …' : ''}.`
		);
	if (explanations.segments.length) out.push(`Weakest where: ${explanations.segments[0].text}`);
	return out;
}
