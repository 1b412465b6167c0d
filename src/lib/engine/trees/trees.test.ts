import { describe, expect, it } from 'vitest';
import { MISSING_BIN, binBothLayouts, binFeatures, binOf, fitBinMapper, padRows } from './binning';
import { fitForest, predictForest } from './forest';
import { fitGradientBoosting, predict, predictRaw } from './gbdt';
import { growTree } from './grower';
import {
	BINS_PER_FEATURE,
	STRIDE,
	buildHistogram,
	buildPackedBlock,
	buildPackedHistogram,
	histogramSize,
	packedHistogramSize,
	quantizeGradients,
	subtractHistogram,
	subtractPackedHistogram,
	unpackHistogram
} from './histogram';
import { DEFAULT_SPLIT_PARAMS, findBestSplit, leafScore, type SplitParams } from './splitter';
import { leafOf } from './tree';

function rng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** Random features with some missing values, and gradients/hessians. */
function randomProblem(n: number, f: number, seed = 1) {
	const r = rng(seed);
	const features = Array.from({ length: f }, () =>
		Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : Math.round(r() * 40) / 4))
	);
	const grad = Float64Array.from({ length: n }, () => r() * 2 - 1);
	const hess = Float64Array.from({ length: n }, () => 0.1 + r());
	return { features, grad, hess };
}

const PARAMS: SplitParams = {
	...DEFAULT_SPLIT_PARAMS,
	l1: 0,
	l2: 1,
	minSamplesLeaf: 3,
	minHessianLeaf: 1e-3
};

describe('binning', () => {
	it('keeps value order, puts missing in the last bin, and agrees with the edges', () => {
		const column = Float64Array.from([3, 1, NaN, 2, 2, 10, -5]);
		const mapper = fitBinMapper([column]);
		const binned = binFeatures(mapper, [column]);
		expect(Array.from(binned)).toEqual([3, 1, MISSING_BIN, 2, 2, 4, 0]);
		for (let i = 0; i < column.length; i++) {
			if (Number.isNaN(column[i])) continue;
			const bin = binned[i];
			if (bin < mapper.edges[0].length) expect(column[i] <= mapper.edges[0][bin]).toBe(true);
			if (bin > 0) expect(column[i] > mapper.edges[0][bin - 1]).toBe(true);
		}
	});

	it('uses at most maxBins bins for many distinct values', () => {
		const column = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1000);
		const mapper = fitBinMapper([column], { maxBins: 64 });
		expect(mapper.binCounts[0]).toBeLessThanOrEqual(64);
		expect(binOf(mapper.edges[0], 1e9)).toBe(mapper.binCounts[0] - 1);
	});

	it('puts its edges where a full sort puts them (quantiles, ties, few values), and bins rows in both layouts alike', () => {
		/** The edges by sorting every value: midpoints between distinct values, or around each quantile. */
		function reference(column: Float64Array, maxBins: number): number[] {
			const sorted = column.filter((v) => !Number.isNaN(v)).sort();
			const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
			if (distinct.length <= maxBins)
				return Array.from(distinct.subarray(0, -1), (v, i) => v + (distinct[i + 1] - v) / 2);
			const upper: number[] = [];
			for (let b = 1; b < maxBins; b++) {
				const at = Math.floor((b * sorted.length) / maxBins);
				const prev = sorted[Math.max(0, at - 1)];
				const edge = prev + (sorted[Math.min(sorted.length - 1, at)] - prev) / 2;
				if (upper.length === 0 || edge > upper[upper.length - 1]) upper.push(edge);
			}
			return upper;
		}
		const r = rng(9);
		const n = 30_000;
		const columns = [
			Float64Array.from({ length: n }, () => (r() < 0.05 ? NaN : r() * 1000)),
			Float64Array.from({ length: n }, () => (r() < 0.7 ? 0 : Math.round(r() * 50))),
			Float64Array.from({ length: n }, () => Math.floor(r() * 255)),
			Float64Array.from({ length: n }, () => Math.floor(r() * 256)),
			Float64Array.from({ length: n }, () => Math.exp(r() * 20))
		];
		const mapper = fitBinMapper(columns);
		columns.forEach((column, f) => expect(Array.from(mapper.edges[f])).toEqual(reference(column, 255)));
		expect(mapper.binCounts[2]).toBe(255);
		const byRow = binFeatures(mapper, columns);
		const byColumn = binFeatures(mapper, columns, 'columns');
		const both = binBothLayouts(mapper, columns);
		expect(both.byRow.stride).toBe(8); // 5 features, rows padded to two words
		for (let i = 0; i < n; i++)
			expect(both.byRow.bytes.subarray(i * 8, i * 8 + 8)).toEqual(
				Uint8Array.of(...byRow.subarray(i * 5, i * 5 + 5), 0, 0, 0)
			);
		expect(both.byColumn).toEqual(byColumn);
		for (let f = 0; f < columns.length; f++)
			for (let i = 0; i < n; i += 7) {
				expect(byRow[i * columns.length + f]).toBe(byColumn[f * n + i]);
				expect(byRow[i * columns.length + f]).toBe(binOf(mapper.edges[f], columns[f][i]));
			}
	});
});

