import { describe, expect, it } from 'vitest';
import { predictFrame } from '../automl/predict';
import { trainAutoML } from '../automl/train';
import { churn, datetime } from '../testing/tables';
import { describeInputs, inputFields, type InputField } from './input-schema';
import { scoreTable, spreadsheetSafe } from './score-table';
import { predictRows } from './predict-rows';
import { parseRows } from './rows';

const fields: InputField[] = [
	{ name: 'tenure', type: 'numeric', min: 0, max: 60, integer: true },
	{ name: 'plan', type: 'categorical', categories: ['basic', 'plus', 'pro'] },
	{ name: 'paperless', type: 'boolean', labels: ['No', 'Yes'] },
	{ name: 'signed', type: 'datetime', min: Date.UTC(2020, 0, 1), max: Date.UTC(2024, 0, 1) },
	{ name: 'note', type: 'text' }
];
const good = { tenure: 12, plan: 'plus', paperless: 'Yes', signed: '2022-05-01', note: 'called twice' };

describe('request rows', () => {
	it('converts good rows, accepting numbers as text, yes/no words, null as missing, and the target', () => {
		const parsed = parseRows(
			fields,
			[good, { tenure: '1,200', plan: null, paperless: false, signed: null, note: 'NA', churned: 'yes' }],
			'churned'
		);
		expect(parsed.problems).toEqual([]);
		expect(parsed.frame.rowCount).toBe(2);
		const tenure = parsed.frame.columns[0] as { values: Float64Array };
		expect(Array.from(tenure.values)).toEqual([12, 1200]);
		expect(parsed.missing).toEqual([[], ['plan', 'signed', 'note']]);
		expect(parsed.outOfRange).toEqual([[], ['tenure']]);
	});

	it('names the row and field of every problem', () => {
		const { tenure: _omit, ...withoutTenure } = good;
		void _omit;
		const parsed = parseRows(fields, [
			{ ...good, tenure: 'abc' },
			{ ...good, plan: 'gold' },
			withoutTenure,
			{ ...good, colour: 'red' },
			{ ...good, signed: '31 Feb' },
			{ ...good, paperless: 'maybe' },
			[1, 2]
		]);
		const by = (row: number) => parsed.problems.filter((p) => p.row === row);
		expect(by(0)).toEqual([{ row: 0, field: 'tenure', message: '"tenure" expects a number, got "abc"' }]);
		expect(by(1)[0].message).toBe(
			'"plan" has no category "gold" in the training data; known: "basic", "plus", "pro"'
		);
		expect(by(2)[0]).toMatchObject({ field: 'tenure', message: expect.stringContaining('is missing') });
		expect(by(3)[0]).toMatchObject({ field: 'colour', message: expect.stringContaining('not an input') });
		expect(by(4)[0]).toMatchObject({ field: 'signed', message: expect.stringContaining('expects a date') });
		expect(by(5)[0]).toMatchObject({ field: 'paperless', message: expect.stringContaining('"Yes" or "No"') });
		expect(by(6)[0]).toMatchObject({ field: '', message: 'row 7 is not an object of field values' });
	});
});

