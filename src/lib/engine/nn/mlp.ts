/**
 * A multilayer perceptron for tables. Inputs: numbers standardised (missing → 0 with a "was missing"
 * indicator, clipped to ±10 sd), categories through learned embeddings (frequent codes only; rare, unseen and
 * missing share row 0). Hidden layers: dense → layer norm → ReLU → dropout. Trained with Adam and decoupled
 * weight decay (AdamW) on a cosine schedule with warm-up, in mini-batches, with early stopping on the
 * validation rows (the best epoch's weights are kept), optional balanced class weights, within the deadline
 * and the abort signal. Deterministic for a seed on the CPU and wasm backends: weights are initialised and
 * batches shuffled by our own seeded generator, dropout masks are seeded per step.
 *
 * Training runs on TensorFlow.js (the backend chosen at start, `backend.ts`); the fitted model is plain typed
 * arrays, and prediction is a forward pass in TypeScript, so serving a model needs no TensorFlow.js at all.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { baselineRow } from '../explain/sampled-shapley';
import { columnSpan, designMatrix, frequentCodes, standardisation } from '../linear/design';
import { seededRandom } from '../samples/random';
import type { Task } from '../prep/target';
import type { Tf } from './backend';

export interface MlpOptions {
	layers: number;
	hidden: number;
	dropout: number;
	learningRate: number;
	weightDecay: number;
	batchSize: number;
	maxEpochs: number;
	classWeight: 'none' | 'balanced';
	seed: number;
	deadline?: number;
	signal?: AbortSignal;
	/** Rows for early stopping (the fold's validation rows); without them every epoch runs. */
	validation?: { features: Float64Array[]; y: Float64Array };
	/** Epochs without a better validation loss before stopping. */
	patience?: number;
	onEpoch?: (epoch: number, validationLoss: number) => void;
}

export interface MlpData {
	features: Float64Array[];
	y: Float64Array;
	categorical: ArrayLike<number>;
	task: Task;
	classCount?: number;
}

interface NumericInput {
	feature: number;
	mean: number;
	scale: number;
	missingIndicator: boolean;
}

interface CategoricalInput {
	feature: number;
	/** Frequent codes, sorted; code codes[j] is embedding row j + 1 (row 0: anything else). */
	codes: number[];
	dim: number;
}

interface Dense {
	inputs: number;
	outputs: number;
	/** inputs × outputs, row-major. */
	weight: Float32Array;
	bias: Float32Array;
	/** Layer norm scale and shift (hidden layers only). */
	gamma?: Float32Array;
	beta?: Float32Array;
}

export interface MlpModel {
	task: Task;
	classCount: number;
	numeric: NumericInput[];
	categorical: CategoricalInput[];
	/** One table per categorical input: (codes + 1) × dim, row-major. */
	embeddings: Float32Array[];
	layers: Dense[];
	/** Regression targets are learned standardised. */
	yMean: number;
	yScale: number;
	epochs: number;
	/** The row contributions are measured from: training means (most frequent category). */
	baseline: Float64Array;
}

const MAX_EMBEDDED_CODES = 200;
const MIN_CODE_ROWS = 3;
const LAYER_NORM_EPSILON = 1e-5;

function describeInputs(features: Float64Array[], categorical: ArrayLike<number>) {
	const numeric: NumericInput[] = [];
	const categories: CategoricalInput[] = [];
	features.forEach((values, feature) => {
		if (categorical[feature]) {
			const codes = frequentCodes(values, MAX_EMBEDDED_CODES, MIN_CODE_ROWS);
			if (codes.length)
				categories.push({
					feature,
					codes,
					dim: Math.min(16, Math.ceil(1.6 * Math.pow(codes.length + 1, 0.56)))
				});
			return;
		}
		const column = standardisation(feature, values);
		if (column)
			numeric.push({
				feature,
				mean: column.mean,
				scale: column.scale,
				missingIndicator: column.missingIndicator
			});
	});
	return { numeric, categories };
}

/** The numeric block's columns, counted by the design's own rule (a value, and a "was missing" indicator). */
function numericWidth(numeric: NumericInput[]): number {
	return numeric.reduce((w, c) => w + columnSpan({ kind: 'numeric', ...c }), 0);
}

