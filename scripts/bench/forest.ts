/**
 * `npm run bench:forest -- <train.csv> --test <test.csv> --target <col> [--trees 300 --extra-trees
 *  --max-features <fraction> --min-samples-leaf 1 --seed 0 --repeat 3]`
 *
 * Fits Hunch's random forest (or extremely randomised trees) with these settings on one thread, then — when
 * /usr/bin/python3 has scikit-learn (../shared/bench/setup.sh) — scikit-learn's RandomForest / ExtraTrees with
 * the same settings on the same files, right after each of ours (`--repeat` pairs; this machine's speed drifts
 * over minutes). Features as bench.py's forest baseline: categories as ordinal codes, missing numbers as the
 * median. `--max-features` defaults to scikit-learn's: all features for regression, √features for classes.
 * Prints one JSON line: each side's fastest fit (wall and process CPU seconds), the test metric, and the ratios.
 * No thresholds: numbers.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { readTableFile } from '../../src/lib/engine/ingest/read-table';
import { prepareTreeData } from '../../src/lib/engine/prep/tree-data';
import { fitForest, predictForest } from '../../src/lib/engine/trees/forest';
import { auc, logLoss, rmse } from '../../src/lib/engine/metrics/metrics';

const args = process.argv.slice(2);
const flag = (name: string, fallback?: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : fallback;
};
const positional = args.filter((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));

const settings = {
	trees: Number(flag('trees', '300')),
	extraTrees: args.includes('--extra-trees'),
	maxFeatures: flag('max-features'),
	minSamplesLeaf: Number(flag('min-samples-leaf', '1')),
	/** Both sides' random seed (scikit-learn's random_state). */
	seed: Number(flag('seed', '0')),
	repeat: Math.max(1, Number(flag('repeat', '3')))
};

const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np, pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor, ExtraTreesClassifier, ExtraTreesRegressor
from sklearn.metrics import roc_auc_score, log_loss, mean_squared_error
s = json.loads(sys.argv[1])
tr, te = pd.read_csv(s["train"]), pd.read_csv(s["test"])
y, yt = tr.pop(s["target"]), te.pop(s["target"])
for c in tr.columns:
    if tr[c].dtype == object:
        codes = {v: i for i, v in enumerate(sorted(tr[c].dropna().astype(str).unique()))}
        for X in (tr, te): X[c] = X[c].astype(str).map(codes).fillna(-1)
    else:
        m = tr[c].median()
        for X in (tr, te): X[c] = X[c].fillna(m)
cls = s["task"] != "regression"
Model = {(False, False): RandomForestRegressor, (False, True): ExtraTreesRegressor,
         (True, False): RandomForestClassifier, (True, True): ExtraTreesClassifier}[(cls, s["extraTrees"])]
kw = dict(n_estimators=s["trees"], min_samples_leaf=s["minSamplesLeaf"], n_jobs=1, random_state=s["seed"],
          max_features=float(s["maxFeatures"]))
t0, c0 = time.time(), time.process_time()
model = Model(**kw).fit(tr, y.astype(str) if cls else y)
out = {"fitSeconds": time.time() - t0, "fitCpuSeconds": time.process_time() - c0}
if cls:
    p = model.predict_proba(te)
    classes = list(model.classes_)
    yt = yt.astype(str)
    if s["task"] == "binary": out["testAuc"] = roc_auc_score((yt == classes[1]).astype(int), p[:, 1])
    out["testLogloss"] = log_loss(yt, np.clip(p, 1e-15, 1), labels=classes)
else:
    out["testRmse"] = float(np.sqrt(mean_squared_error(yt, model.predict(te))))