describe('histograms', () => {
	it('match a naive per-row count, and parent − sibling equals the other child', () => {
		const n = 500;
		const { features, grad, hess } = randomProblem(n, 4);
		const mapper = fitBinMapper(features);
		const binned = binFeatures(mapper, features);
		const rows = Uint32Array.from({ length: n }, (_, i) => i);
		const parent = new Float64Array(histogramSize(4));
		buildHistogram(padRows(binned, 4), null, rows, 0, n, grad, hess, parent);
		// naive
		const naive = new Float64Array(histogramSize(4));
		for (let f = 0; f < 4; f++)
			for (let i = 0; i < n; i++) {
				const slot = (f * BINS_PER_FEATURE + binned[i * 4 + f]) * STRIDE;
				naive[slot] += grad[i];
				naive[slot + 1] += hess[i];
				naive[slot + 2] += 1;
			}
		expect(Array.from(parent)).toEqual(Array.from(naive));
		const left = new Float64Array(histogramSize(4));
		const right = new Float64Array(histogramSize(4));
		buildHistogram(padRows(binned, 4), null, rows, 0, 200, grad, hess, left);
		buildHistogram(padRows(binned, 4), Int32Array.from([0, 1, 2, 3]), rows, 200, n, grad, hess, right);
		const derived = new Float64Array(histogramSize(4));
		subtractHistogram(parent, left, derived);
		derived.forEach((v, j) => expect(v).toBeCloseTo(right[j], 9));
	});
});

describe('split finding', () => {
	it('finds the same best gain as a brute-force search over thresholds and missing directions', () => {
		for (let seed = 1; seed <= 5; seed++) {
			const n = 300;
			const { features, grad, hess } = randomProblem(n, 3, seed);
			const mapper = fitBinMapper(features);
			const binned = binFeatures(mapper, features);
			const rows = Uint32Array.from({ length: n }, (_, i) => i);
			const hist = new Float64Array(histogramSize(3));
			buildHistogram(padRows(binned, 3), null, rows, 0, n, grad, hess, hist);
			let G = 0;
			let H = 0;
			for (let i = 0; i < n; i++) {
				G += grad[i];
				H += hess[i];
			}
			const split = findBestSplit(
				hist,
				Int32Array.from([0, 1, 2]),
				mapper.binCounts,
				{ grad: G, hess: H, count: n },
				PARAMS
			);

			let bestGain = 0;
			for (let f = 0; f < 3; f++) {
				for (let t = 0; t < mapper.binCounts[f]; t++) {
					for (const missingLeft of [false, true]) {
						let gl = 0,
							hl = 0,
							cl = 0;
						for (let i = 0; i < n; i++) {
							const b = binned[i * 3 + f];
							if (b === MISSING_BIN ? missingLeft : b <= t) {
								gl += grad[i];
								hl += hess[i];
								cl++;
							}
						}
						if (cl < PARAMS.minSamplesLeaf || n - cl < PARAMS.minSamplesLeaf) continue;
						const gain =
							0.5 * (leafScore(gl, hl, PARAMS) + leafScore(G - gl, H - hl, PARAMS) - leafScore(G, H, PARAMS));
						bestGain = Math.max(bestGain, gain);
					}
				}
			}
			expect(split!.gain).toBeCloseTo(bestGain, 9);
		}
	});
});

