import { gunzipSync, gzipSync } from 'node:zlib';
import type { Column } from './types';

/**
 * One column as bytes: `HCOL`, a format version, a JSON header (name, type, metadata, dictionary, buffer sizes),
 * then the raw typed arrays, all gzip-compressed. Columns are stored one per row in PostgreSQL, so training
 * loads only the columns it uses, and a worker on another machine needs nothing but the database.
 */
const MAGIC = [0x48, 0x43, 0x4f, 0x4c]; // HCOL
export const COLUMN_CODEC_VERSION = 1;

interface Header {
	name: string;
	type: Column['type'];
	rowCount: number;
	meta: Record<string, unknown>;
	dictionary?: string[];
	buffers: { field: string; kind: 'f64' | 'u8' | 'i32'; bytes: number }[];
}

export function encodeColumn(column: Column): Uint8Array {
	const { name, type } = column;
	const buffers: { field: string; array: Float64Array | Uint8Array | Int32Array }[] = [];
	let dictionary: string[] | undefined;
	const meta: Record<string, unknown> = {};
	if (column.typeOverridden) meta.typeOverridden = true;
	switch (column.type) {
		case 'numeric':
			buffers.push({ field: 'values', array: column.values }, { field: 'missing', array: column.missing });
			meta.integer = column.integer;
			if (column.unit) meta.unit = column.unit;
			break;
		case 'datetime':
			buffers.push({ field: 'values', array: column.values }, { field: 'missing', array: column.missing });
			if (column.order) meta.order = column.order;
			if (column.ambiguousOrder !== undefined) meta.ambiguousOrder = column.ambiguousOrder;
			break;
		case 'boolean':
			buffers.push({ field: 'values', array: column.values }, { field: 'missing', array: column.missing });
			meta.labels = column.labels;
			break;
		default:
			buffers.push({ field: 'codes', array: column.codes });
			dictionary = column.dictionary;
	}
	const rowCount = buffers[0].array.length;
	const header: Header = {
		name,
		type,
		rowCount,
		meta,
		dictionary,
		buffers: buffers.map((b) => ({
			field: b.field,
			kind: b.array instanceof Float64Array ? 'f64' : b.array instanceof Int32Array ? 'i32' : 'u8',
			bytes: b.array.byteLength
		}))
	};
	const json = new TextEncoder().encode(JSON.stringify(header));
	const total = 4 + 1 + 4 + json.length + buffers.reduce((s, b) => s + b.array.byteLength, 0);
	const out = new Uint8Array(total);
	out.set(MAGIC, 0);
	out[4] = COLUMN_CODEC_VERSION;
	new DataView(out.buffer).setUint32(5, json.length, true);
	out.set(json, 9);
	let offset = 9 + json.length;
	for (const b of buffers) {
		out.set(new Uint8Array(b.array.buffer, b.array.byteOffset, b.array.byteLength), offset);
		offset += b.array.byteLength;
	}
	// Level 1: most of the size win of gzip at a fraction of the time; ingest speed matters more here.
	return gzipSync(out, { level: 1 });
}

export function decodeColumn(compressed: Uint8Array): Column {
	const bytes = gunzipSync(compressed);
	if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error('Not a Hunch column (bad magic bytes).');
	const version = bytes[4];
	if (version !== COLUMN_CODEC_VERSION) {
		throw new Error(
			`This column was stored by a newer format (version ${version}); this Hunch reads version ${COLUMN_CODEC_VERSION}. Upgrade Hunch.`
		);
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const jsonLength = view.getUint32(5, true);
	const header = JSON.parse(new TextDecoder().decode(bytes.subarray(9, 9 + jsonLength))) as Header;
	let offset = 9 + jsonLength;
	const arrays: Record<string, Float64Array | Uint8Array | Int32Array> = {};
	for (const b of header.buffers) {
		// Copy into a fresh, aligned buffer: the typed-array views need 4/8-byte alignment.
		const slice = new Uint8Array(bytes.subarray(offset, offset + b.bytes)); // a copy (Buffer#slice would be a view)
		arrays[b.field] =
			b.kind === 'f64'
				? new Float64Array(slice.buffer)
				: b.kind === 'i32'
					? new Int32Array(slice.buffer)
					: slice;
		offset += b.bytes;
	}
	const base = { name: header.name, ...(header.meta.typeOverridden ? { typeOverridden: true } : {}) };
	switch (header.type) {
		case 'numeric':
			return {
				...base,
				type: 'numeric',
				values: arrays.values as Float64Array,
				missing: arrays.missing as Uint8Array,
				integer: header.meta.integer as boolean,
				...(header.meta.unit ? { unit: header.meta.unit as 'currency' | 'percent' } : {})
			};
		case 'datetime':
			return {
				...base,
				type: 'datetime',
				values: arrays.values as Float64Array,
				missing: arrays.missing as Uint8Array,
				...(header.meta.order ? { order: header.meta.order as 'mdy' | 'dmy' } : {}),
				...(header.meta.ambiguousOrder !== undefined
					? { ambiguousOrder: header.meta.ambiguousOrder as boolean }
					: {})
			};
		case 'boolean':
			return {
				...base,
				type: 'boolean',
				values: arrays.values as Uint8Array,
				missing: arrays.missing as Uint8Array,
				labels: header.meta.labels as [string, string]
			};
		default:
			return {
				...base,
				type: header.type,
				codes: arrays.codes as Int32Array,
				dictionary: header.dictionary ?? []
			};
	}
}
