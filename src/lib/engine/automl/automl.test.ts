import { describe, expect, it } from 'vitest';
import type { DataFrame, StringColumn } from '../frame/types';
import { categorical, churn, numeric, rng } from '../testing/tables';
import { describeTarget, TargetError } from '../prep/target';
import { parseArtifact, serialiseArtifact, ArtifactError } from './artifact';
import { chooseThreshold, fitCalibration, applyCalibration, selfCalibrated } from './calibration';
import { selectEnsemble } from './ensemble';
import { kFold, groupKFold, timeSeriesSplit } from './folds';
import { predictFrame } from './predict';
import { METRICS } from './scoring';
import { checkTargetColumn } from './target-check';
import { trainAutoML, AutoMLError } from './train';

const column = (frame: DataFrame, name: string) => frame.columns.find((c) => c.name === name)!;

describe('task detection', () => {
	it('reads two values as binary, text as multiclass, numbers as regression, code-like integers as classes', () => {
		expect(describeTarget(categorical('t', ['a', 'b', 'a'])).task).toBe('binary');
		expect(describeTarget(categorical('t', ['a', 'b', 'c'])).task).toBe('multiclass');
		expect(describeTarget(numeric('t', [1.5, 2.25, 3, 4])).task).toBe('regression');
		// Glass-like class codes (gaps, no zero) vs a count 0, 1, 2 … (DoctorVisits-like).
		const glass = [1, 2, 3, 5, 6, 7].flatMap((v) => Array(6).fill(v));
		expect(describeTarget(numeric('t', glass)).task).toBe('multiclass');
		expect(describeTarget(numeric('t', [1, 2, 3, 5, 6, 7])).task).toBe('regression'); // one row per value
		expect(describeTarget(numeric('t', [0, 1, 2, 3, 4, 0, 1])).task).toBe('regression');
		const wineQuality = [3, 4, 5, 6, 7, 8, 9].flatMap((v) => Array(6).fill(v)); // a rating: an unbroken run
		expect(describeTarget(numeric('t', wineQuality)).task).toBe('regression');
		// A score in even steps (pol's 0, 10 … 100) is an amount too; uneven steps stay codes.
		const score = Array.from({ length: 11 }, (_, k) => 10 * k).flatMap((v) => Array(6).fill(v));
		expect(describeTarget(numeric('t', score)).task).toBe('regression');
		const codes = [10, 20, 40, 50].flatMap((v) => Array(6).fill(v));
		expect(describeTarget(numeric('t', codes)).task).toBe('multiclass');
		expect(describeTarget(numeric('t', [0, 1, 0])).classes).toEqual(['0', '1']);
		expect(describeTarget(numeric('t', [0, 1, 2, 3, 4]), 'multiclass').task).toBe('multiclass');
	});

	it('refuses a target with one value, no values, or a task it cannot be', () => {
		expect(() => describeTarget(categorical('t', ['a', 'a']))).toThrow(/only one value/);
		expect(() => describeTarget(categorical('t', [null, null]))).toThrow(TargetError);
		expect(() => describeTarget(categorical('t', ['a', 'b', 'c']), 'regression')).toThrow(/not numeric/);
		expect(() => describeTarget(categorical('t', ['a', 'b', 'c']), 'binary')).toThrow(/exactly 2/);
	});
});

describe('folds', () => {
	it('stratified folds partition the rows and keep class shares', () => {
		const y = Float64Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
		const plan = kFold(1000, 5, 3, y);
		expect(plan.folds).toHaveLength(5);
		const seen = new Uint8Array(1000);
		for (const fold of plan.folds) {
			for (const i of fold.valid) seen[i]++;
			const positives = Array.from(fold.valid).filter((i) => y[i] === 1).length;
			expect(positives).toBe(20);
			expect(fold.train.length + fold.valid.length).toBe(1000);
		}
		expect(seen.every((s) => s === 1)).toBe(true);
	});

	it('group folds never split a group; time folds validate only on later rows', () => {
		const groups = Array.from({ length: 300 }, (_, i) => `g${i % 17}`);
		for (const fold of groupKFold(groups, 5, 1).folds) {
			const trainGroups = new Set(Array.from(fold.train, (i) => groups[i]));
			for (const i of fold.valid) expect(trainGroups.has(groups[i])).toBe(false);
		}
		const times = Float64Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
		for (const fold of timeSeriesSplit(times, 3).folds) {
			const latestTrain = Math.max(...Array.from(fold.train, (i) => times[i]));
			const earliestValid = Math.min(...Array.from(fold.valid, (i) => times[i]));
			expect(latestTrain).toBeLessThan(earliestValid);
		}
	});
});

