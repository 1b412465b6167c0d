/**
 * A believable request row for a model's inputs (its typical values: medians, most common categories), used by
 * the snippets, the OpenAPI example and the share page's starting form. Shared by server and browser code.
 */
import type { InputField } from '../engine/serve/input-schema';

export type FieldValue = number | string | boolean | null;

function isoDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

export function typicalValue(field: InputField): FieldValue {
	switch (field.type) {
		case 'numeric': {
			const value = field.typical ?? (Number.isFinite(field.min) ? (field.min + field.max) / 2 : 0);
			return field.integer ? Math.round(value) : Number(value.toPrecision(6));
		}
		case 'datetime': {
			const ms =
				field.typical ?? (Number.isFinite(field.min) ? (field.min + field.max) / 2 : Date.UTC(2024, 0, 1));
			return isoDate(ms);
		}
		case 'boolean':
			return field.typical ?? false;
		case 'categorical':
			return field.typical ?? field.categories?.[0] ?? null;
		default:
			return field.typical ?? null;
	}
}

export function exampleRow(fields: InputField[]): Record<string, FieldValue> {
	return Object.fromEntries(fields.map((f) => [f.name, typicalValue(f)]));
}
