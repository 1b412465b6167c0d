import { describe, expect, it } from 'vitest';
import { describeModelConformance, type ConformanceTask } from '../testing/model-conformance';
import { MISSING_BIN, binBothLayouts, binFeatures, fitBinMapper, padRows } from './binning';
import { fitForest, predictForest, type ForestModel } from './forest';
import { fitForestParallel } from './forest-parallel';
import {
	fitGradientBoosting,
	fitGradientBoostingParallel,
	predict,
	predictRowRaw,
	type FitData,
	type GradientBoostingModel,
	type GradientBoostingParams
} from './gbdt';
import { growTree } from './grower';
import { buildHistogram, histogramSize } from './histogram';
import { parseTreeModel, serialiseTreeModel } from './serialise';
import { addTreeShap, expectedValue, treeModelContributions } from './shap';
import { bruteForceShapley, conditionalExpectation } from '../testing/shapley';
import { DEFAULT_SPLIT_PARAMS, findBestSplit, leafScore, type SplitParams } from './splitter';
import { leafOf, TreeBuilder } from './tree';

function rng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

const lossFor = (task: ConformanceTask) =>
	task === 'regression' ? 'squared_error' : task === 'binary' ? 'logistic' : 'softmax';

describeModelConformance<GradientBoostingModel>({
	name: 'gradient boosting',
	tasks: ['regression', 'binary', 'multiclass'],
	fit: (data, task, seed) =>
		fitGradientBoosting(data, { loss: lossFor(task), rounds: 60, seed, subsample: 0.8, colsample: 0.75 }),
	predict: (model, features) => predict(model, features),
	serialise: (model) => serialiseTreeModel(model),
	parse: (text) => parseTreeModel(text) as GradientBoostingModel
});

describeModelConformance<ForestModel>({
	name: 'random forest',
	tasks: ['regression', 'binary', 'multiclass'],
	fit: (data, task, seed) =>
		fitForest(
			{ ...data, task: task === 'regression' ? 'regression' : 'classification' },
			{ trees: 30, seed, maxFeatures: 0.75, minSamplesLeaf: 2 }
		),
	predict: (model, features) => predictForest(model, features),
	serialise: (model) => serialiseTreeModel(model),
	parse: (text) => parseTreeModel(text) as ForestModel
});

describeModelConformance<ForestModel>({
	name: 'extra trees',
	tasks: ['regression', 'binary'],
	fit: (data, task, seed) =>
		fitForest(
			{ ...data, task: task === 'regression' ? 'regression' : 'classification' },
			{ trees: 40, seed, extraTrees: true, bootstrap: false, maxFeatures: 1 }
		),
	predict: (model, features) => predictForest(model, features),
	serialise: (model) => serialiseTreeModel(model),
	parse: (text) => parseTreeModel(text) as ForestModel
});

