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