describe('tree growth', () => {
	it('sends every training row to the same leaf through bins and through raw values', () => {
		const n = 400;
		const { features, grad, hess } = randomProblem(n, 3, 7);
		const mapper = fitBinMapper(features);
		const rows = Uint32Array.from({ length: n }, (_, i) => i);
		const { tree } = growTree(binBothLayouts(mapper, features), mapper, null, grad, hess, rows, {
			...PARAMS,
			maxLeaves: 16,
			maxDepth: 0,
			shrinkage: 1
		});
		// rows[] is partitioned by leaf: each leaf's rows are contiguous; check raw routing groups them identically.
		const leafByRow = new Map<number, number>();
		for (let i = 0; i < n; i++)
			leafByRow.set(
				i,
				leafOf(tree, (f) => features[f][i])
			);
		const leaves = new Set(leafByRow.values());
		expect(leaves.size).toBeGreaterThan(4);
		expect(leaves.size).toBeLessThanOrEqual(16);
		// Each leaf's value is the regularised optimum of its rows' gradients.
		for (const leaf of leaves) {
			let g = 0;
			let h = 0;
			for (let i = 0; i < n; i++) {
				if (leafByRow.get(i) === leaf) {
					g += grad[i];
					h += hess[i];
				}
			}
			expect(tree.value[leaf]).toBeCloseTo(-g / (h + PARAMS.l2), 9);
		}
	});
});

describe('quantized gradients', () => {
	it('pack each row into one integer, and packed histograms unpack to the histograms of the rounded gradients', () => {
		const n = 2000;
		const { features, grad, hess } = randomProblem(n, 4, 11);
		const mapper = fitBinMapper(features);
		const binned = binFeatures(mapper, features);
		const rows = Uint32Array.from({ length: n }, (_, i) => i);
		const q = quantizeGradients(grad, hess, rows, n, 7, new Float64Array(n))!;
		expect(q).not.toBeNull();
		const scale = 2 ** q.shift;
		const roundedGrad = new Float64Array(n);
		const roundedHess = new Float64Array(n);
		let gradError = 0;
		for (let i = 0; i < n; i++) {
			const v = q.values[i];
			expect(Number.isInteger(v)).toBe(true);
			const gq = Math.floor(v / scale);
			roundedGrad[i] = gq * q.gradStep;
			roundedHess[i] = (v - gq * scale) * q.hessStep;
			// Stochastic rounding: to one of the two neighbouring steps.
			expect(Math.abs(roundedGrad[i] - grad[i])).toBeLessThan(q.gradStep);
			expect(Math.abs(roundedHess[i] - hess[i])).toBeLessThan(q.hessStep);
			gradError += roundedGrad[i] - grad[i];
		}
		// …and unbiased: the errors cancel out in a sum (a biased rounding would leave ~n × step / 2).
		expect(Math.abs(gradError)).toBeLessThan(q.gradStep * 3 * Math.sqrt(n));
		expect(quantizeGradients(grad, hess, rows, n, 7, new Float64Array(n))!.values).toEqual(q.values);

		const expected = new Float64Array(histogramSize(4));
		buildHistogram(padRows(binned, 4), null, rows, 0, n, roundedGrad, roundedHess, expected);
		const packed = new Float64Array(histogramSize(4));
		buildPackedHistogram(padRows(binned, 4), null, rows, 0, n, q.values, packed, true);
		const unpacked = new Float64Array(histogramSize(4));
		unpackHistogram(packed, q, 4, null, unpacked, true);
		unpacked.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 9));

		// parent − left = right, exactly (integer sums), for all features and for a subset.
		const left = new Float64Array(histogramSize(4));
		const right = new Float64Array(histogramSize(4));
		buildPackedHistogram(padRows(binned, 4), null, rows, 0, 700, q.values, left, true);
		buildPackedHistogram(
			padRows(binned, 4),
			Int32Array.from([0, 1, 2, 3]),
			rows,
			700,
			n,
			q.values,
			right,
			true
		);
		subtractPackedHistogram(packed, left, packed, 4, null, true);
		expect(packed).toEqual(right);
	});

	it('build any block of features (word-aligned or not, with or without counts) as a naive loop does', () => {
		const n = 600;
		const width = 11; // two whole words and three features in a third
		const { features, grad, hess } = randomProblem(n, width, 5);
		const mapper = fitBinMapper(features);
		const unpadded = binFeatures(mapper, features);
		const bins = padRows(unpadded, width);
		const rows = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1);
		const q = quantizeGradients(grad, hess, rows, rows.length, 3, new Float64Array(n))!;
		const countsAt = width * BINS_PER_FEATURE;
		for (const [from, to] of [
			[0, 11],
			[0, 4],
			[2, 11],
			[5, 7],
			[3, 9],
			[8, 11],
			[4, 8]
		])
			for (const withCounts of [false, true]) {
				const naive = new Float64Array(packedHistogramSize(width)).fill(-1);
				for (let f = from; f < to; f++) {
					naive.fill(0, f * BINS_PER_FEATURE, (f + 1) * BINS_PER_FEATURE);
					if (withCounts)
						naive.fill(0, countsAt + f * BINS_PER_FEATURE, countsAt + (f + 1) * BINS_PER_FEATURE);
					for (let r = 10; r < rows.length; r++) {
						const slot = f * BINS_PER_FEATURE + unpadded[rows[r] * width + f];
						naive[slot] += q.values[rows[r]];
						if (withCounts) naive[countsAt + slot] += 1;
					}
				}
				const built = new Float64Array(packedHistogramSize(width)).fill(-1);
				buildPackedBlock(bins, from, to, rows, 10, rows.length, q.values, built, withCounts);
				expect(built).toEqual(naive);
			}
	});

	it('are not used when every gradient is zero', () => {
		const rows = Uint32Array.from({ length: 10 }, (_, i) => i);
		expect(
			quantizeGradients(new Float64Array(10), new Float64Array(10).fill(1), rows, 10, 1, new Float64Array(10))
		).toBeNull();
	});

	it('give models as accurate as exact gradients', () => {
		const make = (n: number, seed: number) => {
			const r = rng(seed);
			const x = Array.from({ length: 6 }, () =>
				Float64Array.from({ length: n }, () => (r() < 0.05 ? NaN : r() * 2 - 1))
			);
			const signal = Float64Array.from(
				{ length: n },
				(_, i) =>
					2 * (x[0][i] || 0) + 3 * (x[1][i] || 0) * (x[2][i] || 0) - Math.abs(x[3][i] || 0) + (r() - 0.5) * 2
			);
			return { features: x, y: Float64Array.from(signal, (s) => (s > 0 ? 1 : 0)), signal };
		};
		const train = make(5000, 21);
		const test = make(5000, 22);
		const settings = {
			loss: 'logistic' as const,
			rounds: 100,
			maxDepth: 6,
			maxLeaves: Infinity,
			l2: 1,
			minSamplesLeaf: 20
		};
		const accuracy = (quantizedGradients: boolean) => {
			const p = predict(fitGradientBoosting(train, { ...settings, quantizedGradients }), test.features);
			let correct = 0;
			for (let i = 0; i < p.length; i++) if ((p[i] > 0.5 ? 1 : 0) === test.y[i]) correct++;
			return correct / p.length;
		};
		const exact = accuracy(false);
		expect(exact).toBeGreaterThan(0.8);
		expect(Math.abs(accuracy(true) - exact)).toBeLessThan(0.01);
		// Regression: the leaf values come from exact gradients, so the fit is as close.
		const r2 = (quantizedGradients: boolean) => {
			const data = { features: train.features, y: train.signal };
			const p = predict(
				fitGradientBoosting(data, { rounds: 100, maxLeaves: 31, quantizedGradients }),
				test.features
			);
			const mean = test.signal.reduce((a, b) => a + b, 0) / test.signal.length;
			let se = 0;
			let variance = 0;
			for (let i = 0; i < p.length; i++) {
				se += (p[i] - test.signal[i]) ** 2;
				variance += (test.signal[i] - mean) ** 2;
			}
			return 1 - se / variance;
		};
		expect(Math.abs(r2(true) - r2(false))).toBeLessThan(0.01);
	});
});

