/** Small synthetic tables for engine tests: a seeded generator, column builders, a churn-like table. */
import type { DataFrame, DatetimeColumn, NumericColumn, StringColumn } from '../frame/types';

/** A seeded uniform [0, 1) generator (LCG): same seed, same numbers. */
export function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** A numeric column; NaN entries are missing. */
export function numeric(name: string, values: number[]): NumericColumn {
	return {
		name,
		type: 'numeric',
		values: Float64Array.from(values, (v) => (Number.isNaN(v) ? NaN : v)),
		missing: Uint8Array.from(values, (v) => (Number.isNaN(v) ? 1 : 0)),
		integer: values.every((v) => Number.isNaN(v) || Number.isInteger(v))
	};
}

/** A categorical column; null entries are missing. */
export function categorical(name: string, values: (string | null)[]): StringColumn {
	const dictionary: string[] = [];
	const index = new Map<string, number>();
	const codes = Int32Array.from(values, (v) => {
		if (v === null) return -1;
		if (!index.has(v)) {
			index.set(v, dictionary.length);
			dictionary.push(v);
		}
		return index.get(v)!;
	});
	return { name, type: 'categorical', codes, dictionary };
}

/** A datetime column from epoch milliseconds; NaN entries are missing. */
export function datetime(name: string, values: number[]): DatetimeColumn {
	return {
		name,
		type: 'datetime',
		values: Float64Array.from(values),
		missing: Uint8Array.from(values, (v) => (Number.isNaN(v) ? 1 : 0))
	};
}

/** A churn-like table: tenure and spend (5% missing), a plan, and a yes/no target driven by all three. */
export function churn(n: number, seed = 1): DataFrame {
	const r = rng(seed);
	const tenure: number[] = [];
	const spend: number[] = [];
	const plan: string[] = [];
	const churned: string[] = [];
	for (let i = 0; i < n; i++) {
		tenure.push(Math.round(r() * 60));
		spend.push(r() < 0.05 ? NaN : Math.round(r() * 1000) / 10);
		plan.push(['basic', 'plus', 'pro'][Math.floor(r() * 3)]);
		const score =
			-tenure[i] / 20 + (plan[i] === 'basic' ? 1 : -0.5) + (spend[i] > 60 ? 0.8 : 0) + (r() - 0.5);
		churned.push(score > 0 ? 'yes' : 'no');
	}
	return {
		rowCount: n,
		columns: [
			numeric('tenure', tenure),
			numeric('spend', spend),
			categorical('plan', plan),
			categorical('churned', churned)
		]
	};
}
