/**
 * The model report as one self-contained HTML document (inline CSS, inline SVG charts, no script): for a
 * manager who will never log in. The same document is shown for printing and offered as a download.
 */
import type { ModelSummary } from '$lib/engine/automl/artifact';
import type { ModelExplanations } from '$lib/engine/explain/explain';
import type { Task } from '$lib/engine/prep/target';
import { FAMILY_WORDS, METRIC_WORDS, TASK_WORDS, formatScore } from '$lib/ui/automl-words';
import { reportCharts, type ChartSpec } from './charts';
import { barChartSvg, escapeXml as e, xyChartSvg } from './svg';

export interface ReportModel {
	name: string;
	datasetName: string;
	target: string;
	task: Task;
	metric: string;
	metrics: Record<string, number>;
	createdAt: Date;
	summary: ModelSummary;
	explanations: ModelExplanations | null;
}

function chartHtml(spec: ChartSpec): string {
	let body: string;
	if (spec.kind === 'xy') body = xyChartSvg(spec);
	else if (spec.kind === 'bar') body = barChartSvg(spec);
	else
		body = `<table><thead><tr>${spec.head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${spec.rows
			.map(
				(row, r) =>
					`<tr>${row
						.map((cell, c) =>
							c === 0
								? `<th scope="row">${e(cell)}</th>`
								: `<td${spec.heat ? ` style="background:rgba(58,110,165,${((spec.heat[r]?.[c] ?? 0) * 0.55).toFixed(3)})"` : ''}>${e(cell)}</td>`
						)
						.join('')}</tr>`
			)
			.join('')}</tbody></table>`;
	return `<section class="chart" id="${e(spec.id)}"><h3>${e(spec.title)}</h3>${spec.finding ? `<p class="finding">${e(spec.finding)}</p>` : ''}${body}<p class="read">${e(spec.read)}</p></section>`;
}

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.muted, .read { color: #555; } .read { font-size: 0.85rem; } .finding { font-weight: 600; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 0 1.5rem; }
.chart svg { width: 100%; height: auto; }
section, table, svg { break-inside: avoid; page-break-inside: avoid; }
.warning { color: #9b1c1c; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
`;

export function renderReportHtml(model: ReportModel, generatedAt = new Date()): string {
	const { summary, explanations: x } = model;
	const metricLabel = METRIC_WORDS[model.metric]?.label ?? model.metric;
	const charts = x ? reportCharts({ task: model.task, target: summary.target }, x, metricLabel) : [];
	const metricRows = Object.entries(model.metrics)
		.map(([name, value]) => {
			const range = x?.intervals[name];
			return `<tr><td>${e(METRIC_WORDS[name]?.label ?? name)}</td><td>${formatScore(value, name)}</td>${
				x
					? `<td>${range ? `${formatScore(range.low, name)} – ${formatScore(range.high, name)}` : '–'}</td><td>${formatScore(x.baseline.metrics[name], name)}</td>`
					: ''
			}<td class="muted">${e(METRIC_WORDS[name]?.explain ?? '')}</td></tr>`;
		})
		.join('');
	const members = [...summary.members]
		.sort((a, b) => b.weight - a.weight)
		.map((m) => `<li>${e(FAMILY_WORDS[m.family]?.label ?? m.family)}: ${Math.round(m.weight * 100)}%</li>`)
		.join('');
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(model.name)} · model report · Hunch</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${e(model.name)}</h1>
<p class="muted">Predicts <strong>${e(model.target)}</strong> (${e(TASK_WORDS[model.task]?.label.toLowerCase() ?? model.task)}) from ${summary.inputColumns.length} columns of ${e(model.datasetName)}. Trained ${e(model.createdAt.toISOString().slice(0, 10))} on ${summary.training.rows.toLocaleString('en-US')} rows; ${summary.training.trials} models tried.</p>
</header>
<main>
<h2>How good is it?</h2>
<p>${e(metricLabel)}: <strong>${formatScore(model.metrics[model.metric], model.metric)}</strong> <span class="muted">${e(METRIC_WORDS[model.metric]?.explain ?? '')}</span></p>
<p class="muted">Measured on rows the model did not learn from (${e(summary.validation.description)}, ${summary.validation.rows.toLocaleString('en-US')} rows).${x ? ` The range is where the score would likely fall on other data like this (95%); “guessing” is ${e(x.baseline.description)}.` : ''}</p>
<table><thead><tr><th>Measure</th><th>Value</th>${x ? '<th>95% range</th><th>Guessing</th>' : ''}<th>What it means</th></tr></thead><tbody>${metricRows}</tbody></table>
${x ? `<h2>What the model learned</h2><ul>${x.summary.map((s) => `<li>${e(s)}</li>`).join('')}</ul>` : '<p class="muted">This model has no explanations (trained by an older version of Hunch).</p>'}
${x?.segments.length ? `<h2>Where it is weaker</h2><ul>${x.segments.map((s) => `<li>${e(s.text)}</li>`).join('')}</ul>` : ''}
${summary.warnings.length ? `<h2>Things to know</h2><ul>${summary.warnings.map((w) => `<li class="warning">${e(w)}</li>`).join('')}</ul>` : ''}
${charts.length ? `<h2>Charts</h2><div class="charts">${charts.map(chartHtml).join('\n')}</div>` : ''}
<h2>What it is made of</h2>
<p class="muted">The final model blends the best models found, each with a share of the vote.</p>
<ul>${members}</ul>
</main>
<footer><p class="muted">Generated by Hunch on ${e(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p></footer>
</body>
</html>`;
}
