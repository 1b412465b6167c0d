import { hash, verify } from '@node-rs/argon2';
import { isCommonPassword } from './common-passwords';

export { MIN_PASSWORD_LENGTH } from '../../password-rules';
import { MIN_PASSWORD_LENGTH } from '../../password-rules';
/** Long passphrases are welcome; the cap only stops multi-megabyte bodies from reaching argon2. */
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_EMAIL_LENGTH = 254;

export type FieldErrors = Partial<Record<'email' | 'password', string>>;

export function normaliseEmail(raw: unknown): string {
	return typeof raw === 'string' ? raw.trim().toLowerCase() : '';
}

export function validateEmail(email: string): string | undefined {
	if (!email) return 'Enter your email address.';
	if (email.length > MAX_EMAIL_LENGTH) return 'That email address is too long.';
	// Deliberately simple: one @, something on both sides, a dot in the domain, no spaces.
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return 'Enter a valid email address, like name@example.com.';
	return undefined;
}

export function validateNewPassword(password: unknown, email = ''): string | undefined {
	if (typeof password !== 'string' || password.length === 0) return 'Choose a password.';
	const length = [...password].length; // code points, so an emoji counts once
	if (length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
	if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
	if (isCommonPassword(password)) return 'That password is too common. Choose one that is harder to guess.';
	const local = email.split('@')[0];
	if (local && local.length >= 4 && password.toLowerCase() === local)
		return 'Do not use your email address as your password.';
	return undefined;
}

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

/**
 * A fixed hash to verify against when the email is unknown, so that a wrong email and a wrong password take
 * the same time and the answer gives no hint about which accounts exist.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
	dummyHash ??= hashPassword('hunch-timing-equaliser-not-a-real-password');
	return dummyHash;
}