describe('categorical features', () => {
	it('bins frequent categories first, pools rare ones, sends unseen codes to the missing bin', () => {
		const codes = Float64Array.from([...Array(30).fill(2), ...Array(20).fill(0), ...Array(3).fill(1), NaN]);
		const mapper = fitBinMapper([codes], { categorical: [true], minCategoryCount: 5 });
		const bins = mapper.categoryBins[0]!;
		expect(bins[2]).toBe(0); // most frequent
		expect(bins[0]).toBe(1);
		expect(bins[1]).toBe(2); // rare → pooled bin
		expect(mapper.binCounts[0]).toBe(3);
		const binned = binFeatures(mapper, [Float64Array.of(2, 1, NaN, 7, -1)]);
		expect(Array.from(binned)).toEqual([0, 2, MISSING_BIN, MISSING_BIN, MISSING_BIN]);
	});

	it('the sorted-prefix search finds the best of all category subsets (brute force)', () => {
		const params: SplitParams = {
			...DEFAULT_SPLIT_PARAMS,
			l2: 1,
			catL2: 0,
			catSmooth: 0,
			maxCatOneHot: 0,
			minSamplesLeaf: 1
		};
		for (let seed = 1; seed <= 6; seed++) {
			const r = rng(seed);
			const n = 400;
			const codes = Float64Array.from({ length: n }, () => (r() < 0.05 ? NaN : Math.floor(r() * 6)));
			const grad = Float64Array.from(
				codes,
				(c) => (Number.isNaN(c) ? 0.7 : Math.sin(c * 1.7 + seed)) + r() - 0.5
			);
			const hess = Float64Array.from({ length: n }, () => 0.5 + r());
			const mapper = fitBinMapper([codes], { categorical: [true], minCategoryCount: 1 });
			const binned = binFeatures(mapper, [codes]);
			const hist = new Float64Array(histogramSize(1));
			buildHistogram(padRows(binned, 1), null, Uint32Array.from(codes.keys()), 0, n, grad, hess, hist);
			const G = grad.reduce((a, b) => a + b, 0);
			const H = hess.reduce((a, b) => a + b, 0);
			const split = findBestSplit(
				hist,
				Int32Array.of(0),
				mapper.binCounts,
				{ grad: G, hess: H, count: n },
				params,
				mapper.categorical
			);
			let best = 0;
			const k = mapper.binCounts[0];
			for (let mask = 1; mask < 1 << k; mask++)
				for (const missingLeft of [false, true]) {
					let gl = 0;
					let hl = 0;
					let cl = 0;
					for (let i = 0; i < n; i++) {
						const b = binned[i];
						if (b === MISSING_BIN ? missingLeft : (mask >> b) & 1) {
							gl += grad[i];
							hl += hess[i];
							cl++;
						}
					}
					if (cl === 0 || cl === n) continue;
					best = Math.max(
						best,
						0.5 * (leafScore(gl, hl, params) + leafScore(G - gl, H - hl, params) - leafScore(G, H, params))
					);
				}
			expect(split!.gain).toBeCloseTo(best, 9);
		}
	});

	it('boosting learns a target that depends on a group of categories; unseen codes follow missing rows', () => {
		const r = rng(4);
		const n = 3000;
		const codes = Float64Array.from({ length: n }, () => Math.floor(r() * 12));
		const y = Float64Array.from(codes, (c) => ([1, 4, 6, 9, 11].includes(c) ? 1 : 0));
		const model = fitGradientBoosting(
			{ features: [codes], y, categorical: [1] },
			{ loss: 'logistic', rounds: 30 }
		);
		const p = predict(model, [Float64Array.of(1, 4, 0, 2, 11)]);
		expect(Array.from(p).map((v) => (v > 0.5 ? 1 : 0))).toEqual([1, 1, 0, 0, 1]);
		expect(model.trees.length).toBe(30);
		// One split (a category set) per tree is enough: depth-1 trees can separate the group.
		const stump = fitGradientBoosting(
			{ features: [codes], y, categorical: [1] },
			{ loss: 'logistic', rounds: 20, maxLeaves: 2, catL2: 0 }
		);
		const q = predict(stump, [Float64Array.of(1, 4, 6, 9, 11, 0, 2, 3)]);
		expect(Array.from(q).map((v) => (v > 0.5 ? 1 : 0))).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
	});
});