print(json.dumps(out))
`;

async function main() {
	const train = positional[0];
	const test = flag('test');
	const target = flag('target');
	if (!train || !test || !target) {
		console.error('usage: npm run bench:forest -- <train.csv> --test <test.csv> --target <column> [options]');
		process.exit(2);
	}
	const prepared = prepareTreeData((await readTableFile(train)).frame, target);
	const testData = prepared.apply((await readTableFile(test)).frame);
	const task = prepared.task;
	const width = prepared.features.length;
	const maxFeatures =
		settings.maxFeatures !== undefined
			? Number(settings.maxFeatures)
			: task === 'regression'
				? 1
				: Math.sqrt(width) / width;
	const fit = () =>
		fitForest(
			{
				features: prepared.features,
				y: prepared.y,
				categorical: prepared.categorical,
				task: task === 'regression' ? 'regression' : 'classification',
				classCount: prepared.target.classes.length || undefined
			},
			{
				trees: settings.trees,
				extraTrees: settings.extraTrees,
				bootstrap: !settings.extraTrees,
				maxFeatures,
				minSamplesLeaf: settings.minSamplesLeaf,
				seed: settings.seed
			}
		);

	const python = '/usr/bin/python3';
	const probe = spawnSync(python, ['-c', 'import sklearn, pandas'], { encoding: 'utf8' });
	const sklearnOnce = (): Record<string, number> | { error: string } => {
		const run = spawnSync(
			python,
			['-c', SKLEARN_SCRIPT, JSON.stringify({ train, test, target, task, ...settings, maxFeatures })],
			{ encoding: 'utf8', maxBuffer: 1 << 24 }
		);
		return run.status === 0
			? JSON.parse(run.stdout.trim().split('\n').pop()!)
			: { error: run.stderr.trim().split('\n').pop() ?? `exit ${run.status}` };
	};

	let model: ReturnType<typeof fit> | undefined;
	let fitSeconds = Infinity;
	let fitCpuSeconds = Infinity;
	let sklearn: Record<string, number> | { error: string } | null = null;
	let sklearnFitSeconds = Infinity;
	let sklearnFitCpuSeconds = Infinity;
	const pairRatios: number[] = [];
	for (let attempt = 0; attempt < settings.repeat; attempt++) {
		const started = performance.now();
		const cpu = process.cpuUsage();
		model = fit();
		const used = process.cpuUsage(cpu);
		const seconds = (performance.now() - started) / 1000;
		fitSeconds = Math.min(fitSeconds, seconds);
		fitCpuSeconds = Math.min(fitCpuSeconds, (used.user + used.system) / 1e6);
		if (probe.status !== 0 || (sklearn && 'error' in sklearn)) continue;
		sklearn = sklearnOnce();
		if ('error' in sklearn) continue;
		sklearnFitSeconds = Math.min(sklearnFitSeconds, sklearn.fitSeconds);
		sklearnFitCpuSeconds = Math.min(sklearnFitCpuSeconds, sklearn.fitCpuSeconds);
		pairRatios.push(seconds / sklearn.fitSeconds);
	}
	const p = predictForest(model!, testData.features);
	const hunch: Record<string, number> = { fitSeconds, fitCpuSeconds, trees: model!.trees.length };
	if (task === 'binary') hunch.testAuc = auc(testData.y, p);
	if (task !== 'regression') hunch.testLogloss = logLoss(testData.y, p, Math.max(2, model!.outputs));
	else hunch.testRmse = rmse(testData.y, p);

	const result: Record<string, unknown> = {
		train: path.basename(train),
		rows: prepared.y.length,
		features: width,
		task,
		...settings,
		maxFeatures,
		hunch
	};
	if (probe.status !== 0)
		result.sklearn = { skipped: 'scikit-learn not installed: run ../shared/bench/setup.sh' };
	else if (!sklearn || 'error' in sklearn) result.sklearn = sklearn ?? { error: 'scikit-learn did not run' };
	else {
		result.sklearn = { ...sklearn, fitSeconds: sklearnFitSeconds, fitCpuSeconds: sklearnFitCpuSeconds };
		result.ratios = {
			fitTime: fitSeconds / sklearnFitSeconds,
			fitTimePerPair: pairRatios.map((r) => +r.toFixed(3)),
			fitCpuTime: fitCpuSeconds / sklearnFitCpuSeconds,
			...(hunch.testAuc !== undefined ? { aucDifference: hunch.testAuc - sklearn.testAuc } : {}),
			...(hunch.testRmse !== undefined ? { rmse: hunch.testRmse / sklearn.testRmse } : {}),
			...(hunch.testLogloss !== undefined ? { logloss: hunch.testLogloss / sklearn.testLogloss } : {})
		};
	}
	console.log(JSON.stringify(result));
}

await main();
