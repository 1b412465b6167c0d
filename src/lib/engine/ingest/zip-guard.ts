import fs from 'node:fs/promises';
import { IngestError } from './errors';

export interface ZipLimits {
	maxEntries: number;
	maxUncompressedBytes: number;
	/** Largest allowed ratio of uncompressed to compressed size, for archives above 50 MB unpacked. */
	maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
	maxEntries: 10_000,
	maxUncompressedBytes: 2 * 1024 ** 3,
	maxRatio: 250
};

export interface ZipSummary {
	entries: string[];
	compressedBytes: number;
	uncompressedBytes: number;
}

/**
 * Reads a zip's central directory (without inflating anything) and refuses archives that would unpack to too
 * much (zip bombs), have too many entries, or name paths outside the archive. An .xlsx is a zip, so this runs
 * before any spreadsheet parsing.
 */
export async function inspectZip(
	path: string,
	fileName: string,
	limits = DEFAULT_ZIP_LIMITS
): Promise<ZipSummary> {
	const handle = await fs.open(path, 'r');
	try {
		const { size } = await handle.stat();
		const tailLength = Math.min(size, 65_557); // EOCD (22) + the longest comment (65,535)
		const tail = Buffer.alloc(tailLength);
		await handle.read(tail, 0, tailLength, size - tailLength);
		let eocd = -1;
		for (let i = tailLength - 22; i >= 0; i--) {
			if (tail.readUInt32LE(i) === 0x06054b50) {
				eocd = i;
				break;
			}
		}
		const notXlsx = () =>
			new IngestError(
				'not_xlsx',
				`${fileName} is not a valid Excel (.xlsx) file: it is damaged or not a zip archive.`,
				{ file: fileName }
			);
		if (eocd < 0) throw notXlsx();
		const entryCount = tail.readUInt16LE(eocd + 10);
		const cdSize = tail.readUInt32LE(eocd + 12);
		const cdOffset = tail.readUInt32LE(eocd + 16);
		if (entryCount === 0xffff || cdOffset === 0xffffffff) {
			throw new IngestError(
				'unsafe_archive',
				`${fileName} is a ZIP64 archive (over 4 GB or 65,535 entries); that is too large for Hunch.`,
				{ file: fileName }
			);
		}
		if (entryCount > limits.maxEntries) {
			throw new IngestError(
				'unsafe_archive',
				`${fileName} holds ${entryCount.toLocaleString('en')} files inside; an Excel file has far fewer. Refusing to open it.`,
				{ file: fileName }
			);
		}
		if (cdOffset + cdSize > size) throw notXlsx();
		const cd = Buffer.alloc(cdSize);
		await handle.read(cd, 0, cdSize, cdOffset);
		const entries: string[] = [];
		let compressedBytes = 0;
		let uncompressedBytes = 0;
		let p = 0;
		for (let i = 0; i < entryCount; i++) {
			if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw notXlsx();
			const compressed = cd.readUInt32LE(p + 20);
			const uncompressed = cd.readUInt32LE(p + 24);
			const nameLength = cd.readUInt16LE(p + 28);
			const extraLength = cd.readUInt16LE(p + 30);
			const commentLength = cd.readUInt16LE(p + 32);
			const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
			if (compressed === 0xffffffff || uncompressed === 0xffffffff) {
				throw new IngestError(
					'unsafe_archive',
					`${fileName} contains a part over 4 GB unpacked; refusing to open it.`,
					{ file: fileName }
				);
			}
			if (
				name.startsWith('/') ||
				name.includes('\\') ||
				name.split('/').includes('..') ||
				name.includes('\0')
			) {
				throw new IngestError(
					'unsafe_archive',
					`${fileName} contains a part with an unsafe path ("${name.slice(0, 80)}"); refusing to open it.`,
					{ file: fileName }
				);
			}
			entries.push(name);
			compressedBytes += compressed;
			uncompressedBytes += uncompressed;
			p += 46 + nameLength + extraLength + commentLength;
		}
		if (uncompressedBytes > limits.maxUncompressedBytes) {
			throw new IngestError(
				'unsafe_archive',
				`${fileName} would unpack to ${(uncompressedBytes / 1024 ** 3).toFixed(1)} GB, more than Hunch's limit of ${(limits.maxUncompressedBytes / 1024 ** 3).toFixed(1)} GB. Save it as CSV instead.`,
				{ file: fileName }
			);
		}
		if (
			uncompressedBytes > 50 * 1024 ** 2 &&
			uncompressedBytes / Math.max(1, compressedBytes) > limits.maxRatio
		) {
			throw new IngestError(
				'unsafe_archive',
				`${fileName} unpacks to ${Math.round(uncompressedBytes / Math.max(1, compressedBytes))} times its size, which only deliberately crafted files ("zip bombs") do. Refusing to open it.`,
				{ file: fileName }
			);
		}
		if (!entries.includes('xl/workbook.xml')) {
			throw new IngestError(
				'not_xlsx',
				`${fileName} is a zip archive but not an Excel workbook (no xl/workbook.xml inside).`,
				{ file: fileName }
			);
		}
		return { entries, compressedBytes, uncompressedBytes };
	} finally {
		await handle.close();
	}
}
