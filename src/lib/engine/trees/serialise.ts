/**
 * Tree models to and from plain JSON. Typed arrays become `{"$typed": "Float64Array", "base64": "…"}` (little-
 * endian bytes), so flat trees survive exactly: a model read back predicts bit-for-bit the same.
 */
import type { ForestModel } from './forest';
import type { GradientBoostingModel } from './gbdt';

export type TreeModel = GradientBoostingModel | ForestModel;

const TYPED = {
	Float64Array,
	Float32Array,
	Int32Array,
	Uint32Array,
	Uint16Array,
	Uint8Array
} as const;
type TypedName = keyof typeof TYPED;

function isTypedName(name: unknown): name is TypedName {
	return typeof name === 'string' && Object.hasOwn(TYPED, name);
}

/** A JSON-safe copy of `value`, typed arrays encoded. */
export function toPlain(value: unknown): unknown {
	if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
		const name = value.constructor.name;
		if (!isTypedName(name)) throw new Error(`cannot serialise a ${name}`);
		const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
		return { $typed: name, base64: bytes.toString('base64') };
	}
	if (Array.isArray(value)) return value.map(toPlain);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlain(v);
		return out;
	}
	if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
	return value;
}

/** The inverse of `toPlain`. */
export function fromPlain(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(fromPlain);
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		if ('$typed' in record) {
			const name = record.$typed;
			if (!isTypedName(name) || typeof record.base64 !== 'string')
				throw new Error(`unknown typed array "${String(name)}" in a saved model`);
			const bytes = Buffer.from(record.base64, 'base64');
			const Type = TYPED[name];
			const copy = new Uint8Array(bytes.byteLength);
			copy.set(bytes);
			return new Type(copy.buffer, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT);
		}
		if ('$number' in record && Object.keys(record).length === 1) return Number(record.$number);
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(record)) out[k] = fromPlain(v);
		return out;
	}
	return value;
}

export function serialiseTreeModel(model: TreeModel): string {
	return JSON.stringify(toPlain(model));
}

export function parseTreeModel(text: string): TreeModel {
	const model = fromPlain(JSON.parse(text)) as TreeModel;
	if (model?.kind !== 'gbdt' && model?.kind !== 'forest')
		throw new Error(`not a tree model (kind "${String((model as { kind?: unknown })?.kind)}")`);
	return model;
}