describe('ensemble selection, calibration, threshold', () => {
	it('picks the better of two candidates and mixes complementary ones', () => {
		const y = Float64Array.from({ length: 200 }, (_, i) => i % 2);
		const good = Float64Array.from(y, (v, i) => (v ? 0.7 : 0.3) + (i % 7) * 0.01);
		const noise = Float64Array.from(y, (_, i) => ((i * 37) % 100) / 100);
		const selection = selectEnsemble(
			[
				{ trial: 0, oof: noise },
				{ trial: 1, oof: good }
			],
			y,
			METRICS.logloss,
			2
		);
		expect(selection.weights[0].trial).toBe(1);
		expect(selection.weights[0].weight).toBeGreaterThan(0.5);
	});

	it('Platt scaling repairs over-confident probabilities; the threshold maximises accuracy', () => {
		const r = rng(5);
		const y = Float64Array.from({ length: 2000 }, () => (r() < 0.3 ? 1 : 0));
		// Right direction, far too confident.
		const p = Float64Array.from(y, (v) => (r() < 0.8 ? (v ? 0.99 : 0.01) : v ? 0.01 : 0.99));
		const calibration = fitCalibration(y, p, 2);
		expect(calibration?.kind).toBe('platt');
		const after = applyCalibration(calibration, p, 2);
		expect(METRICS.logloss.score(y, after, 2)).toBeLessThan(METRICS.logloss.score(y, p, 2));
		const skewed = Float64Array.from(y, (v) => (v ? 0.35 : 0.15) + r() * 0.1);
		expect(chooseThreshold(METRICS.accuracy, y, skewed)).toBeLessThan(0.36);
		expect(chooseThreshold(METRICS.auc, y, skewed)).toBe(0.5);
	});
});

describe('temperature calibration', () => {
	it('softens over-confident multiclass probabilities, sharpens no further than T = 0.5, and ranks blends as they will be used', () => {
		const r = rng(8);
		const k = 3;
		const y = Float64Array.from({ length: 3000 }, () => Math.floor(r() * k));
		const make = (confidence: (right: boolean) => number) => {
			const p = new Float64Array(y.length * k);
			for (let i = 0; i < y.length; i++) {
				const right = r() < 0.9;
				const top = right ? y[i] : (y[i] + 1) % k;
				for (let c = 0; c < k; c++)
					p[i * k + c] = c === top ? confidence(right) : (1 - confidence(right)) / 2;
			}
			return p;
		};
		const overConfident = make(() => 0.999);
		const soft = fitCalibration(y, overConfident, k);
		expect(soft?.kind).toBe('temperature');
		expect(soft && soft.kind === 'temperature' && soft.t).toBeGreaterThan(1.5);
		// The fitted temperature is the log loss's minimum.
		const t = soft!.kind === 'temperature' ? soft!.t : NaN;
		const lossAt = (temperature: number) =>
			METRICS.logloss.score(
				y,
				applyCalibration({ kind: 'temperature', t: temperature }, overConfident, k),
				k
			);
		expect(lossAt(t)).toBeLessThan(lossAt(t * 1.02));
		expect(lossAt(t)).toBeLessThan(lossAt(t / 1.02));
		// Every row right and timid: the log loss alone would sharpen without end.
		const timid = make(() => 0.6);
		for (let i = 0; i < y.length; i++) for (let c = 0; c < k; c++) timid[i * k + c] = c === y[i] ? 0.6 : 0.2;
		const sharp = fitCalibration(y, timid, k);
		expect(sharp && sharp.kind === 'temperature' && sharp.t).toBeCloseTo(0.5, 3);

		// Timid but nearly always right, against sharper and more often wrong: the raw log loss prefers the second,
		// and calibrated, the first is better. Selection for a log-loss run sees them calibrated.
		const wrong = (i: number) => (y[i] + 1) % k;
		const mostlyRight = new Float64Array(y.length * k).fill(0.25);
		const sharper = new Float64Array(y.length * k).fill(0.1);
		for (let i = 0; i < y.length; i++) {
			mostlyRight[i * k + (i % 20 === 0 ? wrong(i) : y[i])] = 0.5;
			sharper[i * k + (i % 20 < 3 ? wrong(i) : y[i])] = 0.8;
		}
		const pick = (view: (p: Float64Array) => Float64Array) =>
			selectEnsemble(
				[
					{ trial: 0, oof: view(mostlyRight) },
					{ trial: 1, oof: view(sharper) }
				],
				y,
				METRICS.logloss,
				k,
				1 // the best single candidate
			).weights[0].trial;
		expect(pick((p) => p)).toBe(1);
		expect(pick((p) => selfCalibrated(y, p, k))).toBe(0);
	});
});