describe('split finding without per-bin counts (no minimum leaf size)', () => {
	it('finds the same gain as with counts', () => {
		const r = rng(11);
		const n = 500;
		const features = [0, 1, 2].map(() =>
			Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : Math.round(r() * 50)))
		);
		const grad = Float64Array.from({ length: n }, () => r() - 0.5);
		const hess = Float64Array.from({ length: n }, () => 0.2 + r());
		const mapper = fitBinMapper(features);
		const binned = binFeatures(mapper, features);
		const rows = Uint32Array.from({ length: n }, (_, i) => i);
		const params: SplitParams = { ...DEFAULT_SPLIT_PARAMS, minSamplesLeaf: 1, l2: 1 };
		const total = { grad: grad.reduce((a, b) => a + b, 0), hess: hess.reduce((a, b) => a + b, 0), count: n };
		const results = [true, false].map((counts) => {
			const hist = new Float64Array(histogramSize(3));
			buildHistogram(padRows(binned, 3), null, rows, 0, n, grad, hess, hist, counts);
			return findBestSplit(hist, Int32Array.of(0, 1, 2), mapper.binCounts, total, params, undefined, counts)!;
		});
		expect(results[1].gain).toBeCloseTo(results[0].gain, 12);
		expect([results[1].feature, results[1].bin, results[1].missingLeft]).toEqual([
			results[0].feature,
			results[0].bin,
			results[0].missingLeft
		]);
	});
});

describe('losses', () => {
	function withOutliers(n: number, seed: number) {
		const r = rng(seed);
		const x = Float64Array.from({ length: n }, () => r() * 10);
		const y = Float64Array.from(x, (v, i) => v + (i % 20 === 0 ? 1000 : 0)); // 5% outliers: Huber's δ is the 90th percentile
		return { features: [x], y };
	}

	it('absolute error and Huber ignore outliers that drag squared error away', () => {
		const data = withOutliers(2000, 3);
		const at = [Float64Array.of(2, 5, 8)];
		const truth = [2, 5, 8];
		const error = (loss: 'squared_error' | 'absolute_error' | 'huber') => {
			const p = predict(fitGradientBoosting(data, { loss, rounds: 100, learningRate: 0.2 }), at);
			return Math.max(...truth.map((t, i) => Math.abs(p[i] - t)));
		};
		expect(error('squared_error')).toBeGreaterThan(20);
		expect(error('absolute_error')).toBeLessThan(1);
		expect(error('huber')).toBeLessThan(5);
	});

	it('softmax: one tree per class per round, probabilities that sum to 1, learns three classes', () => {
		const r = rng(8);
		const n = 1500;
		const x = Float64Array.from({ length: n }, () => r() * 3);
		const y = Float64Array.from(x, (v) => Math.floor(v));
		const model = fitGradientBoosting({ features: [x], y }, { loss: 'softmax', rounds: 20 });
		expect(model.outputs).toBe(3);
		expect(model.trees.length).toBe(60);
		const p = predict(model, [Float64Array.of(0.5, 1.5, 2.5)]);
		for (let i = 0; i < 3; i++) {
			expect(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2]).toBeCloseTo(1, 9);
			expect(p[i * 3 + i]).toBeGreaterThan(0.8);
		}
	});

	it("balanced class weights raise the rare class's probabilities", () => {
		const r = rng(2);
		const n = 2000;
		const x = Float64Array.from({ length: n }, () => r());
		const y = Float64Array.from(x, (v) => (v > 0.9 && r() < 0.5 ? 1 : 0));
		const plain = predict(fitGradientBoosting({ features: [x], y }, { loss: 'logistic', rounds: 30 }), [
			Float64Array.of(0.95)
		]);
		const balanced = predict(
			fitGradientBoosting({ features: [x], y }, { loss: 'logistic', rounds: 30, classWeight: 'balanced' }),
			[Float64Array.of(0.95)]
		);
		expect(balanced[0]).toBeGreaterThan(plain[0] + 0.2);
	});
});

