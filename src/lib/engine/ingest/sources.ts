import { createReadStream } from 'node:fs';

/** Yields a file's bytes in chunks. */
export async function* fileChunks(path: string, chunkSize = 1 << 16): AsyncGenerator<Uint8Array> {
	for await (const chunk of createReadStream(path, { highWaterMark: chunkSize })) yield chunk as Buffer;
}

/** Yields an in-memory buffer in chunks (tests, small inputs). */
export async function* bufferChunks(
	data: Uint8Array | string,
	chunkSize = 1 << 16
): AsyncGenerator<Uint8Array> {
	const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
	for (let offset = 0; offset < bytes.length; offset += chunkSize)
		yield bytes.subarray(offset, offset + chunkSize);
}