describe('trainAutoML', () => {
	const options = { target: 'churned', timeLimitSeconds: 60, maxTrials: 4, seed: 1 };

	it('trains, beats chance clearly, and the artifact survives a JSON round trip', async () => {
		const train = churn(800, 1);
		const test = churn(300, 2);
		const events: string[] = [];
		const artifact = await trainAutoML(train, { ...options, onProgress: (e) => events.push(e.type) });
		expect(artifact.task).toBe('binary');
		expect(artifact.metric).toBe('auc');
		expect(artifact.target.classes).toEqual(['no', 'yes']);
		expect(artifact.validation.folds).toBe(15); // 5 folds, repeated 3 times on a small table
		expect(artifact.leaderboard).toHaveLength(4);
		expect(artifact.metrics.auc).toBeGreaterThan(0.85);
		expect(events[0]).toBe('plan');
		expect(events).toContain('trial-finished');
		expect(events).toContain('ensemble');
		const weights = artifact.members.reduce((s, m) => s + m.weight, 0);
		expect(weights).toBeCloseTo(1, 9);

		const again = parseArtifact(serialiseArtifact(artifact));
		const before = predictFrame(artifact, test);
		const after = predictFrame(again, test);
		expect(Array.from(after.probabilities!)).toEqual(Array.from(before.probabilities!));
		const truth = column(test, 'churned') as StringColumn;
		let right = 0;
		for (let i = 0; i < test.rowCount; i++) if (after.labels[i] === truth.dictionary[truth.codes[i]]) right++;
		expect(right / test.rowCount).toBeGreaterThan(0.8);
	});

	it('is deterministic for a seed when the clock does not cut trials', async () => {
		const data = churn(400, 3);
		const a = await trainAutoML(data, options);
		const b = await trainAutoML(data, options);
		expect(b.leaderboard.map((e) => [e.family, e.score])).toEqual(
			a.leaderboard.map((e) => [e.family, e.score])
		);
		expect(Array.from(predictFrame(b, data).probabilities!)).toEqual(
			Array.from(predictFrame(a, data).probabilities!)
		);
	});

	it('gives the same leaderboard and model with folds on two worker threads', async () => {
		const data = churn(400, 3);
		const inThread = await trainAutoML(data, options);
		const threaded = await trainAutoML(data, { ...options, threads: 2 });
		expect(threaded.leaderboard.map((e) => [e.family, e.score])).toEqual(
			inThread.leaderboard.map((e) => [e.family, e.score])
		);
		expect(Array.from(predictFrame(threaded, data).probabilities!)).toEqual(
			Array.from(predictFrame(inThread, data).probabilities!)
		);
	});

	it('stops within its time limit, and a cancelled run says so', async () => {
		const data = churn(3000, 4);
		const started = Date.now();
		const artifact = await trainAutoML(data, { target: 'churned', timeLimitSeconds: 3 });
		expect((Date.now() - started) / 1000).toBeLessThan(4.5);
		expect(artifact.training.trials).toBeGreaterThan(0);
		const controller = new AbortController();
		const run = trainAutoML(data, {
			target: 'churned',
			timeLimitSeconds: 60,
			signal: controller.signal,
			onProgress: (e) => {
				if (e.type === 'trial-finished') controller.abort();
			}
		});
		await expect(run).rejects.toThrow(/cancelled/);
	});

	it("fits preprocessing on each fold's training rows only", async () => {
		// A category that occurs only in some rows: a fold whose training rows lack it must not know it.
		const data = churn(300, 6);
		const plan = column(data, 'plan') as StringColumn;
		const rare = plan.dictionary.length;
		plan.dictionary = [...plan.dictionary, 'enterprise'];
		for (let i = 0; i < 10; i++) plan.codes[i * 30] = rare;
		const artifact = await trainAutoML(data, { ...options, maxTrials: 1 });
		const knows = artifact.foldEncoders.map((encoder) => {
			const spec = encoder.columns.find((c) => c.name === 'plan');
			return spec?.kind === 'categorical' && spec.categories.includes('enterprise');
		});
		// Every fold's encoder saw the category only if some of its training rows had it: with 10 such rows, each
		// fold still trains on most of them…
		expect(knows.every(Boolean)).toBe(true);
		// …and a column whose only non-missing values sit in validation rows is unknown to that fold.
		const onlyFirst = categorical(
			'flag',
			Array.from({ length: 300 }, (_, i) => (i === 0 ? 'x' : null))
		);
		const withFlag: DataFrame = { rowCount: 300, columns: [...data.columns, onlyFirst] };
		const flagged = await trainAutoML(withFlag, { ...options, maxTrials: 1 });
		const learned = flagged.foldEncoders.map((encoder) => {
			const spec = encoder.columns.find((c) => c.name === 'flag');
			return spec?.kind === 'categorical' ? spec.categories.length : -1;
		});
		// 5 folds × 3 repeats: row 0 is validated once per repeat.
		expect(learned.filter((count) => count === 0)).toHaveLength(3);
		expect(learned.filter((count) => count === 1)).toHaveLength(12);
	});

	it('multiclass and regression targets, metric override, clear errors', async () => {
		const data = churn(400, 7);
		const regression: DataFrame = {
			rowCount: 400,
			columns: data.columns.filter((c) => c.name !== 'churned')
		};
		const reg = await trainAutoML(regression, {
			target: 'spend',
			timeLimitSeconds: 30,
			maxTrials: 2,
			metric: 'mae'
		});
		expect(reg.task).toBe('regression');
		expect(reg.metric).toBe('mae');
		expect(reg.training.droppedRows).toBeGreaterThan(0); // rows without spend
		const multi = await trainAutoML(data, { target: 'plan', timeLimitSeconds: 30, maxTrials: 2 });
		expect(multi.task).toBe('multiclass');
		const p = predictFrame(multi, data).probabilities!;
		expect(p.length).toBe(400 * 3);
		await expect(trainAutoML(data, { target: 'nope', timeLimitSeconds: 5 })).rejects.toThrow(
			/no column "nope"/
		);
		await expect(
			trainAutoML(data, { target: 'churned', timeLimitSeconds: 5, metric: 'rmse' })
		).rejects.toThrow(AutoMLError);
	});

	it('warns about a leaking column and class imbalance', async () => {
		const data = churn(600, 8);
		const target = column(data, 'churned') as StringColumn;
		const leak = categorical(
			'cancel_reason',
			Array.from(target.codes, (c) => (target.dictionary[c] === 'yes' ? 'moved' : 'none'))
		);
		const frame: DataFrame = { rowCount: 600, columns: [...data.columns, leak] };
		const artifact = await trainAutoML(frame, { ...options, maxTrials: 1 });
		expect(artifact.warnings.join('\n')).toMatch(/"cancel_reason" alone predicts "churned" almost perfectly/);
	});

	it('an artifact of another version fails with a clear message', () => {
		expect(() => parseArtifact(JSON.stringify({ format: 'hunch-model', version: 99 }))).toThrow(
			/newer Hunch/
		);
		expect(() => parseArtifact('{"format":"other"}')).toThrow(ArtifactError);
		expect(() => parseArtifact('not json')).toThrow(/not valid JSON/);
	});

	it('reads version 1–3 bundles, written before linear models could bend, sparse arrays and refitted members', async () => {
		const data = churn(300, 5);
		const artifact = await trainAutoML(data, { ...options, maxTrials: 1, models: ['linear'] });
		expect(artifact.version).toBe(4);
		for (const version of [1, 2, 3]) {
			const old = parseArtifact(serialiseArtifact({ ...artifact, version }));
			expect(Array.from(predictFrame(old, data).probabilities!)).toEqual(
				Array.from(predictFrame(artifact, data).probabilities!)
			);
		}
	});
});

