/**
 * `npm run bench:nn [-- --rows 100000 --features 30 --epochs 20 --backends wasm,cpu]`
 *
 * Trains the MLP (2 × 128 hidden, batch 512, no early stopping) on a generated binary table of `--rows` rows
 * and `--features` numeric features (a non-linear rule plus noise) on every TensorFlow.js backend that loads
 * on this machine, in the same run, and prints per backend: training samples per second, seconds, and the
 * AUC on 20,000 held-out rows, so the backend order is justified by numbers. One JSON line at the end.
 */
import { fitMlp, predictMlp } from '../../src/lib/engine/nn/mlp';
import { BACKEND_NAMES, loadComputeBackend, type BackendName } from '../../src/lib/engine/nn/backend';
import { allScores } from '../../src/lib/engine/automl/scoring';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROWS = flag('rows', 100_000);
const FEATURES = flag('features', 30);
const EPOCHS = flag('epochs', 20);
const TEST_ROWS = 20_000;
/** --backends wasm,cpu: only these (default: every one). */
const only = args.includes('--backends') ? args[args.indexOf('--backends') + 1].split(',') : null;

function table(n: number, seed: number) {
	let s = seed >>> 0;
	const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
	const features = Array.from({ length: FEATURES }, () => new Float64Array(n));
	const y = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		for (let f = 0; f < FEATURES; f++) features[f][i] = next() * 2 - 1;
		const x = (f: number) => features[f % FEATURES][i];
		const score = Math.sin(3 * x(0)) + x(1) * x(2) * 2 + Math.abs(x(3)) - 0.5 + 0.5 * x(4) + (next() - 0.5);
		y[i] = score > 0 ? 1 : 0;
	}
	return { features, y, categorical: new Uint8Array(FEATURES) };
}

const train = table(ROWS, 1);
const test = table(TEST_ROWS, 2);
const results: {
	backend: BackendName;
	label: string;
	samplesPerSecond: number;
	seconds: number;
	auc: number;
}[] = [];
const skipped: { backend: BackendName; reason: string }[] = [];

for (const name of BACKEND_NAMES) {
	if (only && !only.includes(name)) continue;
	const loaded = await loadComputeBackend({ forced: name }).catch((err: Error) => err);
	if (loaded instanceof Error || loaded.name !== name) {
		const reason =
			loaded instanceof Error ? loaded.message : loaded.attempts.find((a) => a.backend === name)?.reason;
		skipped.push({ backend: name, reason: reason ?? 'did not load' });
		continue;
	}
	const started = performance.now();
	const model = fitMlp(
		loaded.tf,
		{ ...train, task: 'binary' },
		{
			layers: 2,
			hidden: 128,
			dropout: 0.1,
			learningRate: 3e-3,
			weightDecay: 1e-4,
			batchSize: 512,
			maxEpochs: EPOCHS,
			classWeight: 'none',
			seed: 1
		}
	);
	const seconds = (performance.now() - started) / 1000;
	const p = predictMlp(model, test.features);
	const auc = allScores('binary', test.y, p, 1, 0.5).auc;
	results.push({
		backend: name,
		label: loaded.label,
		samplesPerSecond: Math.round((ROWS * model.epochs) / seconds),
		seconds: Number(seconds.toFixed(1)),
		auc: Number(auc.toFixed(4))
	});
	console.log(
		`${loaded.label.padEnd(40)} ${String(results.at(-1)!.samplesPerSecond).padStart(9)} samples/s  ${seconds.toFixed(1).padStart(6)} s  AUC ${auc.toFixed(4)}`
	);
}
for (const s of skipped) console.log(`${s.backend.padEnd(40)} not available: ${s.reason}`);
console.log(
	JSON.stringify({
		bench: 'nn',
		rows: ROWS,
		features: FEATURES,
		epochs: EPOCHS,
		hidden: [128, 128],
		results,
		skipped
	})
);