describe('growth', () => {
	it('depth-wise (unlimited leaves, max depth) makes a full tree of that depth on rich data', () => {
		const r = rng(5);
		const n = 4000;
		const features = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => r()));
		const y = Float64Array.from(
			{ length: n },
			(_, i) => Math.sin(6 * features[0][i]) + features[1][i] * features[2][i]
		);
		const model = fitGradientBoosting(
			{ features, y },
			{ rounds: 1, maxDepth: 3, maxLeaves: Infinity, minSamplesLeaf: 1, learningRate: 1 }
		);
		const leaves = model.trees[0].left.filter((l) => l < 0).length;
		expect(leaves).toBe(8);
	});

	it('the single-row serving path agrees with batch prediction', () => {
		const data = {
			features: [0, 1].map((s) => Float64Array.from({ length: 500 }, (_, i) => Math.sin(i * (s + 1)))),
			y: Float64Array.from({ length: 500 }, (_, i) => i % 3)
		};
		const model = fitGradientBoosting(data, { loss: 'softmax', rounds: 10 });
		const batch = predict(model, data.features);
		for (const i of [0, 17, 499]) {
			const raw = predictRowRaw(model, [data.features[0][i], data.features[1][i]]);
			const exp = Array.from(raw, Math.exp);
			const total = exp.reduce((a, b) => a + b, 0);
			exp.forEach((e, k) => expect(e / total).toBeCloseTo(batch[i * 3 + k], 12));
		}
	});
});

