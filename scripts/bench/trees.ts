/**
 * `npm run bench:trees -- <train.csv> --test <test.csv> --target <col> [--rounds 100 --max-depth 6
 *  --learning-rate 0.1 --max-bins 255 --threads 1 --repeat 1 --exact-gradients]`
 * `npm run bench:trees -- --synthetic 200000x20 [same options]`: a generated numeric binary-classification
 *  table (train and test written to a temporary folder), the reference workload.
 *
 * Trains Hunch's gradient boosting with exactly these settings (depth-wise growth to `--max-depth`, as XGBoost
 * does; λ = 1, min hessian 1, like XGBoost's defaults), then — when /usr/bin/python3 has XGBoost
 * (../shared/bench/setup.sh) — XGBoost `hist` with the same settings on the same files in the same run.
 * Prints one JSON line: fitSeconds (wall), fitCpuSeconds (the process's CPU time over the fit), predictMicrosPerRow
 * (single rows through the serving path), the test metric, XGBoost's numbers and the ratios. `--repeat N` fits each side N times, alternating (ours, then
 * XGBoost's), and reports each side's fastest and every pair's ratio. No thresholds: numbers. `--threads N` applies to both: Hunch then
 * builds each large node's histogram by feature blocks on N threads (`fitGradientBoostingParallel`, worker
 * start-up included in its fit time).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTableFile } from '../../src/lib/engine/ingest/read-table';
import { prepareTreeData } from '../../src/lib/engine/prep/tree-data';
import { fitGradientBoostingParallel, predict, predictRowRaw } from '../../src/lib/engine/trees/gbdt';
import { createRandom } from '../../src/lib/engine/trees/random';
import { auc, logLoss, rmse } from '../../src/lib/engine/metrics/metrics';

const args = process.argv.slice(2);
const flag = (name: string, fallback?: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : fallback;
};
const positional = args.filter((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));

const settings = {
	rounds: Number(flag('rounds', '100')),
	maxDepth: Number(flag('max-depth', '6')),
	learningRate: Number(flag('learning-rate', '0.1')),
	maxBins: Number(flag('max-bins', '255')),
	threads: Number(flag('threads', '1')),
	/** Fits this many times (each side) and reports the fastest: this machine's timings vary run to run. */
	repeat: Math.max(1, Number(flag('repeat', '1'))),
	/** Fit with exact gradients instead of the default quantized ones (to compare the two). */
	exactGradients: args.includes('--exact-gradients')
};

/** A numeric binary problem with interactions and noise, written as CSV. */
function writeSynthetic(spec: string, dir: string): { train: string; test: string; target: string } {
	const [rows, cols] = spec.split('x').map(Number);
	const random = createRandom(42);
	const write = (file: string, n: number) => {
		const lines = [[...Array.from({ length: cols }, (_, j) => `x${j}`), 'y'].join(',')];
		for (let i = 0; i < n; i++) {
			const x = Array.from({ length: cols }, () => random() * 2 - 1);
			const signal = x[0] * 2 + x[1] * x[2] * 3 - Math.abs(x[3]) + Math.sin(3 * x[4]) + 0.5 * x[5] * x[5];
			const y = signal + (random() - 0.5) * 2 > 0 ? 1 : 0;
			lines.push([...x.map((v) => v.toFixed(5)), y].join(','));
		}
		fs.writeFileSync(file, lines.join('\n') + '\n');
	};
	const train = path.join(dir, 'train.csv');
	const test = path.join(dir, 'test.csv');
	write(train, rows);
	write(test, Math.max(1000, Math.round(rows / 4)));
	return { train, test, target: 'y' };
}