describe('target check (the wizard)', () => {
	it('describes a class target, warns about the leak and suggests leaving out the leak and the row ID', () => {
		const data = churn(600, 8);
		const target = column(data, 'churned') as StringColumn;
		const leak = categorical(
			'cancel_reason',
			Array.from(target.codes, (c) => (target.dictionary[c] === 'yes' ? 'moved' : 'none'))
		);
		const rowId = numeric(
			'row_number',
			Array.from({ length: 600 }, (_, i) => i + 1)
		);
		const check = checkTargetColumn({ rowCount: 600, columns: [rowId, ...data.columns, leak] }, 'churned');
		expect(check).toMatchObject({ task: 'binary', rows: 600, missing: 0, checkedRows: 600 });
		const yes = Array.from(target.codes).filter((c) => target.dictionary[c] === 'yes').length;
		expect(check.classes).toContainEqual({ label: 'yes', count: yes });
		expect(check.classes!.reduce((s, c) => s + c.count, 0)).toBe(600);
		expect(check.suggestedExclusions.map((e) => e.column).sort()).toEqual(['cancel_reason', 'row_number']);
		expect(check.warnings.find((w) => w.code === 'leakage')?.column).toBe('cancel_reason');
	});

	it('describes a numeric target with a histogram, on a sample of a large table', () => {
		const n = 30_000;
		const frame: DataFrame = {
			rowCount: n,
			columns: [
				numeric(
					'x',
					Array.from({ length: n }, (_, i) => i % 97)
				),
				numeric(
					'price',
					Array.from({ length: n }, (_, i) => (i % 1000) + 0.5)
				)
			]
		};
		const check = checkTargetColumn(frame, 'price');
		expect(check.task).toBe('regression');
		expect(check.numeric!.counts.reduce((a, b) => a + b, 0)).toBe(n);
		expect(check.numeric!.min).toBe(0.5);
		expect(check.numeric!.max).toBe(999.5);
		expect(check.checkedRows).toBe(20_000);
	});

	it('refuses a target with one value, naming it', () => {
		const frame: DataFrame = {
			rowCount: 3,
			columns: [numeric('a', [1, 2, 3]), categorical('flag', ['y', 'y', 'y'])]
		};
		expect(() => checkTargetColumn(frame, 'flag')).toThrow(TargetError);
		expect(() => checkTargetColumn(frame, 'flag')).toThrow(/only one value \("y"\)/);
	});
});

