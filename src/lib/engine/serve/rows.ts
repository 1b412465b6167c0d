/**
 * Request rows (JSON objects) to a typed table the model can read, checked against the model's input schema.
 * Every problem names its row and field: a missing field, an unknown field, a value of the wrong type, a
 * category training never saw. A field sent as null (or a missing-value word such as "NA") is a missing
 * value: allowed, and reported back. The target column, when sent, is ignored.
 */
import type { Column, DataFrame } from '../frame/types';
import { dateFromParts, isMissingToken, parseDateParts, parseFormattedNumber } from '../ingest/values';
import { farOutside, type InputField } from './input-schema';

export interface RowProblem {
	/** 0-based index of the row in the request. */
	row: number;
	field: string;
	message: string;
}

export interface ParsedRows {
	frame: DataFrame;
	problems: RowProblem[];
	/** Per row: fields sent as missing values. */
	missing: string[][];
	/** Per row: fields far outside what training saw. */
	outOfRange: string[][];
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'f']);

const show = (value: unknown) => {
	const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
	return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

type Parsed = { ok: true; value: number | string | null } | { ok: false; message: string };

function parseValue(field: InputField, raw: unknown): Parsed {
	if (raw === null || raw === undefined || (typeof raw === 'string' && isMissingToken(raw)))
		return { ok: true, value: null };
	switch (field.type) {
		case 'numeric': {
			if (typeof raw === 'number' && Number.isFinite(raw)) return { ok: true, value: raw };
			if (typeof raw === 'string') {
				const parsed =
					parseFormattedNumber(raw, '.') ??
					(/^-?\d+(\.\d+)?$/.test(raw.trim()) ? { value: Number(raw) } : null);
				if (parsed && Number.isFinite(parsed.value)) return { ok: true, value: parsed.value };
			}
			return { ok: false, message: `expects a number, got ${show(raw)}` };
		}
		case 'datetime': {
			if (typeof raw === 'number' && Number.isFinite(raw)) return { ok: true, value: raw };
			if (typeof raw === 'string') {
				const parts = parseDateParts(raw);
				const ms = parts && parts.order === 'ymd' ? dateFromParts(parts, 'ymd') : NaN;
				if (Number.isFinite(ms)) return { ok: true, value: ms };
			}
			return {
				ok: false,
				message: `expects a date such as "2024-03-31" (or milliseconds since 1970), got ${show(raw)}`
			};
		}
		case 'boolean': {
			const text =
				typeof raw === 'boolean'
					? String(raw)
					: typeof raw === 'number' || typeof raw === 'string'
						? String(raw).trim().toLowerCase()
						: '';
			const [no, yes] = field.labels.map((l) => l.toLowerCase());
			if (text === yes || TRUE_WORDS.has(text)) return { ok: true, value: 1 };
			if (text === no || FALSE_WORDS.has(text)) return { ok: true, value: 0 };
			return {
				ok: false,
				message: `expects "${field.labels[1]}" or "${field.labels[0]}" (or true/false), got ${show(raw)}`
			};
		}
		case 'categorical': {
			if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
				return { ok: false, message: `expects one of its categories as text, got ${show(raw)}` };
			const text = String(raw);
			if (field.categories && !field.categories.includes(text)) {
				const listed = field.categories
					.slice(0, 10)
					.map((c) => `"${c}"`)
					.join(', ');
				return {
					ok: false,
					message: `has no category ${show(text)} in the training data; known: ${listed}${field.categories.length > 10 ? `, … (${field.categories.length} in all)` : ''}`
				};
			}
			return { ok: true, value: text };
		}
		default:
			if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
				return { ok: false, message: `expects text, got ${show(raw)}` };
			return { ok: true, value: String(raw) };
	}
}

/** Checks and converts `rows`; `target` is the model's target column (accepted and ignored when sent). */
export function parseRows(fields: InputField[], rows: unknown[], target?: string): ParsedRows {
	const n = rows.length;
	const problems: RowProblem[] = [];
	const missing: string[][] = rows.map(() => []);
	const outOfRange: string[][] = rows.map(() => []);
	const known = new Set(fields.map((f) => f.name));
	const values = fields.map(() => new Array<number | string | null>(n).fill(null));
	rows.forEach((row, i) => {
		if (!row || typeof row !== 'object' || Array.isArray(row)) {
			problems.push({ row: i, field: '', message: `row ${i + 1} is not an object of field values` });
			return;
		}
		const record = row as Record<string, unknown>;
		for (const key of Object.keys(record))
			if (!known.has(key) && key !== target)
				problems.push({
					row: i,
					field: key,
					message: `"${key}" is not an input of this model; its inputs are: ${fields.map((f) => f.name).join(', ')}`
				});
		fields.forEach((field, f) => {
			if (!Object.hasOwn(record, field.name)) {
				problems.push({
					row: i,
					field: field.name,
					message: `"${field.name}" is missing (send null for an unknown value)`
				});
				return;
			}
			const parsed = parseValue(field, record[field.name]);
			if (!parsed.ok) {
				problems.push({ row: i, field: field.name, message: `"${field.name}" ${parsed.message}` });
				return;
			}
			values[f][i] = parsed.value;
			if (parsed.value === null) missing[i].push(field.name);
			else if (typeof parsed.value === 'number' && farOutside(field, parsed.value))
				outOfRange[i].push(field.name);
		});
	});
	const columns = fields.map((field, f): Column => {
		const column = values[f];
		const isNull = Uint8Array.from(column, (v) => (v === null ? 1 : 0));
		switch (field.type) {
			case 'numeric':
				return {
					name: field.name,
					type: 'numeric',
					values: Float64Array.from(column, (v) => (v === null ? NaN : Number(v))),
					missing: isNull,
					integer: field.integer
				};
			case 'datetime':
				return {
					name: field.name,
					type: 'datetime',
					values: Float64Array.from(column, (v) => (v === null ? NaN : Number(v))),
					missing: isNull
				};
			case 'boolean':
				return {
					name: field.name,
					type: 'boolean',
					values: Uint8Array.from(column, (v) => (v === null ? 0 : Number(v))),
					missing: isNull,
					labels: field.labels
				};
			default: {
				const dictionary: string[] = [];
				const index = new Map<string, number>();
				const codes = Int32Array.from(column, (v) => {
					if (v === null) return -1;
					const text = String(v);
					let code = index.get(text);
					if (code === undefined) {
						code = dictionary.length;
						index.set(text, code);
						dictionary.push(text);
					}
					return code;
				});
				return { name: field.name, type: field.type, codes, dictionary };
			}
		}
	});
	return { frame: { rowCount: n, columns }, problems, missing, outOfRange };
}
