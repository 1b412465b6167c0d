import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunch-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
	let out = '';
	let err = '';
	const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
	return { code, out, err };
}

describe('hunch profile', () => {
	it('prints the profile contract as JSON', async () => {
		const file = path.join(dir, 'people.csv');
		fs.writeFileSync(file, 'age,city,member\n31,Oslo,yes\n45,Lima,no\n,Oslo,yes\n');
		const { code, out } = await run('profile', file, '--json');
		expect(code).toBe(0);
		const json = JSON.parse(out);
		expect(json.rows).toBe(3);
		expect(
			json.columns.map((c: { name: string; type: string; missing: number; distinct: number }) => [
				c.name,
				c.type,
				c.missing,
				c.distinct
			])
		).toEqual([
			['age', 'numeric', 1, 2],
			['city', 'categorical', 0, 2],
			['member', 'boolean', 0, 2]
		]);
		expect(Array.isArray(json.warnings)).toBe(true);
	});

	it('prints a readable table without --json', async () => {
		const file = path.join(dir, 'small.csv');
		fs.writeFileSync(file, 'a,b\n1,x\n2,y\n');
		const { code, out } = await run('profile', file);
		expect(code).toBe(0);
		expect(out).toMatch(/small.csv: 2 rows × 2 columns/);
	});

	it('exits non-zero with one line naming the problem', async () => {
		const empty = path.join(dir, 'empty.csv');
		fs.writeFileSync(empty, '');
		for (const argv of [
			['profile', empty],
			['profile', path.join(dir, 'missing.csv')],
			['profile'],
			['frobnicate']
		]) {
			const { code, err } = await run(...argv);
			expect(code).not.toBe(0);
			expect(err.trim().split('\n')).toHaveLength(1);
			expect(err).toMatch(/^hunch: /);
		}
	});
});

describe('hunch train / predict / evaluate', () => {
	function writeChurn(file: string, n: number, seed: number, withTarget = true) {
		let s = seed;
		const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
		const lines = [['tenure', 'plan', 'spend', ...(withTarget ? ['churned'] : [])].join(',')];
		for (let i = 0; i < n; i++) {
			const tenure = Math.round(r() * 60);
			const plan = ['basic', 'plus', 'pro'][Math.floor(r() * 3)];
			const spend = r() < 0.05 ? '' : (r() * 100).toFixed(1);
			const churned = -tenure / 20 + (plan === 'basic' ? 1 : -0.5) + (r() - 0.5) > 0 ? 'yes' : 'no';
			lines.push([tenure, plan, spend, ...(withTarget ? [churned] : [])].join(','));
		}
		fs.writeFileSync(file, lines.join('\n') + '\n');
	}

	it('trains a model folder, predicts one row per input row with class probabilities, evaluates', async () => {
		const train = path.join(dir, 'churn-train.csv');
		const test = path.join(dir, 'churn-test.csv');
		const unlabelled = path.join(dir, 'churn-new.csv');
		writeChurn(train, 500, 1);
		writeChurn(test, 120, 2);
		writeChurn(unlabelled, 30, 3, false);
		const model = path.join(dir, 'model');
		const trained = await run(
			'train',
			train,
			'--target',
			'churned',
			'--time-limit',
			'20',
			'--seed',
			'1',
			'--max-trials',
			'3',
			'--out',
			model
		);
		expect(trained.code).toBe(0);
		expect(trained.err).toMatch(/binary task/);
		expect(trained.err).toMatch(/Leaderboard/);
		expect(fs.existsSync(path.join(model, 'model.json'))).toBe(true);

		const preds = path.join(dir, 'preds.csv');
		const predicted = await run('predict', model, unlabelled, '--out', preds);
		expect(predicted.code).toBe(0);
		const lines = fs.readFileSync(preds, 'utf8').trim().split('\n');
		expect(lines[0]).toBe('prediction,proba_no,proba_yes');
		expect(lines).toHaveLength(31);
		for (const line of lines.slice(1)) {
			const [label, no, yes] = line.split(',');
			expect(['yes', 'no']).toContain(label);
			expect(Number(no) + Number(yes)).toBeCloseTo(1, 6);
		}
		// Without --out, to stdout; the target column may be present.
		const toStdout = await run('predict', model, test);
		expect(toStdout.out.trim().split('\n')).toHaveLength(121);

		const evaluated = await run('evaluate', model, test);
		expect(evaluated.code).toBe(0);
		const metrics = JSON.parse(evaluated.out);
		expect(metrics.metric).toBe('auc');
		expect(metrics.rows).toBe(120);
		expect(metrics.metrics.auc).toBeGreaterThan(0.8);
	}, 60_000);

	it('finishes within --time-limit counted from when the command started, writing the model included', async () => {
		const train = path.join(dir, 'churn-timed.csv');
		writeChurn(train, 3000, 4);
		const model = path.join(dir, 'timed');
		// As if starting the process and loading the engine had taken 1.5 s of the 10.
		const started = Date.now() - 1500;
		const io = { out: () => {}, err: () => {} };
		const argv = ['train', train, '--target', 'churned', '--time-limit', '10', '--out', model];
		expect(await main(argv, io, started)).toBe(0);
		expect(Date.now() - started).toBeLessThanOrEqual(10_000);
		expect(fs.existsSync(path.join(model, 'model.json'))).toBe(true);
	}, 30_000);

	it('bad input: one line, non-zero exit, naming the problem', async () => {
		const file = path.join(dir, 'tiny.csv');
		fs.writeFileSync(file, 'a,b\n1,x\n2,x\n3,x\n4,x\n5,x\n6,x\n7,x\n8,x\n9,x\n10,x\n11,x\n');
		const empty = path.join(dir, 'empty.csv');
		fs.writeFileSync(empty, 'a,b\n');
		const cases: [string[], RegExp][] = [
			[['train', file, '--target', 'zzz', '--out', path.join(dir, 'm1')], /no column "zzz"/],
			[['train', file, '--target', 'b', '--out', path.join(dir, 'm2')], /only one value/],
			[['train', empty, '--target', 'a', '--out', path.join(dir, 'm3')], /no data rows|no rows/],
			[['train', file, '--out', path.join(dir, 'm4')], /--target/],
			[['train', file, '--target', 'a', '--out', path.join(dir, 'm5'), '--task', 'nonsense'], /--task/],
			[['train', file, '--target', 'a', '--out', path.join(dir, 'm6'), '--metric', 'auc'], /does not apply/],
			[['predict', path.join(dir, 'no-such-model'), file], /no such model folder/],
			[['evaluate', dir, file], /no model\.json/]
		];
		for (const [argv, message] of cases) {
			const { code, err } = await run(...argv);
			expect(code, argv.join(' ')).not.toBe(0);
			expect(err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
			expect(err, argv.join(' ')).toMatch(message);
		}
	});
});
