import { describe, expect, it } from 'vitest';
import {
	hashPassword,
	normaliseEmail,
	validateEmail,
	validateNewPassword,
	verifyPassword
} from './credentials';
import { isCommonPassword } from './common-passwords';

describe('email', () => {
	it('is trimmed and lower-cased', () => {
		expect(normaliseEmail('  Ana@Example.COM ')).toBe('ana@example.com');
		expect(normaliseEmail(undefined)).toBe('');
	});

	it.each(['', 'ana', 'ana@', '@example.com', 'ana@example', 'a b@example.com', `${'a'.repeat(250)}@ex.com`])(
		'rejects %j with a message',
		(email) => {
			expect(validateEmail(email)).toMatch(/email/i);
		}
	);

	it('accepts an ordinary address', () => {
		expect(validateEmail('ana.lopez+hunch@example.co.uk')).toBeUndefined();
	});
});

describe('new passwords', () => {
	it('refuses 7 characters and accepts 8', () => {
		expect(validateNewPassword('Zq9!xw3')).toMatch(/at least 8/);
		expect(validateNewPassword('Zq9!xw3k')).toBeUndefined();
	});

	it('accepts 64 and 200 characters', () => {
		expect(validateNewPassword('Zq9!xw3k'.repeat(8))).toBeUndefined();
		expect(validateNewPassword('v7#Lq'.repeat(40))).toBeUndefined();
	});

	it('counts an emoji as one character', () => {
		expect(validateNewPassword('🦊🦊🦊🦊🦊🦊🦊')).toMatch(/at least 8/); // 7 emoji, 14 UTF-16 units
		expect(validateNewPassword('🦊🐻🐼🐨🐯🦁🐮🐷')).toBeUndefined();
	});

	it('refuses common passwords from the local list, whatever the case', () => {
		expect(validateNewPassword('Password123')).toMatch(/too common/);
		expect(validateNewPassword('qwertyuiop')).toMatch(/too common/);
		expect(isCommonPassword('aaaaaaaaaa')).toBe(true);
		expect(isCommonPassword('abcdefghij')).toBe(true);
		expect(isCommonPassword('correct horse battery')).toBe(false);
	});

	it('refuses the email name as the password', () => {
		expect(validateNewPassword('ana.lopez', 'ana.lopez@example.com')).toMatch(/email/);
	});

	it('refuses non-strings and absurd lengths', () => {
		expect(validateNewPassword(undefined)).toBeDefined();
		expect(validateNewPassword('x'.repeat(2000))).toMatch(/at most/);
	});
});

describe('password hashing', () => {
	it('hashes with argon2id and verifies without truncating long passwords', async () => {
		const long = 'v7#Lq'.repeat(40);
		const hash = await hashPassword(long);
		expect(hash.startsWith('$argon2id$')).toBe(true);
		expect(hash).not.toContain(long);
		expect(await verifyPassword(hash, long)).toBe(true);
		expect(await verifyPassword(hash, long.slice(0, -1))).toBe(false);
		expect(await verifyPassword(hash, long.slice(0, 72))).toBe(false);
	});

	it('treats a corrupt stored hash as a mismatch', async () => {
		expect(await verifyPassword('not-a-hash', 'whatever123')).toBe(false);
	});
});
