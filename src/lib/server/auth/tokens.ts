import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { createHash, timingSafeEqual } from 'node:crypto';

/** A random token with `bytes` bytes of entropy (default 20 = 160 bits), base32 without padding. */
export function randomToken(bytes = 20): string {
	const buf = new Uint8Array(bytes);
	crypto.getRandomValues(buf);
	return encodeBase32LowerCaseNoPadding(buf);
}

/**
 * SHA-256 of a token, hex. What the database stores instead of the token itself. Every API-key request hashes
 * its key, so this uses Node's native hash (under 1 µs; @oslojs/crypto's JavaScript one took 6 µs).
 */
export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time equality of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	return left.length === right.length && timingSafeEqual(left, right);
}