describe('ensemble selection on a big table', () => {
	it('selects on a subsample but reports the blend’s score on every row', () => {
		const r = rng(31);
		const n = 50_000;
		const y = Float64Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
		const good = Float64Array.from(y, (v) => Math.min(1, Math.max(0, 0.3 + 0.4 * v + (r() - 0.5) * 0.6)));
		const bad = Float64Array.from(y, () => r());
		const selection = selectEnsemble(
			[
				{ trial: 0, oof: bad },
				{ trial: 1, oof: good }
			],
			y,
			METRICS.auc,
			2
		);
		expect(selection.weights[0].trial).toBe(1);
		const blended = new Float64Array(n);
		for (const w of selection.weights) {
			const oof = w.trial === 1 ? good : bad;
			for (let i = 0; i < n; i++) blended[i] += w.weight * oof[i];
		}
		expect(selection.score).toBeCloseTo(METRICS.auc.score(y, blended, 2), 12);
	});

	it('multiclass: scores blends on the subsample against each sampled row’s own label', () => {
		// Labels are one number a row, predictions one per class: a subsample that took the labels at the
		// predictions' stride scored blends against other rows' labels (and past the end).
		const r = rng(8);
		const n = 30_000;
		const y = Float64Array.from({ length: n }, () => Math.floor(r() * 3));
		const good = new Float64Array(n * 3);
		const bad = new Float64Array(n * 3);
		for (let i = 0; i < n; i++) {
			for (let k = 0; k < 3; k++) good[i * 3 + k] = k === y[i] ? 0.6 : 0.2;
			const a = r();
			const b = r() * (1 - a);
			bad.set([a, b, 1 - a - b], i * 3);
		}
		const selection = selectEnsemble(
			[
				{ trial: 0, oof: bad },
				{ trial: 1, oof: good }
			],
			y,
			METRICS.logloss,
			3
		);
		expect(selection.weights).toEqual([{ trial: 1, weight: 1 }]);
	});
});