const XGBOOST_SCRIPT = `
import json, sys, time
import numpy as np, pandas as pd, xgboost as xgb
from sklearn.metrics import roc_auc_score, log_loss, mean_squared_error
s = json.loads(sys.argv[1])
tr, te = pd.read_csv(s["train"]), pd.read_csv(s["test"])
y, yt = tr.pop(s["target"]), te.pop(s["target"])
for X in (tr, te):
    for c in X.columns:
        if X[c].dtype == object: X[c] = X[c].astype("category")
te = te.astype({c: pd.CategoricalDtype(tr[c].cat.categories) for c in tr.columns if str(tr[c].dtype) == "category"})
cls = s["task"] != "regression"
kw = dict(tree_method="hist", n_estimators=s["rounds"], max_depth=s["maxDepth"], learning_rate=s["learningRate"],
          max_bin=s["maxBins"], n_jobs=s["threads"], enable_categorical=True, random_state=0)
if cls:
    classes = sorted(y.unique()); code = {c: i for i, c in enumerate(classes)}
    fit = cpu = float("inf")
    for _ in range(s["repeat"]):
        m = xgb.XGBClassifier(**kw); t0, c0 = time.time(), time.process_time(); m.fit(tr, y.map(code))
        fit, cpu = min(fit, time.time() - t0), min(cpu, time.process_time() - c0)
    p = m.predict_proba(te)
    out = {"fitSeconds": fit, "fitCpuSeconds": cpu}
    if s["task"] == "binary": out["testAuc"] = roc_auc_score(yt.map(code), p[:, 1])
    out["testLogloss"] = log_loss(yt.map(code), p, labels=list(range(len(classes))))
else:
    fit = cpu = float("inf")
    for _ in range(s["repeat"]):
        m = xgb.XGBRegressor(**kw); t0, c0 = time.time(), time.process_time(); m.fit(tr, y)
        fit, cpu = min(fit, time.time() - t0), min(cpu, time.process_time() - c0)
    out = {"fitSeconds": fit, "fitCpuSeconds": cpu, "testRmse": float(np.sqrt(mean_squared_error(yt, m.predict(te))))}
row = te.iloc[[0]]
t0 = time.time()
for _ in range(200): m.predict(row) if not cls else m.predict_proba(row)
out["predictMicrosPerRow"] = (time.time() - t0) / 200 * 1e6
print(json.dumps(out))
`;

