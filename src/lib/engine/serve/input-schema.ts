/**
 * What a prediction request must look like: one field per input column the model was trained on, with its
 * type and what training saw (numeric and date ranges, the categories, the yes/no words). Computed once at
 * training and kept in the artifact; request rows are checked against it (`rows.ts`), and the share page's
 * form is generated from it.
 */
import { columnLength, isMissing, type Column, type ColumnType, type DataFrame } from '../frame/types';

/** Categories listed in the schema (and checked); a column with more accepts any text. */
const MAX_LISTED_CATEGORIES = 5000;

/**
 * `typical` is a value to start a form with: the median of a number or date, the most common category or
 * yes/no answer (absent in models trained before it was kept).
 */
export type InputField =
	| { name: string; type: 'numeric'; min: number; max: number; integer: boolean; typical?: number }
	| { name: string; type: 'datetime'; min: number; max: number; typical?: number }
	| { name: string; type: 'boolean'; labels: [string, string]; typical?: boolean }
	| { name: string; type: 'categorical'; categories: string[] | null; typical?: string }
	| { name: string; type: 'text' | 'identifier'; typical?: string };

function range(column: Column & { values: Float64Array }): { min: number; max: number; typical?: number } {
	const present = column.values.filter((_, i) => !isMissing(column, i)).sort();
	if (!present.length) return { min: NaN, max: NaN };
	return { min: present[0], max: present[present.length - 1], typical: present[present.length >> 1] };
}

/** The most frequent code among `codes` (ties: the lowest code), or -1 when every value is missing. */
function mostCommon(codes: ArrayLike<number>, missing: (i: number) => boolean, size: number): number {
	const counts = new Uint32Array(size);
	for (let i = 0; i < codes.length; i++) if (!missing(i)) counts[codes[i]]++;
	let best = -1;
	for (let c = 0; c < size; c++) if (counts[c] > 0 && (best < 0 || counts[c] > counts[best])) best = c;
	return best;
}

export function describeInputs(frame: DataFrame): InputField[] {
	return frame.columns.map((column): InputField => {
		const name = column.name;
		switch (column.type) {
			case 'numeric':
				return { name, type: 'numeric', ...range(column), integer: column.integer };
			case 'datetime':
				return { name, type: 'datetime', ...range(column) };
			case 'boolean': {
				const typical = mostCommon(column.values, (i) => isMissing(column, i), 2);
				return {
					name,
					type: 'boolean',
					labels: column.labels,
					...(typical >= 0 ? { typical: typical === 1 } : {})
				};
			}
			case 'categorical': {
				const used = new Uint8Array(column.dictionary.length);
				for (let i = 0; i < columnLength(column); i++) if (column.codes[i] >= 0) used[column.codes[i]] = 1;
				const categories = column.dictionary.filter((_, code) => used[code]).sort();
				const typical = mostCommon(column.codes, (i) => column.codes[i] < 0, column.dictionary.length);
				return {
					name,
					type: 'categorical',
					categories: categories.length <= MAX_LISTED_CATEGORIES ? categories : null,
					...(typical >= 0 ? { typical: column.dictionary[typical] } : {})
				};
			}
			default:
				return { name, type: column.type };
		}
	});
}

/**
 * The fields a prediction request must send. Models trained before the schema was kept have only their
 * columns' names and types: any number, any category, any date is then accepted.
 */
export function inputFields(artifact: {
	inputSchema?: InputField[];
	inputColumns: { name: string; type: ColumnType }[];
}): InputField[] {
	if (artifact.inputSchema) return artifact.inputSchema;
	return artifact.inputColumns.map(({ name, type }): InputField => {
		switch (type) {
			case 'numeric':
				return { name, type, min: NaN, max: NaN, integer: false };
			case 'datetime':
				return { name, type, min: NaN, max: NaN };
			case 'boolean':
				return { name, type, labels: ['false', 'true'] };
			case 'categorical':
				return { name, type, categories: null };
			default:
				return { name, type };
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
