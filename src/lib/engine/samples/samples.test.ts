import { describe, expect, it } from 'vitest';
import { readCsv } from '../ingest/read-csv';
import { bufferChunks } from '../ingest/sources';
import { SAMPLE_DATASETS } from './samples';

describe('sample datasets', () => {
	it('are the same on every call (seeded)', () => {
		for (const sample of SAMPLE_DATASETS) expect(sample.csv()).toBe(sample.csv());
	});

	it('read with the types an analyst expects', async () => {
		const [churn, houses] = await Promise.all(
			SAMPLE_DATASETS.map((s) => readCsv(bufferChunks(s.csv(), 1 << 16)))
		);
		const types = (r: typeof churn) => Object.fromEntries(r.frame.columns.map((c) => [c.name, c.type]));
		expect(types(churn)).toMatchObject({
			customer_id: 'identifier',
			tenure_months: 'numeric',
			contract: 'categorical',
			total_charges: 'numeric',
			paperless_billing: 'boolean',
			churned: 'boolean'
		});
		expect(types(houses)).toMatchObject({
			house_id: 'identifier',
			neighborhood: 'categorical',
			sale_date: 'datetime',
			sale_price: 'numeric',
			garage: 'boolean'
		});
		expect(churn.frame.rowCount).toBe(2000);
		expect(houses.frame.rowCount).toBe(1500);
	});

	it('carry the relationships they are documented to have', async () => {
		const { frame } = await readCsv(bufferChunks(SAMPLE_DATASETS[0].csv(), 1 << 16));
		const contract = frame.columns.find((c) => c.name === 'contract')!;
		const churned = frame.columns.find((c) => c.name === 'churned')!;
		if (!('codes' in contract) || churned.type !== 'boolean') throw new Error('unexpected types');
		const rate = (label: string) => {
			let n = 0;
			let yes = 0;
			for (let i = 0; i < frame.rowCount; i++) {
				if (contract.dictionary[contract.codes[i]] !== label) continue;
				n++;
				yes += churned.values[i];
			}
			return yes / n;
		};
		expect(rate('Month-to-month')).toBeGreaterThan(rate('Two year') + 0.2);
	});
});