describe('gradient boosting', () => {
	function regression(n: number, seed: number) {
		const r = rng(seed);
		const x0 = Float64Array.from({ length: n }, () => r() * 4 - 2);
		const x1 = Float64Array.from({ length: n }, () => (r() < 0.15 ? NaN : r() * 4 - 2));
		const noise = Float64Array.from({ length: n }, () => r() - 0.5);
		const y = Float64Array.from(
			{ length: n },
			(_, i) => 3 * x0[i] - 2 * (Number.isNaN(x1[i]) ? 4 : x1[i] * x1[i]) + 0.3 * noise[i]
		);
		return { features: [x0, x1], y };
	}

	it('fits a nonlinear function with missing values and generalises', () => {
		const train = regression(3000, 1);
		const test = regression(1000, 2);
		const model = fitGradientBoosting(train, { rounds: 200, learningRate: 0.1, maxLeaves: 15 });
		const pred = predict(model, test.features);
		let se = 0;
		let variance = 0;
		const mean = test.y.reduce((a, b) => a + b, 0) / test.y.length;
		for (let i = 0; i < test.y.length; i++) {
			se += (pred[i] - test.y[i]) ** 2;
			variance += (test.y[i] - mean) ** 2;
		}
		expect(1 - se / variance).toBeGreaterThan(0.97); // R² on held-out rows
	});

	it('classifies with the logistic loss, stops early on a validation set', () => {
		const make = (n: number, seed: number) => {
			const r = rng(seed);
			const a = Float64Array.from({ length: n }, () => r() * 2 - 1);
			const b = Float64Array.from({ length: n }, () => r() * 2 - 1);
			const y = Float64Array.from({ length: n }, (_, i) =>
				a[i] * a[i] + b[i] * b[i] + 0.2 * (r() - 0.5) < 0.5 ? 1 : 0
			);
			return { features: [a, b], y };
		};
		const train = make(3000, 3);
		const valid = make(1000, 4);
		const model = fitGradientBoosting(
			train,
			{ loss: 'logistic', rounds: 500, learningRate: 0.3, earlyStoppingRounds: 10 },
			{ validation: valid }
		);
		expect(model.trees.length).toBeLessThan(500);
		const p = predict(model, valid.features);
		let correct = 0;
		for (let i = 0; i < p.length; i++) if ((p[i] > 0.5 ? 1 : 0) === valid.y[i]) correct++;
		expect(correct / p.length).toBeGreaterThan(0.9);
		expect(Math.min(...model.validationLoss!)).toBeLessThan(model.validationLoss![0]);
	});

	it('is deterministic for a seed, and stops at a deadline with the trees so far', () => {
		const data = regression(1000, 5);
		const a = fitGradientBoosting(data, { rounds: 20, seed: 3 });
		const b = fitGradientBoosting(data, { rounds: 20, seed: 3 });
		expect(Array.from(predictRaw(a, data.features))).toEqual(Array.from(predictRaw(b, data.features)));
		const stopped = fitGradientBoosting(data, { rounds: 1000 }, { deadline: Date.now() - 1 });
		expect(stopped.trees).toHaveLength(0);
		const controller = new AbortController();
		controller.abort();
		expect(fitGradientBoosting(data, { rounds: 1000 }, { signal: controller.signal }).trees).toHaveLength(0);
	});

	it('learns which way missing values go', () => {
		const n = 2000;
		const r = rng(9);
		const x = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? NaN : r()));
		const y = Float64Array.from({ length: n }, (_, i) => (Number.isNaN(x[i]) ? 10 : x[i]));
		const model = fitGradientBoosting({ features: [x], y }, { rounds: 50, maxLeaves: 4 });
		const p = predict(model, [Float64Array.from([NaN, 0.1, 0.9])]);
		expect(p[0]).toBeGreaterThan(8);
		expect(p[1]).toBeLessThan(1);
	});
});