describe('forests', () => {
	it('out-of-bag score is close to the score on fresh rows', () => {
		const make = (n: number, seed: number) => {
			const r = rng(seed);
			const features = [0, 1, 2, 3].map(() => Float64Array.from({ length: n }, () => r() * 2 - 1));
			const y = Float64Array.from({ length: n }, (_, i) =>
				features[0][i] + features[1][i] * features[2][i] + 0.3 * (r() - 0.5) > 0 ? 1 : 0
			);
			return { features, y };
		};
		const train = make(1500, 1);
		const test = make(1000, 2);
		const model = fitForest({ ...train, task: 'classification' }, { trees: 60, seed: 1 });
		const p = predictForest(model, test.features);
		let right = 0;
		for (let i = 0; i < 1000; i++) if ((p[i] >= 0.5 ? 1 : 0) === test.y[i]) right++;
		expect(model.oob!.metric).toBe('accuracy');
		expect(Math.abs(model.oob!.score - right / 1000)).toBeLessThan(0.04);
		expect(right / 1000).toBeGreaterThan(0.85);
	});

	it('grown on two worker threads, is the same forest as on one', async () => {
		const r = rng(12);
		const n = 600;
		const features = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => r()));
		const y = Float64Array.from({ length: n }, (_, i) => (features[0][i] + features[1][i] > 1 ? 1 : 0));
		const data = { features, y, task: 'classification' as const };
		const params = { trees: 12, seed: 4 };
		const single = fitForest(data, params);
		const parallel = await fitForestParallel(data, params, { threads: 2 });
		expect(serialiseTreeModel(parallel)).toBe(serialiseTreeModel(single));
	});

	it('boosting with histograms built on three threads (feature blocks) is the same model as on one', async () => {
		const r = rng(13);
		const n = 12_000; // nodes of 4,096+ rows are split over threads
		const features = Array.from({ length: 7 }, () =>
			Float64Array.from({ length: n }, () => (r() < 0.05 ? NaN : r()))
		);
		const codes = Float64Array.from({ length: n }, () => Math.floor(r() * 6));
		const y = Float64Array.from({ length: n }, (_, i) =>
			(features[0][i] || 0) + (features[1][i] || 0) * (codes[i] % 2) + 0.3 * r() > 0.9 ? 1 : 0
		);
		const cases: [string, FitData, Partial<GradientBoostingParams>][] = [
			[
				'numeric, depth-wise',
				{ features, y },
				{ loss: 'logistic', rounds: 8, maxDepth: 5, maxLeaves: Infinity, minSamplesLeaf: 1 }
			],
			[
				'with a categorical feature and per-bin counts',
				{ features: [...features, codes], y, categorical: [0, 0, 0, 0, 0, 0, 0, 1] },
				{ loss: 'logistic', rounds: 8, maxLeaves: 31 }
			],
			[
				'softmax, row subsampling',
				{ features, y: Float64Array.from(y, (v, i) => v + (codes[i] > 3 ? 1 : 0)) },
				{ loss: 'softmax', rounds: 4, subsample: 0.8, seed: 2 }
			]
		];
		for (const [name, data, params] of cases) {
			const single = fitGradientBoosting(data, params);
			const parallel = await fitGradientBoostingParallel(data, params, { threads: 3 });
			expect(serialiseTreeModel(parallel), name).toBe(serialiseTreeModel(single));
		}
	}, 60_000);

	it('a leaf budget keeps the most useful splits: a class of a few rows still gets its leaf', () => {
		// 3,000 rows of two noisy classes, and six rows of a third, close together, that one feature separates
		// cleanly. A minimum leaf of 9 rows (what bounded big trees before) can never isolate them; a leaf budget
		// spent best first does.
		const r = rng(21);
		const n = 3006;
		const features = [0, 1].map(() => Float64Array.from({ length: n }, () => r()));
		// A few distinct values, so the six rows' value has a bin of its own.
		features.push(Float64Array.from({ length: n }, (_, i) => (i < n - 6 ? Math.floor(r() * 4) : 7)));
		for (let i = n - 6; i < n; i++) features[0][i] = 0.45 + 0.1 * r();
		const y = Float64Array.from({ length: n }, (_, i) =>
			i >= n - 6 ? 2 : features[0][i] + 0.5 * r() > 0.75 ? 1 : 0
		);
		const data = { features, y, task: 'classification' as const };
		const leaves = (model: ForestModel) =>
			model.trees.map((tree) => tree.left.filter((child) => child === -1).length);
		const budget = fitForest(data, { trees: 20, seed: 3, maxFeatures: 1, maxLeaves: 40 });
		expect(Math.max(...leaves(budget))).toBeLessThanOrEqual(40);
		const unlimited = fitForest(data, { trees: 20, seed: 3, maxFeatures: 1 });
		expect(Math.min(...leaves(unlimited))).toBeGreaterThan(40);
		const bigLeaves = fitForest(data, { trees: 20, seed: 3, maxFeatures: 1, minSamplesLeaf: 9 });
		const rare = [Float64Array.of(0.5), Float64Array.of(0.5), Float64Array.of(7)];
		expect(predictForest(budget, rare)[2]).toBeGreaterThan(0.7); // 0.85
		expect(predictForest(bigLeaves, rare)[2]).toBeLessThan(0.2); // 0.02
	});

	it("puts a numeric threshold halfway between the node's values either side of the cut, as an exact split does", () => {
		// Eight distinct values, one bin each (edges halfway: 0.5, 1.5, …, 6.5); rows 2–5 weigh nothing, so the
		// tree's rows hold 0, 1, 6 and 7 only.
		const data = {
			features: [Float64Array.from({ length: 8 }, (_, i) => i)],
			y: Float64Array.of(0, 0, 0, 0, 1, 1, 1, 1),
			weight: Float64Array.of(1, 1, 0, 0, 0, 0, 1, 1),
			task: 'classification' as const
		};
		const stump = fitForest(data, { trees: 1, bootstrap: false, maxFeatures: 1, maxDepth: 1 });
		// Anywhere from 1.5 to 5.5 splits those rows alike: halfway between 1 and 6, not at 1's bin edge.
		expect(stump.trees[0].threshold[0]).toBe(3.5);
		expect(Array.from(predictForest(stump, [Float64Array.of(3, 4)]))).toEqual([0, 1]);
	});

	it('stops at the deadline with the trees so far', () => {
		const data = {
			features: [Float64Array.from({ length: 100 }, (_, i) => i)],
			y: Float64Array.from({ length: 100 }, (_, i) => i),
			task: 'regression' as const
		};
		expect(fitForest(data, { trees: 50 }, { deadline: Date.now() - 1 }).trees).toHaveLength(0);
	});
});

