import { describe, expect, it } from 'vitest';
import { artifactSummary } from '$lib/engine/automl/artifact';
import { trainAutoML } from '$lib/engine/automl/train';
import type { DataFrame } from '$lib/engine/frame/types';
import { churn } from '$lib/engine/testing/tables';
import { reportCharts } from './charts';
import { renderReportHtml } from './report-html';
import { niceTicks } from './svg';

async function model(frame: DataFrame, target: string) {
	const artifact = await trainAutoML(frame, {
		target,
		timeLimitSeconds: 30,
		maxTrials: 1,
		models: ['gbdt'],
		explainSeconds: 3
	});
	return {
		name: `<script>alert(1)</script> ${target}`,
		datasetName: 'churn & co.csv',
		target,
		task: artifact.task,
		metric: artifact.metric,
		metrics: artifact.metrics,
		createdAt: new Date('2026-01-02T03:04:05Z'),
		summary: artifactSummary(artifact),
		explanations: artifact.explanations!
	};
}

describe('the model report', () => {
	it('is one script-free document with every chart, names escaped, for each task', async () => {
		const data = churn(400, 2);
		const regression: DataFrame = {
			rowCount: 400,
			columns: data.columns.filter((c) => c.name !== 'churned')
		};
		for (const m of [
			await model(data, 'churned'),
			await model(data, 'plan'),
			await model(regression, 'spend')
		]) {
			const html = renderReportHtml(m);
			expect(html).not.toMatch(/<script/i);
			expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
			expect(html).toContain('churn &#38; co.csv');
			const charts = reportCharts({ task: m.task, target: m.summary.target }, m.explanations, m.metric);
			for (const chart of charts) expect(html).toContain(`id="${chart.id}"`);
			const drawn = charts.filter((c) => c.kind !== 'table').length;
			expect(html.match(/<svg /g)?.length).toBe(drawn);
			expect(html).not.toContain('NaN');
			expect(html).toContain('What the model learned');
		}
	}, 60_000);

	it('picks round axis ticks', () => {
		expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
		expect(niceTicks(-3, 47, 5)).toEqual([0, 10, 20, 30, 40]);
	});
});