async function main() {
	let train = positional[0];
	let test = flag('test');
	let target = flag('target');
	const synthetic = flag('synthetic');
	if (synthetic) {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunch-bench-trees-'));
		({ train, test, target } = writeSynthetic(synthetic, dir));
	}
	if (!train || !test || !target) {
		console.error('usage: npm run bench:trees -- <train.csv> --test <test.csv> --target <column> [options]');
		process.exit(2);
	}
	const trainFrame = (await readTableFile(train)).frame;
	const testFrame = (await readTableFile(test)).frame;
	const prepared = prepareTreeData(trainFrame, target);
	const testData = prepared.apply(testFrame);
	const task = prepared.task;
	const loss = task === 'regression' ? 'squared_error' : task === 'binary' ? 'logistic' : 'softmax';

	// More than one thread: each large node's histogram is built by feature blocks on worker threads (their
	// start-up is timed too).
	const fit = () =>
		fitGradientBoostingParallel(
			{ features: prepared.features, y: prepared.y, categorical: prepared.categorical },
			{
				loss,
				rounds: settings.rounds,
				maxDepth: settings.maxDepth,
				maxLeaves: Infinity,
				learningRate: settings.learningRate,
				maxBins: settings.maxBins,
				l2: 1,
				minSamplesLeaf: 1,
				minHessianLeaf: 1,
				catL2: 0,
				seed: 0,
				quantizedGradients: !settings.exactGradients
			},
			{ threads: settings.threads }
		);
	// Wall time, and the CPU time of the whole process (helper threads, compiler and GC included): on this shared
	// VM the wall clock also counts time the machine was busy elsewhere, which CPU time does not.
	const timedFit = async () => {
		const started = performance.now();
		const cpu = process.cpuUsage();
		const model = await fit();
		const used = process.cpuUsage(cpu);
		return {
			model,
			seconds: (performance.now() - started) / 1000,
			cpuSeconds: (used.user + used.system) / 1e6
		};
	};
	// XGBoost (when installed) fits right after each of our fits, so both sides of a pair see the same machine:
	// this VM's speed drifts by ±20% over minutes, which a run of ours followed by a run of theirs would read as
	// a difference between the two.
	const python = '/usr/bin/python3';
	const probe = spawnSync(python, ['-c', 'import xgboost, pandas, sklearn'], { encoding: 'utf8' });
	const xgboostOnce = (): Record<string, number> | { error: string } => {
		const run = spawnSync(
			python,
			['-c', XGBOOST_SCRIPT, JSON.stringify({ train, test, target, task, ...settings, repeat: 1 })],
			{ encoding: 'utf8', maxBuffer: 1 << 24 }
		);
		return run.status === 0
			? JSON.parse(run.stdout.trim().split('\n').pop()!)
			: { error: run.stderr.trim().split('\n').pop() ?? `exit ${run.status}` };
	};
	let model: Awaited<ReturnType<typeof fit>> | undefined;
	let fitSeconds = Infinity;
	let fitCpuSeconds = Infinity;
	let xgb: Record<string, number> | { error: string } | null = null;
	let xgbFitSeconds = Infinity;
	let xgbFitCpuSeconds = Infinity;
	const pairRatios: number[] = [];
	for (let attempt = 0; attempt < settings.repeat; attempt++) {
		const timed = await timedFit();
		model ??= timed.model;
		fitSeconds = Math.min(fitSeconds, timed.seconds);
		fitCpuSeconds = Math.min(fitCpuSeconds, timed.cpuSeconds);
		if (probe.status !== 0 || (xgb && 'error' in xgb)) continue;
		xgb = xgboostOnce();
		if ('error' in xgb) continue;
		xgbFitSeconds = Math.min(xgbFitSeconds, xgb.fitSeconds);
		xgbFitCpuSeconds = Math.min(xgbFitCpuSeconds, xgb.fitCpuSeconds);
		pairRatios.push(timed.seconds / xgb.fitSeconds);
	}
	const p = predict(model!, testData.features);
	const rowCount = testData.y.length;
	const row = new Float64Array(prepared.features.length);
	const repeats = Math.min(rowCount, 2000);
	// Served models answer many rows: time the steady state, after a first pass has compiled the path.
	for (let r = 0; r < repeats; r++) {
		for (let f = 0; f < row.length; f++) row[f] = testData.features[f][r];
		predictRowRaw(model!, row);
	}
	const t0 = performance.now();
	for (let r = 0; r < repeats; r++) {
		for (let f = 0; f < row.length; f++) row[f] = testData.features[f][r];
		predictRowRaw(model!, row);
	}
	const predictMicrosPerRow = ((performance.now() - t0) * 1000) / repeats;
	const hunch: Record<string, number> = {
		fitSeconds,
		fitCpuSeconds,
		predictMicrosPerRow,
		threads: settings.threads
	};
	if (task === 'binary') hunch.testAuc = auc(testData.y, p);
	if (task !== 'regression')
		hunch.testLogloss = logLoss(testData.y, p, model!.outputs === 1 ? 2 : model!.outputs);
	else hunch.testRmse = rmse(testData.y, p);

	const result: Record<string, unknown> = {
		train: path.basename(train),
		rows: prepared.y.length,
		features: prepared.features.length,
		task,
		...settings,
		hunch
	};
	if (probe.status !== 0) result.xgboost = { skipped: 'XGBoost not installed: run ../shared/bench/setup.sh' };
	else if (!xgb || 'error' in xgb) result.xgboost = xgb ?? { error: 'XGBoost did not run' };
	else {
		result.xgboost = { ...xgb, fitSeconds: xgbFitSeconds, fitCpuSeconds: xgbFitCpuSeconds };
		result.ratios = {
			fitTime: fitSeconds / xgbFitSeconds,
			// Each of our fits over the XGBoost fit right after it: the spread says how far to trust fitTime.
			fitTimePerPair: pairRatios.map((r) => +r.toFixed(3)),
			fitCpuTime: fitCpuSeconds / xgbFitCpuSeconds,
			predictMicrosPerRow: predictMicrosPerRow / xgb.predictMicrosPerRow,
			...(hunch.testAuc !== undefined ? { aucDifference: hunch.testAuc - xgb.testAuc } : {}),
			...(hunch.testRmse !== undefined ? { rmse: hunch.testRmse / xgb.testRmse } : {}),
			...(hunch.testLogloss !== undefined ? { logloss: hunch.testLogloss / xgb.testLogloss } : {})
		};
	}
	console.log(JSON.stringify(result));
}

await main();
