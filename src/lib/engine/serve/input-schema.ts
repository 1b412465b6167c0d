/**
 * What a prediction request must look like: one field per input column the model was trained on, with its
 * type and what training saw (numeric and date ranges, the categories, the yes/no words). Computed once at
 * training and kept in the artifact; request rows are checked against it (`rows.ts`), and the share page's
 * form is generated from it.
 */
import { columnLength, isMissing, type Column, type DataFrame } from '../frame/types';

/** Categories listed in the schema (and checked); a column with more accepts any text. */
const MAX_LISTED_CATEGORIES = 5000;

export type InputField =
	| { name: string; type: 'numeric'; min: number; max: number; integer: boolean }
	| { name: string; type: 'datetime'; min: number; max: number }
	| { name: string; type: 'boolean'; labels: [string, string] }
	| { name: string; type: 'categorical'; categories: string[] | null }
	| { name: string; type: 'text' | 'identifier' };

function range(column: Column & { values: Float64Array }): { min: number; max: number } {
	let min = Infinity;
	let max = -Infinity;
	for (let i = 0; i < column.values.length; i++) {
		if (isMissing(column, i)) continue;
		min = Math.min(min, column.values[i]);
		max = Math.max(max, column.values[i]);
	}
	return Number.isFinite(min) ? { min, max } : { min: NaN, max: NaN };
}

export function describeInputs(frame: DataFrame): InputField[] {
	return frame.columns.map((column): InputField => {
		const name = column.name;
		switch (column.type) {
			case 'numeric':
				return { name, type: 'numeric', ...range(column), integer: column.integer };
			case 'datetime':
				return { name, type: 'datetime', ...range(column) };
			case 'boolean':
				return { name, type: 'boolean', labels: column.labels };
			case 'categorical': {
				const used = new Uint8Array(column.dictionary.length);
				for (let i = 0; i < columnLength(column); i++) if (column.codes[i] >= 0) used[column.codes[i]] = 1;
				const categories = column.dictionary.filter((_, code) => used[code]).sort();
				return {
					name,
					type: 'categorical',
					categories: categories.length <= MAX_LISTED_CATEGORIES ? categories : null
				};
			}
			default:
				return { name, type: column.type };
		}
	});
}

/** True when a value lies beyond training's range by more than a tenth of that range. */
export function farOutside(field: InputField, value: number): boolean {
	if (field.type !== 'numeric' && field.type !== 'datetime') return false;
	if (!Number.isFinite(field.min)) return false;
	const margin = Math.max((field.max - field.min) * 0.1, field.type === 'numeric' ? 1e-9 : 86_400_000);
	return value < field.min - margin || value > field.max + margin;
}