/** Row-major numeric block, float32: the linear models' standardisation (clipped, with missing indicators). */
function numericBlock(numeric: NumericInput[], features: Float64Array[], n: number): Float32Array {
	const spec = {
		columns: numeric.map((c) => ({ kind: 'numeric' as const, ...c })),
		width: numericWidth(numeric)
	};
	return Float32Array.from(designMatrix(spec, features, n));
}

/** Embedding rows per categorical input (0 for rare, unseen and missing). */
function categoryIndices(categories: CategoricalInput[], features: Float64Array[], n: number): Int32Array[] {
	return categories.map((c) => {
		const index = new Map(c.codes.map((code, j) => [code, j + 1]));
		const values = features[c.feature];
		return Int32Array.from({ length: n }, (_, i) => (values ? (index.get(values[i]) ?? 0) : 0));
	});
}

function glorot(inputs: number, outputs: number, next: () => number): Float32Array {
	const limit = Math.sqrt(6 / (inputs + outputs));
	return Float32Array.from({ length: inputs * outputs }, () => (next() * 2 - 1) * limit);
}

function outputsOf(task: Task, classCount: number): number {
	return task === 'multiclass' ? classCount : 1;
}

/** Fits on TensorFlow.js `tf` (already on its backend). Every tensor it makes is disposed before it returns. */
export function fitMlp(tf: Tf, data: MlpData, options: MlpOptions): MlpModel {
	const n = data.y.length;
	const task = data.task;
	const classCount = task === 'regression' ? 1 : (data.classCount ?? 2);
	const outputs = outputsOf(task, classCount);
	const { numeric, categories } = describeInputs(data.features, data.categorical);
	const next = seededRandom(options.seed ^ 0x9e3779b9);

	let yMean = 0;
	let yScale = 1;
	if (task === 'regression') {
		yMean = data.y.reduce((s, v) => s + v, 0) / n;
		yScale = Math.sqrt(data.y.reduce((s, v) => s + (v - yMean) ** 2, 0) / n) || 1;
	}
	const target = (y: Float64Array) =>
		task === 'regression' ? Float32Array.from(y, (v) => (v - yMean) / yScale) : Float32Array.from(y);
	/** Balanced weights: each class counts as much in total. */
	const classWeights = new Float32Array(Math.max(2, classCount)).fill(1);
	if (options.classWeight === 'balanced' && task !== 'regression') {
		const counts = new Float64Array(classWeights.length);
		for (const v of data.y) counts[v]++;
		counts.forEach((c, k) => (classWeights[k] = c > 0 ? n / (classWeights.length * c) : 0));
	}

	// A table with no usable input (every column constant) still gets a model: one zero input, so the network
	// learns the average through its biases.
	const inputWidth = Math.max(1, numericWidth(numeric) + categories.reduce((w, c) => w + c.dim, 0));
	const widths = [inputWidth, ...Array.from({ length: options.layers }, () => options.hidden), outputs];

	const variables: TF.Variable[] = [];
	const decayed: TF.Variable[] = [];
	const track = (values: Float32Array, shape: number[], decay: boolean) => {
		const initial = tf.tensor(values, shape, 'float32');
		const v = tf.variable(initial);
		initial.dispose(); // the variable holds its own reference to the data
		variables.push(v);
		if (decay) decayed.push(v);
		return v;
	};
	const embeddings = categories.map((c) =>
		track(
			Float32Array.from({ length: (c.codes.length + 1) * c.dim }, () => (next() * 2 - 1) * 0.05),
			[c.codes.length + 1, c.dim],
			true
		)
	);
	const dense = widths.slice(1).map((out, l) => {
		const hidden = l < widths.length - 2;
		return {
			weight: track(glorot(widths[l], out, next), [widths[l], out], true),
			bias: track(new Float32Array(out), [out], false),
			gamma: hidden ? track(new Float32Array(out).fill(1), [out], false) : undefined,
			beta: hidden ? track(new Float32Array(out), [out], false) : undefined
		};
	});

	const numX = numericBlock(numeric, data.features, n);
	const catX = categoryIndices(categories, data.features, n);
	const yTrain = target(data.y);
	const numWidth = numericWidth(numeric);

	const forward = (num: TF.Tensor2D, cats: TF.Tensor1D[], dropoutSeed: number | null): TF.Tensor2D => {
		const parts: TF.Tensor2D[] = numWidth ? [num] : [];
		// Embedding lookup as one-hot × table: its gradient is a matrix product, which every backend has
		// (gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks).
		cats.forEach((idx, c) =>
			parts.push(tf.matMul(tf.cast(tf.oneHot(idx, categories[c].codes.length + 1), 'float32'), embeddings[c]))
		);
		let h: TF.Tensor2D = parts.length > 1 ? tf.concat(parts, 1) : (parts[0] ?? tf.zeros([num.shape[0], 1]));
		dense.forEach((layer, l) => {
			h = tf.add(tf.matMul(h, layer.weight), layer.bias);
			if (!layer.gamma) return;
			const { mean, variance } = tf.moments(h, 1, true);
			h = tf.add(
				tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON))), layer.gamma),
				layer.beta!
			);
			h = tf.relu(h);
			if (dropoutSeed !== null && options.dropout > 0)
				h = tf.dropout(h, options.dropout, undefined, dropoutSeed + l) as TF.Tensor2D;
		});
		return h;
	};

	const lossOf = (logits: TF.Tensor2D, y: TF.Tensor1D, weights: TF.Tensor1D | null): TF.Scalar => {
		if (task === 'regression') return tf.mean(tf.square(tf.sub(tf.squeeze(logits, [1]), y)));
		if (task === 'binary')
			return tf.losses.sigmoidCrossEntropy(
				tf.expandDims(y, 1),
				logits,
				weights ? tf.expandDims(weights, 1) : undefined
			) as TF.Scalar;
		return tf.losses.softmaxCrossEntropy(
			tf.oneHot(tf.cast(y, 'int32'), classCount),
			logits,
			weights ?? undefined
		) as TF.Scalar;
	};

	const optimizer = tf.train.adam(options.learningRate);
	const batchSize = Math.max(8, Math.min(options.batchSize, n));
	const stepsPerEpoch = Math.ceil(n / batchSize);
	const totalSteps = stepsPerEpoch * options.maxEpochs;
	const warmup = Math.max(1, Math.round(totalSteps * 0.05));
	let step = 0;
	let best = Infinity;
	let bestWeights: Float32Array[] | null = null;
	let sinceBest = 0;
	let epochs = 0;
	const patience = options.patience ?? 8;
	const stopped = () =>
		(options.deadline !== undefined && Date.now() >= options.deadline) || options.signal?.aborted === true;

	const valid = options.validation && options.validation.y.length > 0 ? options.validation : null;
	const validTensors = valid
		? {
				num: tf.tensor2d(numericBlock(numeric, valid.features, valid.y.length), [valid.y.length, numWidth]),
				cats: categoryIndices(categories, valid.features, valid.y.length).map((idx) =>
					tf.tensor1d(idx, 'int32')
				),
				y: tf.tensor1d(target(valid.y))
			}
		: null;

	try {
		const order = Int32Array.from({ length: n }, (_, i) => i);
		for (let epoch = 0; epoch < options.maxEpochs && !stopped(); epoch++) {
			for (let i = n - 1; i > 0; i--) {
				const j = Math.floor(next() * (i + 1));
				[order[i], order[j]] = [order[j], order[i]];
			}
			for (let s = 0; s < stepsPerEpoch && !stopped(); s++, step++) {
				const lr =
					step < warmup
						? (options.learningRate * (step + 1)) / warmup
						: options.learningRate *
							0.5 *
							(1 + Math.cos((Math.PI * (step - warmup)) / Math.max(1, totalSteps - warmup)));
				(optimizer as unknown as { learningRate: number }).learningRate = lr;
				const rows = order.subarray(s * batchSize, Math.min(n, (s + 1) * batchSize));
				tf.tidy(() => {
					const m = rows.length;
					const num = new Float32Array(m * numWidth);
					const y = new Float32Array(m);
					const w = new Float32Array(m);
					rows.forEach((r, i) => {
						num.set(numX.subarray(r * numWidth, (r + 1) * numWidth), i * numWidth);
						y[i] = yTrain[r];
						w[i] = task === 'regression' ? 1 : classWeights[data.y[r]];
					});
					const cats = catX.map((idx) =>
						tf.tensor1d(
							Int32Array.from(rows, (r) => idx[r]),
							'int32'
						)
					);
					const numT = tf.tensor2d(num, [m, numWidth]);
					const yT = tf.tensor1d(y);
					const wT = options.classWeight === 'balanced' ? tf.tensor1d(w) : null;
					optimizer.minimize(
						() => lossOf(forward(numT, cats, options.seed * 7919 + step * 31), yT, wT),
						false,
						variables
					);
					// Decoupled weight decay (AdamW): shrink weights, not biases or norms.
					if (options.weightDecay > 0)
						for (const v of decayed) v.assign(tf.mul(v, 1 - lr * options.weightDecay));
				});
			}
			epochs = epoch + 1;
			if (!validTensors) continue;
			const loss = tf.tidy(
				() =>
					lossOf(
						forward(validTensors.num as TF.Tensor2D, validTensors.cats, null),
						validTensors.y,
						null
					).dataSync()[0]
			);
			options.onEpoch?.(epoch, loss);
			if (loss < best - 1e-6) {
				best = loss;
				sinceBest = 0;
				bestWeights = variables.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a));
			} else if (++sinceBest >= patience) break;
		}
		const final = bestWeights ?? variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
		const byVariable = new Map(variables.map((v, i) => [v, final[i]]));
		return {
			task,
			classCount,
			numeric,
			categorical: categories,
			embeddings: embeddings.map((e) => byVariable.get(e)!),
			layers: dense.map((layer, l) => ({
				inputs: widths[l],
				outputs: widths[l + 1],
				weight: byVariable.get(layer.weight)!,
				bias: byVariable.get(layer.bias)!,
				gamma: layer.gamma ? byVariable.get(layer.gamma) : undefined,
				beta: layer.beta ? byVariable.get(layer.beta) : undefined
			})),
			yMean,
			yScale,
			epochs,
			baseline: baselineRow(data.features, data.categorical)
		};
	} finally {
		optimizer.dispose();
		for (const v of variables) v.dispose();
		if (validTensors) {
			validTensors.num.dispose();
			validTensors.y.dispose();
			for (const c of validTensors.cats) c.dispose();
		}
	}
}

