/**
 * `npm run bench:automl-summary -- <results.csv | bench.log>... [--amlb ../shared/amlb-results/extracted_medians_2021Q3.csv]`
 *
 * Summarises a run of ../shared/bench/bench.py (its `--out` CSV, or its stdout, one JSON object per line): for
 * each dataset, every system's mean over the seeds of the task's primary metric (AUC for two classes, log loss for
 * more, RMSE for regression), the best baseline (picked on the test set, as the AutoML issue's target reads),
 * and whether Hunch beats or ties it or by how much it is behind (AUC points, or percent of log loss or RMSE).
 * Then: how many datasets Hunch wins or ties, whether every loss is within 0.01 AUC / 2%, the failed runs, and
 * Hunch's slowest fit. With `--amlb`, the published AMLB 2021Q3 medians of AutoGluon and FLAML at one hour on
 * eight cores are added for the datasets they cover (other splits: 10-fold CV; context, not a comparison).
 * Prints a markdown table; no thresholds are asserted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';

type Task = 'binary' | 'multiclass' | 'regression';
interface Run {
	dataset: string;
	task: Task;
	seed: string;
	system: string;
	status: string;
	value: number;
	fitSeconds: number;
}

const PRIMARY: Record<Task, { column: string; label: string; higherIsBetter: boolean }> = {
	binary: { column: 'auc', label: 'AUC', higherIsBetter: true },
	multiclass: { column: 'logloss', label: 'log loss', higherIsBetter: false },
	regression: { column: 'rmse', label: 'RMSE', higherIsBetter: false }
};
/** The AutoML issue's margins: a loss counts as close within 0.01 AUC, or 2% of log loss or RMSE. */
const AUC_MARGIN = 0.01;
const RELATIVE_MARGIN = 0.02;

const args = process.argv.slice(2);
const amlbAt = args.indexOf('--amlb');
const amlbFile = amlbAt >= 0 ? args[amlbAt + 1] : undefined;
const inputs = args.filter((a, i) => !a.startsWith('--') && !(amlbAt >= 0 && i === amlbAt + 1));
if (inputs.length === 0) {
	console.error('usage: bench:automl-summary <results.csv | bench.log>... [--amlb extracted_medians.csv]');
	process.exit(2);
}

function readRecords(file: string): Record<string, string>[] {
	const text = readFileSync(file, 'utf8');
	if (file.endsWith('.csv')) {
		const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
		if (parsed.errors.length > 0)
			throw new Error(`${file}: row ${parsed.errors[0].row}: ${parsed.errors[0].message}`);
		return parsed.data;
	}
	return text
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => {
			const record = JSON.parse(line) as Record<string, unknown>;
			return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v == null ? '' : String(v)]));
		});
}

function toRun(record: Record<string, string>, file: string): Run {
	const task = record.task as Task;
	if (!(task in PRIMARY)) throw new Error(`${file}: ${record.dataset}: unknown task "${record.task}"`);
	return {
		dataset: record.dataset,
		task,
		seed: record.seed,
		system: record.system,
		status: record.status,
		value: Number(record[PRIMARY[task].column]),
		fitSeconds: Number(record.fit_s)
	};
}

const runs = inputs.flatMap((file) => readRecords(file).map((r) => toRun(r, file)));

/** AMLB medians by our file's base name, framework and metric (1 hour budget only). */
function readAmlb(file: string): Map<string, number> {
	const parsed = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), {
		header: true,
		skipEmptyLines: true
	});
	const medians = new Map<string, number>();
	for (const row of parsed.data) {
		if (row.budget !== '1h') continue;
		medians.set(`${path.basename(row.dataset_file, '.csv')}|${row.framework}`, Number(row.median));
	}
	return medians;
}
const amlb = amlbFile ? readAmlb(amlbFile) : null;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const digits = (task: Task, value: number) =>
	task === 'regression' && Math.abs(value) >= 100 ? 2 : task === 'regression' && Math.abs(value) >= 1 ? 3 : 4;

const datasets = [...new Set(runs.map((r) => r.dataset))];
const header = ['dataset', 'metric', 'seeds', 'Hunch', 'best baseline', 'verdict'];
if (amlb) header.push('AutoGluon 1h', 'FLAML 1h');
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
let compared = 0;
let wins = 0;
const farBehind: string[] = [];
for (const dataset of datasets) {
	const ok = runs.filter((r) => r.dataset === dataset && r.status === 'ok' && Number.isFinite(r.value));
	// Every system is averaged over the seeds Hunch has a result for (a run still going has fewer).
	const seeds = new Set(ok.filter((r) => r.system === 'hunch').map((r) => r.seed));
	const own = ok.filter((r) => seeds.has(r.seed));
	if (own.length === 0) continue;
	const task = own[0].task;
	const { label, higherIsBetter } = PRIMARY[task];
	const bySystem = new Map<string, number[]>();
	for (const r of own) bySystem.set(r.system, [...(bySystem.get(r.system) ?? []), r.value]);
	const hunchValues = bySystem.get('hunch');
	const baselines = [...bySystem.entries()]
		.filter(([s]) => s !== 'hunch')
		.map(([s, v]) => [s, mean(v)] as const);
	if (!hunchValues || baselines.length === 0) continue;
	const hunch = mean(hunchValues);
	const [bestName, best] = baselines.reduce((a, b) => ((higherIsBetter ? b[1] > a[1] : b[1] < a[1]) ? b : a));
	const behind = higherIsBetter ? best - hunch : (hunch - best) / best;
	const places = digits(task, best);
	let verdict: string;
	compared++;
	if (behind <= 0) {
		wins++;
		verdict = 'win';
	} else {
		verdict = higherIsBetter ? `−${behind.toFixed(4)}` : `+${(behind * 100).toFixed(2)}%`;
		if (behind > (higherIsBetter ? AUC_MARGIN : RELATIVE_MARGIN)) farBehind.push(`${dataset} (${verdict})`);
	}
	const cells = [
		dataset,
		label,
		String(hunchValues.length),
		hunch.toFixed(places),
		`${bestName} ${best.toFixed(places)}`,
		verdict
	];
	if (amlb) {
		for (const framework of ['AutoGluon_benchmark', 'flaml']) {
			const value = amlb.get(`${dataset}|${framework}`);
			cells.push(value === undefined ? '' : value.toFixed(places));
		}
	}
	lines.push(`| ${cells.join(' | ')} |`);
}
console.log(lines.join('\n'));

const failures = runs.filter((r) => r.status !== 'ok');
const hunchFits = runs.filter((r) => r.system === 'hunch' && r.status === 'ok').map((r) => r.fitSeconds);
console.log();
console.log(
	`Hunch beats or ties the best baseline on ${wins} of ${compared} datasets; ` +
		(farBehind.length === 0
			? `every loss within ${AUC_MARGIN} AUC / ${RELATIVE_MARGIN * 100}%.`
			: `behind by more than ${AUC_MARGIN} AUC / ${RELATIVE_MARGIN * 100}% on ${farBehind.join(', ')}.`)
);
console.log(
	failures.length === 0
		? 'No failed runs.'
		: `Failed runs: ${failures.map((r) => `${r.dataset} seed ${r.seed} ${r.system} (${r.status})`).join('; ')}.`
);
if (hunchFits.length > 0)
	console.log(
		`Hunch's train command took ${Math.min(...hunchFits).toFixed(1)}–${Math.max(...hunchFits).toFixed(1)} s ` +
			`(${hunchFits.length} runs, wall clock from bench.py, Node start included).`
	);