describe('values never seen in training', () => {
	// 90% of rows low (y = 0), 10% high (y = 10); no value is missing while training.
	const n = 500;
	const high = (i: number) => i % 10 === 0;
	const y = Float64Array.from({ length: n }, (_, i) => (high(i) ? 10 : 0));
	const numeric = Float64Array.from({ length: n }, (_, i) => (high(i) ? 5.5 : (i % 7) / 7));
	const codes = Float64Array.from({ length: n }, (_, i) => (high(i) ? 4 : i % 4));

	it('follow the larger side of a boosted split: a missing number goes with the majority', () => {
		const model = fitGradientBoosting(
			{ features: [numeric], y },
			{ rounds: 1, learningRate: 1, maxLeaves: 2, minSamplesLeaf: 1, l2: 0 }
		);
		const [low, top, missing] = predict(model, [Float64Array.of(0.5, 5.5, NaN)]);
		expect(top).toBeGreaterThan(low + 5);
		expect(missing).toBeCloseTo(low, 10);
	});

	it('follow the larger side of a forest split: an unseen category or a missing value goes with the majority', () => {
		for (const [features, categorical, seen, unseen] of [
			[[codes], Uint8Array.of(1), 1, 9],
			[[numeric], Uint8Array.of(0), 0.5, NaN]
		] as const) {
			const model = fitForest(
				{ features: [...features], y, task: 'regression', categorical },
				{ trees: 1, maxDepth: 1, bootstrap: false, maxFeatures: 1, minCategoryCount: 1 }
			);
			const [low, other] = predictForest(model, [Float64Array.of(seen, unseen)]);
			expect(low).toBeLessThan(1);
			expect(other).toBeCloseTo(low, 10);
		}
	});
});