/** Row-major predictions in TypeScript: the value, P(class 1) for binary, or one probability per class. */
export function predictMlp(model: MlpModel, features: Float64Array[]): Float64Array {
	const n = features[0]?.length ?? 0;
	const numWidth = numericWidth(model.numeric);
	const num = numericBlock(model.numeric, features, n);
	const cats = categoryIndices(model.categorical, features, n);
	const outputs = outputsOf(model.task, model.classCount);
	const out = new Float64Array(n * outputs);
	const widest = Math.max(...model.layers.map((l) => Math.max(l.inputs, l.outputs)));
	let a = new Float64Array(widest);
	let b = new Float64Array(widest);
	for (let i = 0; i < n; i++) {
		a.fill(0, 0, model.layers[0].inputs); // the buffers are reused: no value of the last row may remain
		for (let j = 0; j < numWidth; j++) a[j] = num[i * numWidth + j];
		let at = numWidth;
		model.categorical.forEach((c, k) => {
			const row = cats[k][i] * c.dim;
			for (let d = 0; d < c.dim; d++) a[at + d] = model.embeddings[k][row + d];
			at += c.dim;
		});
		for (const layer of model.layers) {
			const { inputs, outputs: width, weight, bias } = layer;
			for (let o = 0; o < width; o++) b[o] = bias[o];
			for (let r = 0; r < inputs; r++) {
				const x = a[r];
				if (x === 0) continue;
				const base = r * width;
				for (let o = 0; o < width; o++) b[o] += x * weight[base + o];
			}
			if (layer.gamma) {
				let mean = 0;
				for (let o = 0; o < width; o++) mean += b[o];
				mean /= width;
				let variance = 0;
				for (let o = 0; o < width; o++) variance += (b[o] - mean) ** 2;
				const inv = 1 / Math.sqrt(variance / width + LAYER_NORM_EPSILON);
				for (let o = 0; o < width; o++)
					b[o] = Math.max(0, (b[o] - mean) * inv * layer.gamma[o] + layer.beta![o]);
			}
			[a, b] = [b, a];
		}
		if (model.task === 'regression') out[i] = a[0] * model.yScale + model.yMean;
		else if (model.task === 'binary') out[i] = 1 / (1 + Math.exp(-a[0]));
		else {
			let max = -Infinity;
			for (let k = 0; k < outputs; k++) max = Math.max(max, a[k]);
			let sum = 0;
			for (let k = 0; k < outputs; k++) sum += out[i * outputs + k] = Math.exp(a[k] - max);
			for (let k = 0; k < outputs; k++) out[i * outputs + k] /= sum;
		}
	}
	return out;
}
