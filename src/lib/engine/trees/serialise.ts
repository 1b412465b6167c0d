/**
 * Tree models to and from plain JSON. Typed arrays become `{"$typed": "Float64Array", "base64": "…"}` (little-
 * endian bytes), so flat trees survive exactly: a model read back predicts bit-for-bit the same. An array that is
 * mostly zeros (a many-class forest's leaf values: one slot per class per node, a few classes in a leaf) is saved
 * as its non-zero entries only, `{"$sparse": "Float64Array", "length": n, "index": "…", "base64": "…"}`, the
 * indices as little-endian 32-bit integers.
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
		return sparseForm(value as TypedArray, name) ?? { $typed: name, base64: base64Of(value) };
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

type TypedArray = InstanceType<(typeof TYPED)[TypedName]>;

function base64Of(array: ArrayBufferView): string {
	return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/**
 * The non-zero entries of `array` when listing them (4 bytes of index each) takes fewer bytes than the whole
 * array; null otherwise. Only +0 is left out, so -0 and NaN survive.
 */
function sparseForm(array: TypedArray, name: TypedName): Record<string, unknown> | null {
	let nonZero = 0;
	for (let i = 0; i < array.length; i++) if (!Object.is(array[i], 0)) nonZero++;
	if (nonZero * (4 + array.BYTES_PER_ELEMENT) >= array.length * array.BYTES_PER_ELEMENT) return null;
	const index = new Uint32Array(nonZero);
	const values = new TYPED[name](nonZero);
	for (let i = 0, j = 0; i < array.length; i++) {
		if (Object.is(array[i], 0)) continue;
		index[j] = i;
		values[j++] = array[i];
	}
	return { $sparse: name, length: array.length, index: base64Of(index), base64: base64Of(values) };
}

/** A copy of the little-endian bytes in `base64` as a typed array of `name`'s type. */
function typedFrom(name: TypedName, base64: string): TypedArray {
	const bytes = Buffer.from(base64, 'base64');
	const Type = TYPED[name];
	if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0)
		throw new Error(`a saved ${name} has ${bytes.byteLength} bytes, not a whole number of values`);
	const copy = new Uint8Array(bytes.byteLength);
	copy.set(bytes);
	return new Type(copy.buffer, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT);
}

function fromSparse(record: Record<string, unknown>): TypedArray {
	const name = record.$sparse;
	const length = record.length;
	if (
		!isTypedName(name) ||
		typeof record.base64 !== 'string' ||
		typeof record.index !== 'string' ||
		typeof length !== 'number' ||
		!Number.isInteger(length) ||
		length < 0
	)
		throw new Error(`unknown sparse array "${String(name)}" in a saved model`);
	const index = typedFrom('Uint32Array', record.index);
	const values = typedFrom(name, record.base64);
	if (index.length !== values.length)
		throw new Error(`a saved sparse ${name} has ${index.length} indices for ${values.length} values`);
	const out = new TYPED[name](length);
	for (let j = 0; j < index.length; j++) {
		if (index[j] >= length) throw new Error(`a saved sparse ${name} has index ${index[j]} beyond its length`);
		out[index[j]] = values[j];
	}
	return out;
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
			return typedFrom(name, record.base64);
		}
		if ('$sparse' in record) return fromSparse(record);
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