describe('predictRows', () => {
	it('answers like predictFrame, with probabilities, top contributions that add up, and flags', async () => {
		const data = churn(300, 4);
		data.columns.push(
			datetime(
				'signed',
				Array.from({ length: 300 }, (_, i) => Date.UTC(2023, 0, 1) + i * 86_400_000)
			)
		);
		const artifact = await trainAutoML(data, { target: 'churned', timeLimitSeconds: 30, maxTrials: 2 });
		const schema = artifact.inputSchema!;
		expect(schema.map((f) => f.name)).toEqual(['tenure', 'spend', 'plan', 'signed']);
		expect(describeInputs({ rowCount: 0, columns: [] })).toEqual([]);
		const parsed = parseRows(schema, [
			{ tenure: 3, spend: 80, plan: 'basic', signed: '2023-02-01' },
			{ tenure: 500, spend: null, plan: 'pro', signed: '2023-03-01' }
		]);
		expect(parsed.problems).toEqual([]);
		const [a, b] = predictRows(artifact, parsed, { top: 2 });
		const direct = predictFrame(artifact, parsed.frame);
		expect(a.prediction).toBe(direct.labels[0]);
		expect(a.probabilities!.yes).toBeCloseTo(direct.probabilities![1], 12);
		expect(a.explanation).toHaveLength(2);
		const all = predictRows(artifact, parsed, { explain: 'all' })[0];
		const sum = all.explanation!.reduce((s, c) => s + c.contribution, all.baseline!);
		expect(sum).toBeCloseTo(a.probabilities!.yes, 9);
		expect(b.missing).toEqual(['spend']);
		expect(b.outOfRange).toEqual(['tenure']);
		expect(predictRows(artifact, parsed, { explain: 'none' })[0].explanation).toBeUndefined();

		// The schema keeps a typical value per input: the median number and date, the most common category.
		const tenure = schema[0] as { typical?: number; min: number; max: number };
		expect(tenure.typical).toBeGreaterThan(tenure.min);
		expect(tenure.typical).toBeLessThan(tenure.max);
		expect(schema[3]).toMatchObject({ typical: Date.UTC(2023, 0, 1) + 150 * 86_400_000 });
		expect(['basic', 'plus', 'pro']).toContain((schema[2] as { typical?: string }).typical);
		expect(inputFields({ inputColumns: [{ name: 'x', type: 'numeric' }] })).toEqual([
			{ name: 'x', type: 'numeric', min: NaN, max: NaN, integer: false }
		]);
	}, 60_000);
});

describe('scoreTable', () => {
	it('adds prediction, probability and reasons in words to every row, keeping the columns', async () => {
		const data = churn(300, 5);
		const artifact = await trainAutoML(data, { target: 'churned', timeLimitSeconds: 30, maxTrials: 1 });
		const input = churn(40, 6);
		input.columns = input.columns.filter((c) => c.name !== 'churned');
		const table = scoreTable(artifact, input);
		expect(table.header).toEqual([
			'tenure',
			'spend',
			'plan',
			'prediction',
			'probability',
			'reason_1',
			'reason_2',
			'reason_3'
		]);
		expect(table.rows).toHaveLength(40);
		expect(table.explainedRows).toBe(40);
		const direct = predictFrame(artifact, input);
		table.rows.forEach((row, i) => {
			expect(row[3]).toBe(direct.labels[i]);
			const k = artifact.target.classes.indexOf(direct.labels[i]);
			expect(row[4]).toBeCloseTo(direct.probabilities![i * 2 + k], 5);
			expect(row[5]).toMatch(/^(tenure|spend|plan) = \S+ \([+−][\d.,]+%\)$/);
		});
		expect(table.rows[0][0]).toBe((input.columns[0] as { values: Float64Array }).values[0]);
	}, 60_000);

	it('stops writing reasons at the deadline, never predictions, and names columns that are absent', async () => {
		const artifact = await trainAutoML(churn(300, 7), {
			target: 'churned',
			timeLimitSeconds: 30,
			maxTrials: 1
		});
		const input = churn(2500, 8);
		input.columns = input.columns.filter((c) => c.name !== 'churned' && c.name !== 'spend');
		let calls = 0;
		const table = scoreTable(artifact, input, { deadline: 2, now: () => calls++ });
		expect(table.explainedRows).toBe(2000);
		expect(table.absentColumns).toEqual(['spend']);
		expect(table.rows[2499].slice(2, 4)).toEqual([expect.any(String), expect.any(Number)]);
		expect(table.rows[2499].slice(4)).toEqual([null, null, null]);
		expect(table.rows[1999][4]).toEqual(expect.any(String));
		const renamed = scoreTable(artifact, {
			rowCount: 1,
			columns: [...churn(1, 9).columns, { ...churn(1, 9).columns[0], name: 'prediction' }]
		});
		expect(renamed.header).toContain('prediction_2');
	}, 60_000);
});

describe('spreadsheetSafe', () => {
	it('defuses anything a spreadsheet would run as a formula and leaves numbers and text alone', () => {
		for (const evil of ['=1+1', '+cmd|" /C calc"!A0', '-2+3', '@SUM(A1)', '\t=x', '\r=x', '=HYPERLINK("x")'])
			expect(spreadsheetSafe(evil)).toBe(`'${evil}`);
		for (const fine of ['-3', '+4.5', '-1e5', 'plain', 'a=b', '', 12, -7, null])
			expect(spreadsheetSafe(fine)).toBe(fine);
	});
});
