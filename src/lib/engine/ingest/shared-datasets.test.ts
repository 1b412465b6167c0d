import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileFrame } from '../profile/profile';
import { readTableFile } from './read-table';

/** Every real dataset in ../shared/datasets reads cleanly with sensible types (skipped where absent). */
const dir = path.resolve(__dirname, '../../../../../shared/datasets');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.csv')) : [];

describe.skipIf(files.length === 0)('shared datasets', () => {
	it.each(files)(
		'%s reads and profiles',
		async (file) => {
			const result = await readTableFile(path.join(dir, file), { fileName: file });
			expect(result.frame.rowCount).toBeGreaterThan(10);
			const profile = profileFrame(result.frame, result.notes, result.notices);
			// Nothing in these files is free text, and most columns are numbers or categories.
			const types = profile.columns.map((c) => c.type);
			expect(
				types.filter((t) => t === 'numeric' || t === 'categorical' || t === 'boolean').length
			).toBeGreaterThan(types.length / 2);
			expect(profile.columns.every((c) => c.missing <= result.frame.rowCount)).toBe(true);
		},
		60_000
	);

	it('types the columns of well-known files as an analyst would', async () => {
		const adult = await readTableFile(path.join(dir, 'adult.csv'), { fileName: 'adult.csv' });
		const types = Object.fromEntries(adult.frame.columns.map((c) => [c.name, c.type]));
		expect(types).toMatchObject({
			age: 'numeric',
			workclass: 'categorical',
			education: 'categorical',
			sex: 'categorical',
			'hours-per-week': 'numeric'
		});
		const pima = await readTableFile(path.join(dir, 'PimaIndiansDiabetes2.csv'), { fileName: 'Pima.csv' });
		const glucose = profileFrame(pima.frame, pima.notes).columns.find((c) => c.name === 'glucose')!;
		expect(glucose.type).toBe('numeric');
		expect(glucose.missing).toBeGreaterThan(0); // NA in the file
	});
});
