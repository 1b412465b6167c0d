/**
 * `npm run bench:linear [-- --manifest ../shared/datasets/manifest.json]`
 *
 * Hunch's linear models against scikit-learn's on the same rows and the same inputs: for every dataset of the
 * manifest, a seeded 75/25 split, Hunch's feature encoding and design matrix (standardised numbers with
 * missing indicators, one-hot categories) written once and given to both, the same L2 strength
 * (λ = 1/n, scikit-learn's default C = 1 / alpha = 1·n). Hunch fits L-BFGS (logistic, multinomial) or the
 * ridge normal equations; scikit-learn fits LogisticRegression(lbfgs) or Ridge. Prints per dataset the test
 * metric of each (AUC, accuracy or RMSE), the largest difference between their predictions, and one JSON
 * line. Needs /usr/bin/python3 with scikit-learn (`../shared/bench/setup.sh`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allScores } from '../../src/lib/engine/automl/scoring';
import { selectRows } from '../../src/lib/engine/frame/select';
import { isMissing } from '../../src/lib/engine/frame/types';
import { readTableFile } from '../../src/lib/engine/ingest/read-table';
import { designMatrix, fitDesign } from '../../src/lib/engine/linear/design';
import { fitLinear, predictLinear } from '../../src/lib/engine/linear/linear';
import { encodeFeatures, fitEncoder } from '../../src/lib/engine/prep/encoder';
import { describeTarget, encodeTarget } from '../../src/lib/engine/prep/target';

const args = process.argv.slice(2);
const manifestPath = path.resolve(
	args.includes('--manifest') ? args[args.indexOf('--manifest') + 1] : '../shared/datasets/manifest.json'
);
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
	name: string;
	file: string;
	target: string;
	task: 'binary' | 'multiclass' | 'regression';
}[];

const PYTHON = `
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
d = sys.argv[1]
task, lam = sys.argv[2], float(sys.argv[3])
X = np.loadtxt(d + '/x_train.csv', delimiter=',', ndmin=2)
y = np.loadtxt(d + '/y_train.csv', delimiter=',')
T = np.loadtxt(d + '/x_test.csv', delimiter=',', ndmin=2)
n = X.shape[0]
if task == 'regression':
    m = Ridge(alpha=lam * n).fit(X, y)
    p = m.predict(T)
else:
    m = LogisticRegression(C=1.0 / (lam * n), max_iter=5000, tol=1e-8).fit(X, y.astype(int))
    p = m.predict_proba(T)
    p = p[:, 1] if task == 'binary' else p
print(json.dumps(np.asarray(p).ravel().tolist()))
`;

function shuffle(n: number, seed: number): number[] {
	let s = seed >>> 0;
	const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
	const order = Array.from({ length: n }, (_, i) => i);
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[order[i], order[j]] = [order[j], order[i]];
	}
	return order;
}

const csv = (x: Float64Array, n: number, d: number) =>
	Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)).join(',')).join('\n') + '\n';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunch-bench-linear-'));
const rows: Record<string, unknown>[] = [];
try {
	for (const entry of manifest) {
		const { frame } = await readTableFile(path.join(path.dirname(manifestPath), entry.file), {
			fileName: entry.file
		});
		const targetColumn = frame.columns.find((c) => c.name === entry.target)!;
		const known = Array.from({ length: frame.rowCount }, (_, i) => i).filter(
			(i) => !isMissing(targetColumn, i)
		);
		const order = shuffle(known.length, 1).map((j) => known[j]);
		const cut = Math.round(order.length * 0.75);
		const train = selectRows(frame, order.slice(0, cut));
		const test = selectRows(frame, order.slice(cut));
		const info = describeTarget(train.columns.find((c) => c.name === entry.target)!, entry.task);
		const yTrain = encodeTarget(train.columns.find((c) => c.name === entry.target)!, info);
		const yTest = encodeTarget(test.columns.find((c) => c.name === entry.target)!, info);
		const encoder = fitEncoder(train, [entry.target]);
		const fTrain = encodeFeatures(encoder, train).features;
		const fTest = encodeFeatures(encoder, test).features;
		const categorical = Uint8Array.from(encoder.features, (f) => (f.categorical ? 1 : 0));
		const lambda = 1 / train.rowCount;
		const classCount = info.task === 'regression' ? 1 : info.classes.length;
		const model = fitLinear(
			{ features: fTrain, y: yTrain, categorical, task: info.task, classCount },
			{ l2: lambda }
		);
		const ours = predictLinear(model, fTest);

		const design = fitDesign(fTrain, categorical);
		const d = design.width;
		fs.writeFileSync(
			path.join(dir, 'x_train.csv'),
			csv(designMatrix(design, fTrain, train.rowCount), train.rowCount, d)
		);
		fs.writeFileSync(path.join(dir, 'y_train.csv'), Array.from(yTrain).join('\n') + '\n');
		fs.writeFileSync(
			path.join(dir, 'x_test.csv'),
			csv(designMatrix(design, fTest, test.rowCount), test.rowCount, d)
		);
		const py = spawnSync('/usr/bin/python3', ['-c', PYTHON, dir, info.task, String(lambda)], {
			encoding: 'utf8',
			maxBuffer: 1 << 28
		});
		if (py.status !== 0) throw new Error(`scikit-learn failed on ${entry.name}: ${py.stderr}`);
		const theirs = Float64Array.from(JSON.parse(py.stdout) as number[]);

		const width = info.task === 'multiclass' ? classCount : 1;
		const metric = info.task === 'binary' ? 'auc' : info.task === 'multiclass' ? 'accuracy' : 'rmse';
		const score = (p: Float64Array) => allScores(info.task, yTest, p, width, 0.5)[metric];
		let maxDiff = 0;
		for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
		const row = {
			dataset: entry.name,
			task: info.task,
			rows: frame.rowCount,
			inputs: d,
			metric,
			hunch: Number(score(ours).toFixed(4)),
			sklearn: Number(score(theirs).toFixed(4)),
			maxPredictionDifference: Number(maxDiff.toPrecision(3))
		};
		rows.push(row);
		console.log(
			`${entry.name.padEnd(22)} ${info.task.padEnd(11)} ${metric.padEnd(9)} hunch ${String(row.hunch).padEnd(7)} sklearn ${String(row.sklearn).padEnd(7)} max |Δprediction| ${row.maxPredictionDifference}`
		);
	}
} finally {
	fs.rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ bench: 'linear', results: rows }));
