/**
 * The deployment page's usage charts as report chart specs (drawn by ReportChart): requests and errors,
 * rows predicted, and latency p50/p95 over time, each with a sentence on what it shows.
 */
import type { ChartSpec, Point } from '$lib/report/charts';

export interface UsageBucket {
	/** Start of the bucket, ISO time. */
	at: string;
	requests: number;
	rows: number;
	errors: number;
	p50Ms: number | null;
	p95Ms: number | null;
}

/** A deployment's usage over a period (`deploymentUsage` on the server computes it from the prediction log). */
export interface Usage {
	fromIso: string;
	bucketSeconds: number;
	buckets: UsageBucket[];
	totals: Omit<UsageBucket, 'at'>;
}

const n = (v: number) => v.toLocaleString('en-US');
const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

function tickLabel(iso: string, bucketSeconds: number): string {
	const d = new Date(iso);
	const time = d.toISOString().slice(11, 16);
	return bucketSeconds >= 86_400 ? d.toISOString().slice(5, 10) : `${time}`;
}

export function usageCharts(usage: Usage, hours: number): ChartSpec[] {
	const ticks = usage.buckets.map((b) => tickLabel(b.at, usage.bucketSeconds));
	const series = (pick: (b: UsageBucket) => number | null): Point[] =>
		usage.buckets.flatMap((b, x) => {
			const y = pick(b);
			return y === null ? [] : [{ x, y }];
		});
	const { totals } = usage;
	const period = `the last ${hours === 1 ? 'hour' : `${hours} hours`}`;
	const failed = totals.requests ? (100 * totals.errors) / totals.requests : 0;
	const xLabel = `Time (UTC, every ${usage.bucketSeconds >= 3600 ? `${usage.bucketSeconds / 3600} h` : `${Math.round(usage.bucketSeconds / 60)} min`})`;
	return [
		{
			kind: 'xy',
			id: 'usage-requests',
			title: 'Requests',
			read: 'Prediction requests answered in each interval; errors are requests refused (bad input, no key, too many).',
			finding: totals.requests
				? `${n(totals.requests)} requests in ${period}; ${n(totals.errors)} (${failed.toFixed(1)}%) were refused.`
				: `No requests in ${period}.`,
			xLabel,
			yLabel: 'Requests',
			xTickLabels: ticks,
			series: [
				{ label: 'Requests', points: series((b) => b.requests), line: true },
				{ label: 'Errors', points: series((b) => b.errors), line: true }
			]
		},
		{
			kind: 'xy',
			id: 'usage-rows',
			title: 'Rows predicted',
			read: 'Rows scored in each interval (a batch request counts each of its rows).',
			finding: totals.rows ? `${n(totals.rows)} rows predicted in ${period}.` : undefined,
			xLabel,
			yLabel: 'Rows',
			xTickLabels: ticks,
			series: [{ label: 'Rows', points: series((b) => b.rows), line: true }]
		},
		{
			kind: 'xy',
			id: 'usage-latency',
			title: 'Time to answer',
			read: 'Half of the answered requests took less than the median (p50); 95 in 100 took less than p95. Measured inside Hunch, from request to answer.',
			finding:
				totals.p50Ms !== null && totals.p95Ms !== null
					? `Median ${ms(totals.p50Ms)}, 95th percentile ${ms(totals.p95Ms)} in ${period}.`
					: undefined,
			xLabel,
			yLabel: 'Milliseconds',
			xTickLabels: ticks,
			series: [
				{ label: 'p50', points: series((b) => b.p50Ms), line: true },
				{ label: 'p95', points: series((b) => b.p95Ms), line: true }
			]
		}
	];
}