/** The path-dependent conditional expectation E[f(x) | x_S] that TreeSHAP attributes, by brute force. */
describe('TreeSHAP', () => {
	it('matches brute-force Shapley values of the conditional expectation, and adds up to the prediction', () => {
		const r = rng(21);
		const F = 4;
		const n = 600;
		const features = Array.from({ length: F }, () =>
			Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : Math.round(r() * 20)))
		);
		const grad = Float64Array.from(
			{ length: n },
			(_, i) => (features[0][i] > 10 ? 1 : -1) * (features[1][i] > 5 ? 2 : 0.5) + r() - 0.5
		);
		const hess = new Float64Array(n).fill(1);
		const mapper = fitBinMapper(features);
		const { tree } = growTree(
			binBothLayouts(mapper, features),
			mapper,
			null,
			grad,
			hess,
			Uint32Array.from(grad.keys()),
			{
				...DEFAULT_SPLIT_PARAMS,
				minSamplesLeaf: 5,
				l2: 1,
				maxLeaves: 12,
				maxDepth: 0,
				shrinkage: 1
			}
		);
		for (let t = 0; t < 5; t++) {
			const row = Array.from({ length: F }, (_, f) => features[f][t * 37]);
			const phi = new Float64Array(F);
			addTreeShap(tree, row, phi);
			const exact = bruteForceShapley(F, (known) => conditionalExpectation(tree, row, known));
			for (let i = 0; i < F; i++) expect(phi[i]).toBeCloseTo(exact[i], 9);
			const prediction = tree.value[leafOf(tree, (f) => row[f])];
			expect(phi.reduce((a, b) => a + b, 0) + expectedValue(tree)).toBeCloseTo(prediction, 9);
		}
	});

	it('a feature used twice on a path is counted once (unwinding), categorical nodes included', () => {
		const b = new TreeBuilder(1);
		const root = b.addNode(100);
		const [l, r] = b.splitNumeric(root, 0, 5, false, [60, 40]);
		const [ll, lr] = b.splitNumeric(l, 0, 2, false, [20, 40]);
		const [rl, rr] = b.splitCategorical(r, 1, [1, 3], [], 4, false, [10, 30]);
		[ll, lr, rl, rr].forEach((node, k) => b.setValue(node, 0, [1, 3, -2, 6][k]));
		const tree = b.finish();
		for (const row of [
			[1, 1],
			[4, 0],
			[8, 3],
			[8, 2],
			[NaN, 7]
		]) {
			const phi = new Float64Array(2);
			addTreeShap(tree, row, phi);
			const prediction = tree.value[leafOf(tree, (f) => row[f])];
			expect(phi[0] + phi[1] + expectedValue(tree)).toBeCloseTo(prediction, 12);
		}
	});

	it('model contributions add up to the raw prediction for boosting (multiclass) and forests', () => {
		const r = rng(3);
		const n = 400;
		const features = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => r()));
		const y = Float64Array.from({ length: n }, (_, i) =>
			features[0][i] > 0.6 ? 2 : features[1][i] > 0.5 ? 1 : 0
		);
		const gbdt = fitGradientBoosting({ features, y }, { loss: 'softmax', rounds: 8 });
		const forest = fitForest({ features, y, task: 'classification' }, { trees: 5 });
		const row = [0.7, 0.2, 0.9];
		const raw = predictRowRaw(gbdt, row);
		const c = treeModelContributions(gbdt, row);
		for (let k = 0; k < 3; k++) {
			let s = c.base[k];
			for (let f = 0; f < 3; f++) s += c.values[f * 3 + k];
			expect(s).toBeCloseTo(raw[k], 9);
		}
		const fp = predictForest(
			forest,
			row.map((v) => Float64Array.of(v))
		);
		const fc = treeModelContributions(forest, row);
		for (let k = 0; k < 3; k++) {
			let s = fc.base[k];
			for (let f = 0; f < 3; f++) s += fc.values[f * 3 + k];
			expect(s).toBeCloseTo(fp[k], 9);
		}
	});
});
