import { describe, expect, it } from 'vitest';
import { digestsEqual, hashToken, randomToken } from './tokens';

describe('tokens', () => {
	it('carry at least 128 random bits and do not collide over 100,000 draws', () => {
		const seen = new Set<string>();
		for (let i = 0; i < 100_000; i++) seen.add(randomToken());
		expect(seen.size).toBe(100_000);
		// 20 bytes in base32 = 32 characters of 5 bits = 160 bits
		expect(randomToken()).toMatch(/^[a-z2-7]{32}$/);
	});

	it('hash to SHA-256 hex that does not contain the token', () => {
		const token = randomToken();
		const digest = hashToken(token);
		expect(digest).toMatch(/^[0-9a-f]{64}$/);
		expect(digest).not.toContain(token);
		expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
	});

	it('compare digests by value', () => {
		expect(digestsEqual(hashToken('a'), hashToken('a'))).toBe(true);
		expect(digestsEqual(hashToken('a'), hashToken('b'))).toBe(false);
		expect(digestsEqual('ab', 'abc')).toBe(false);
	});
});
