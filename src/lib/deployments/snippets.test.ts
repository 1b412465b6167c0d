import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { snippet } from './snippets';

const hasPython = (() => {
	try {
		execFileSync('python3', ['--version']);
		return true;
	} catch {
		return false;
	}
})();
const url = 'http://localhost:3000/api/v1/deployments/churn-risk/predict';
const row = { tenure: 4, plan: 'Bob\'s "gold" plan', paperless: true, signed: '2024-01-31', notes: null };

describe('code snippets', () => {
	it('curl sends the exact JSON body, even with quotes in values, and the key only when needed', () => {
		const text = snippet('curl', { url, row, needsKey: true });
		expect(text).toContain('Authorization: Bearer $HUNCH_API_KEY');
		expect(snippet('curl', { url, row, needsKey: false })).not.toContain('Authorization');
		// Let the shell parse the -d argument: it must be the JSON we meant.
		const body = /-d ([\s\S]+)$/.exec(text)![1];
		const parsed = execFileSync('bash', ['-c', `printf %s ${body}`], { encoding: 'utf8' });
		expect(JSON.parse(parsed)).toEqual({ rows: [row] });
	});

	it('JavaScript embeds the body as a literal that evaluates to the row', () => {
		const text = snippet('javascript', { url, row, needsKey: true });
		const literal = /JSON\.stringify\(([\s\S]+?)\)\n\}\);/.exec(text)![1];
		expect(new Function(`return (${literal});`)()).toEqual({ rows: [row] });
		expect(text).toContain('process.env.HUNCH_API_KEY');
	});

	it('Python writes None/True/False and reads the key from the environment', () => {
		const text = snippet('python', { url, row, needsKey: true });
		expect(text).toContain('"paperless": True');
		expect(text).toContain('"notes": None');
		expect(text).toContain(`os.environ['HUNCH_API_KEY']`);
		expect(snippet('python', { url, row, needsKey: false })).not.toContain('import os');
	});

	it.runIf(hasPython)('Python is valid Python whose json= argument is the row', () => {
		const text = snippet('python', { url, row, needsKey: true });
		const literal = /json=([\s\S]+?),\n {4}timeout/.exec(text)![1];
		const script = `import ast, json, sys\nast.parse(sys.argv[1])\nprint(json.dumps(ast.literal_eval(sys.argv[2])))`;
		const out = execFileSync('python3', ['-c', script, text, literal], { encoding: 'utf8' });
		expect(JSON.parse(out)).toEqual({ rows: [row] });
	});
});
