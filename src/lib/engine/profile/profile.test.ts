import { describe, expect, it } from 'vitest';
import { readCsv } from '../ingest/read-csv';
import { bufferChunks } from '../ingest/sources';
import { countDuplicateRows, profileFrame } from './profile';

async function profileOf(csv: string) {
	const { frame, notes, notices } = await readCsv(bufferChunks(csv));
	return profileFrame(frame, notes, notices);
}

function codes(profile: Awaited<ReturnType<typeof profileOf>>) {
	return profile.warnings.map((w) => `${w.code}${w.column ? `:${w.column}` : ''}`);
}

describe('profile', () => {
	it('summarises numbers, categories and booleans', async () => {
		const rows = Array.from(
			{ length: 100 },
			(_, i) => `${((i * 37) % 100) + 1},${['a', 'b', 'b'][i % 3]},${i % 2 ? 'yes' : 'no'}`
		);
		const profile = await profileOf(['x,c,flag', ...rows].join('\n'));
		const [x, c, flag] = profile.columns;
		expect(profile.rows).toBe(100);
		expect(x.numeric).toMatchObject({ min: 1, max: 100, mean: 50.5 });
		expect(x.numeric!.quantiles.p50).toBe(50.5);
		expect(x.numeric!.std).toBeCloseTo(29.011, 3);
		expect(x.numeric!.histogram.counts.reduce((a, b) => a + b, 0)).toBe(100);
		expect(c.categories!.top).toEqual([
			{ value: 'b', count: 66 },
			{ value: 'a', count: 34 }
		]);
		expect(flag.boolean).toMatchObject({ trueCount: 50, falseCount: 50 });
	});

	it('warns in plain words about the usual data problems', async () => {
		const header = 'id,const,sparse,sentinel,mostly_num,when,city';
		const rows = Array.from({ length: 200 }, (_, i) =>
			[
				i + 1,
				'same',
				i % 10 === 0 ? i : '',
				i % 20 === 0 ? -1 : 30 + (i % 40),
				i % 25 === 0 ? 'unknown' : String(i % 7),
				`0${(i % 9) + 1}/0${(i % 8) + 1}/2024`,
				`city-${i}`
			].join(',')
		);
		rows.push(rows[5], rows[6]); // two duplicates
		const profile = await profileOf([header, ...rows].join('\n'));
		expect(codes(profile)).toEqual(
			expect.arrayContaining([
				'duplicate_rows', // (the copies repeat ids, so "id" is no longer all-distinct: no ID warning here)
				'high_cardinality:city',
				'constant_column:const',
				'mostly_missing:sparse',
				'disguised_missing:sentinel',
				'numbers_as_text:mostly_num',
				'ambiguous_dates:when'
			])
		);
		expect(profile.duplicateRows).toBe(2);
		for (const w of profile.warnings) {
			expect(w.message.length).toBeGreaterThan(10);
			expect(w.why.length).toBeGreaterThan(10);
			expect(w.fix.length).toBeGreaterThan(5);
		}
	});

	it('flags a very high-cardinality category', async () => {
		const rows = Array.from({ length: 300 }, (_, i) => `${['x y', 'z w'][i % 2]} ${i % 250},${i % 5}`);
		const profile = await profileOf(['place,n', ...rows].join('\n'));
		expect(codes(profile)).toContain('high_cardinality:place');
	});

	it('does not cry wolf on a clean file', async () => {
		const rows = Array.from(
			{ length: 50 },
			(_, i) => `${20 + (i % 30)},${['m', 'f'][i % 2]},${1000 + i * 10}`
		);
		const profile = await profileOf(['age,sex,income', ...rows].join('\n'));
		expect(profile.warnings).toEqual([]);
	});

	it('counts exact duplicate rows only', async () => {
		const { frame } = await readCsv(bufferChunks('a,b\n1,x\n1,x\n1,y\n2,x\n1,x\n'));
		expect(countDuplicateRows(frame)).toBe(2);
	});
});
