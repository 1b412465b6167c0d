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

	it('reads −1 in a −1 / 0 / 1 or −1 / 1 code as a level, not a stand-in for missing', async () => {
		const rows = Array.from(
			{ length: 90 },
			(_, i) => `${(i % 3) - 1},${i % 4 === 0 ? -1 : 1},${i % 9 === 0 ? -1 : 1 + (i % 50)}`
		);
		const profile = await profileOf(['ternary,signed,days', ...rows].join('\n'));
		expect(codes(profile).filter((c) => c.startsWith('disguised_missing'))).toEqual([
			'disguised_missing:days'
		]);
	});

	it('flags a very high-cardinality category', async () => {
		const rows = Array.from({ length: 300 }, (_, i) => `${['x y', 'z w'][i % 2]} ${i % 250},${i % 5}`);
		const profile = await profileOf(['place,n', ...rows].join('\n'));
		expect(codes(profile)).toContain('high_cardinality:place');
	});

	it('does not cry wolf on a clean file', async () => {
		const rows = Array.from(
			{ length: 50 },
			(_, i) => `${20 + (i % 30)},${['m', 'f'][i % 2]},${1000 + i * 10},${i % 3 === 0 ? 1 : 0}`
		);
		const profile = await profileOf(['age,sex,income,member', ...rows].join('\n'));
		expect(profile.columns[3].type).toBe('boolean');
		expect(profile.warnings).toEqual([]);
	});

	it('reads digits with and without leading zeros as codes, not as numbers stored as text', async () => {
		// Parcels sold twice repeat, so the column is not all-distinct (not an ID).
		const cells = Array.from({ length: 40 }, (_, i) =>
			i % 5 === 0 ? `0${7200179 + (i % 20)}` : `${795000620 + (i % 20)}`
		);
		const profile = await profileOf(['parcel', ...cells].join('\n'));
		expect(profile.columns[0].type).toBe('categorical');
		expect(profile.warnings.map((w) => w.code)).not.toContain('numbers_as_text');
	});

	it('says when a column mixes money, percentages and plain numbers', async () => {
		const cells = Array.from({ length: 40 }, (_, i) => [`$${i + 10}`, `${i}%`, `${i * 3}`][i % 3]);
		const profile = await profileOf(['amount', ...cells].join('\n'));
		const warning = profile.warnings.find((w) => w.code === 'numbers_as_text');
		expect(warning?.message).toBe(
			'"amount" mixes numbers written in different ways (money, percentages, plain numbers), so Hunch treats the column as categories.'
		);
	});

	it('reads ISO 8601 basic date-times as dates', async () => {
		const cells = Array.from({ length: 30 }, (_, i) => `201406${String(i + 1).padStart(2, '0')}T000000`);
		const profile = await profileOf(['sold', ...cells].join('\n'));
		expect(profile.columns[0].type).toBe('datetime');
		expect(profile.warnings.map((w) => w.code)).not.toContain('dates_as_text');
	});

	it('counts exact duplicate rows only', async () => {
		const { frame } = await readCsv(bufferChunks('a,b\n1,x\n1,x\n1,y\n2,x\n1,x\n'));
		expect(countDuplicateRows(frame)).toBe(2);
	});

	it('counts duplicates in a large table as a set of whole rows does', async () => {
		let seed = 3;
		const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 40;
		const rows = Array.from(
			{ length: 20_000 },
			() => `${next()},${next() < 20 ? '' : next()},c${next() % 7}`
		);
		const { frame } = await readCsv(bufferChunks(['a,b,c', ...rows].join('\n')));
		expect(countDuplicateRows(frame)).toBe(rows.length - new Set(rows).size);
	});

	it('lists the ten most frequent categories, ties in alphabetical order, and counts every category', async () => {
		// k0…k24 appear 3, 3, 2, 2, 2, … times: ties beyond the tenth place are cut alphabetically.
		const cells = Array.from({ length: 25 }, (_, k) => Array(k < 2 ? 3 : 2).fill(`k${k}`)).flat();
		const profile = await profileOf(['c', ...cells.reverse()].join('\n'));
		const { categories, distinct } = profile.columns[0];
		expect(distinct).toBe(25);
		expect(categories!.top.map((t) => `${t.value}:${t.count}`)).toEqual([
			'k0:3',
			'k1:3',
			'k10:2',
			'k11:2',
			'k12:2',
			'k13:2',
			'k14:2',
			'k15:2',
			'k16:2',
			'k17:2'
		]);
		expect(categories!.otherCount).toBe(cells.length - 6 - 16);
	});
});
