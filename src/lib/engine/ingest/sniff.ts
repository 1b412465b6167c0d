import { IngestError } from './errors';

export type FileKind = 'zip' | 'text';
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

const MAGIC: { bytes: number[]; what: string }[] = [
	{ bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
	{ bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
	{ bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
	{ bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
	{ bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF executable)' },
	{ bytes: [0x4d, 0x5a], what: 'a Windows program' },
	{ bytes: [0x1f, 0x8b], what: 'a gzip archive' },
	{ bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old-style Excel (.xls) or Office file' },
	{ bytes: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive' },
	{ bytes: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive' }
];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
	return prefix.every((b, i) => bytes[i] === b);
}

/**
 * Looks at the first bytes of an upload: a zip (an .xlsx is one), text, or something else that cannot be a
 * table. Refuses binaries with a message saying what the file looks like.
 */
export function sniffFileKind(head: Uint8Array, fileName = 'the file'): FileKind {
	if (head.length === 0)
		throw new IngestError('empty_file', `${fileName} is empty (0 bytes).`, { file: fileName });
	if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
	for (const { bytes, what } of MAGIC) {
		if (startsWith(head, bytes)) {
			throw new IngestError('not_text', `${fileName} looks like ${what}, not a CSV or Excel file.`, {
				file: fileName
			});
		}
	}
	const encoding = detectBom(head)?.encoding;
	if (encoding === 'utf-16le' || encoding === 'utf-16be') return 'text';
	// Text files have no NUL bytes and few control characters; binaries have plenty of both.
	let controls = 0;
	const sample = head.subarray(0, 64 * 1024);
	for (const byte of sample) {
		if (byte === 0) {
			throw new IngestError(
				'not_text',
				`${fileName} contains NUL bytes: it is a binary file, not a CSV file.`,
				{
					file: fileName
				}
			);
		}
		if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) controls++;
	}
	if (controls > sample.length * 0.01 + 2) {
		throw new IngestError(
			'not_text',
			`${fileName} is not a text file (it has many control bytes); expected CSV or Excel.`,
			{
				file: fileName
			}
		);
	}
	return 'text';
}

export function detectBom(head: Uint8Array): { encoding: TextEncoding; length: number } | null {
	if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', length: 3 };
	if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', length: 2 };
	if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', length: 2 };
	return null;
}

/**
 * Decides how to decode the file from its first bytes: a BOM wins; otherwise UTF-8 when the sample is valid
 * UTF-8 (a sequence cut at the sample's end is fine), else Windows-1252, the usual encoding of CSVs saved by
 * Excel on Windows.
 */
export function detectEncoding(head: Uint8Array): { encoding: TextEncoding; bomLength: number } {
	const bom = detectBom(head);
	if (bom) return { encoding: bom.encoding, bomLength: bom.length };
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
		return { encoding: 'utf-8', bomLength: 0 };
	} catch {
		return { encoding: 'windows-1252', bomLength: 0 };
	}
}
