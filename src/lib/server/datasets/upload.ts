import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import busboy from 'busboy';

export class UploadError extends Error {
	constructor(
		readonly status: 400 | 411 | 413 | 415,
		readonly code: string,
		message: string,
		readonly details: Record<string, unknown> = {}
	) {
		super(message);
	}
}

export interface ReceivedUpload {
	/** Temporary file holding the upload; the caller deletes it. */
	path: string;
	/** The name the browser gave; shown to the user, never used as a path. */
	fileName: string;
	size: number;
	fields: Record<string, string>;
}

export function maxUploadBytes(): number {
	const mb = Number(process.env.HUNCH_MAX_UPLOAD_MB ?? 1024);
	return (Number.isFinite(mb) && mb > 0 ? mb : 1024) * 1024 * 1024;
}

export function uploadDir(): string {
	const dataDir = process.env.HUNCH_DATA_DIR ?? path.resolve('.hunch');
	return path.join(dataDir, 'uploads');
}

/** Removes uploads left by a process that died mid-upload (older than an hour: others may be in flight). */
export function removeStaleUploads(dir = uploadDir(), olderThanMs = 60 * 60 * 1000): number {
	let removed = 0;
	try {
		for (const name of fs.readdirSync(dir)) {
			const file = path.join(dir, name);
			if (Date.now() - fs.statSync(file).mtimeMs > olderThanMs) {
				fs.rmSync(file, { force: true });
				removed++;
			}
		}
	} catch {
		// no uploads folder yet
	}
	return removed;
}

function tooLarge(limit: number): UploadError {
	return new UploadError(
		413,
		'payload_too_large',
		`The file is larger than the upload limit of ${Math.round(limit / 1024 / 1024)} MB.`,
		{
			field: 'file',
			limitBytes: limit
		}
	);
}

/**
 * Streams a multipart upload (field `file`) to a temporary file without holding it in memory. A declared
 * Content-Length over the limit is refused before a byte is read; a body that grows past it is cut off.
 */
export async function receiveUpload(
	request: Request,
	limit = maxUploadBytes(),
	dir = uploadDir()
): Promise<ReceivedUpload> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data/i.test(contentType)) {
		throw new UploadError(
			415,
			'unsupported_media_type',
			'Upload the file as multipart/form-data in a field named "file".',
			{
				field: 'file'
			}
		);
	}
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(declared) && declared > limit + 64 * 1024) throw tooLarge(limit);
	if (!request.body)
		throw new UploadError(
			400,
			'validation_failed',
			'The request has no body; send the file in a field named "file".',
			{ field: 'file' }
		);

	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const tempPath = path.join(dir, `upload-${Date.now()}-${randomBytes(8).toString('hex')}`);
	const fields: Record<string, string> = {};
	let fileName: string | undefined;
	let size = 0;
	let exceeded = false;
	let fileWritten: Promise<void> | undefined;

	const parser = busboy({
		headers: { 'content-type': contentType },
		limits: { files: 1, fileSize: limit, fields: 10, fieldSize: 4096, parts: 12 }
	});
	parser.on('file', (name, stream, info) => {
		if (name !== 'file' || fileWritten) {
			stream.resume();
			return;
		}
		fileName = info.filename || 'upload';
		stream.on('data', (chunk: Buffer) => (size += chunk.length));
		stream.on('limit', () => {
			exceeded = true;
		});
		fileWritten = pipeline(stream, fs.createWriteStream(tempPath, { mode: 0o600 }));
	});
	parser.on('field', (name, value) => {
		if (!Object.prototype.hasOwnProperty.call(fields, name)) fields[name] = value;
	});

	try {
		await pipeline(Readable.fromWeb(request.body as unknown as NodeWebReadableStream<Uint8Array>), parser);
		await fileWritten;
		if (exceeded) throw tooLarge(limit);
		if (!fileName)
			throw new UploadError(
				400,
				'validation_failed',
				'No file was sent: put it in a form field named "file".',
				{ field: 'file' }
			);
		return { path: tempPath, fileName, size, fields };
	} catch (err) {
		fs.rmSync(tempPath, { force: true });
		if (err instanceof UploadError) throw err;
		if (exceeded) throw tooLarge(limit);
		throw new UploadError(400, 'bad_request', `The upload could not be read: ${(err as Error).message}`, {
			field: 'file'
		});
	}
}
