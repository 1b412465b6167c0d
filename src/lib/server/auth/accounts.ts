import { eq } from 'drizzle-orm';
import type { Database } from '../db';
import { users } from '../db/schema';
import {
	dummyPasswordHash,
	hashPassword,
	normaliseEmail,
	validateEmail,
	validateNewPassword,
	verifyPassword,
	type FieldErrors
} from './credentials';
import { hitRateLimit, peekRateLimit, resetRateLimit, type RateLimitRule } from './rate-limit';
import type { SessionUser } from './session';

const FIFTEEN_MINUTES = 15 * 60;
/**
 * Failed sign-ins are throttled three ways, all counted in PostgreSQL: per account and address (someone
 * mistyping), per address (one machine spraying many accounts), per account (many machines guessing one
 * account). Limits are temporary windows, never a lock-out that an attacker could impose on a user for good.
 */
export const LOGIN_RULES = {
	accountAndIp: { limit: 5, windowSeconds: FIFTEEN_MINUTES },
	ip: { limit: 30, windowSeconds: FIFTEEN_MINUTES },
	account: { limit: 50, windowSeconds: FIFTEEN_MINUTES }
} satisfies Record<string, RateLimitRule>;
export const SIGNUP_RULE: RateLimitRule = { limit: 20, windowSeconds: 60 * 60 };

export type SignupResult =
	| { ok: true; user: SessionUser }
	| { ok: false; status: 400 | 429; errors: FieldErrors & { form?: string } };

export type LoginResult =
	| { ok: true; user: SessionUser }
	| { ok: false; status: 400 | 429; errors: FieldErrors & { form?: string } };

export async function signUp(
	db: Database,
	input: { email: unknown; password: unknown; ip: string }
): Promise<SignupResult> {
	const email = normaliseEmail(input.email);
	const errors: FieldErrors = {};
	const emailError = validateEmail(email);
	if (emailError) errors.email = emailError;
	const passwordError = validateNewPassword(input.password, email);
	if (passwordError) errors.password = passwordError;
	if (errors.email || errors.password) return { ok: false, status: 400, errors };

	const throttle = await hitRateLimit(db, `signup:ip:${input.ip}`, SIGNUP_RULE);
	if (!throttle.allowed) {
		return { ok: false, status: 429, errors: { form: tooManyAttempts(throttle.retryAfterSeconds) } };
	}

	const passwordHash = await hashPassword(input.password as string);
	const [created] = await db
		.insert(users)
		.values({ email, passwordHash })
		.onConflictDoNothing({ target: users.email })
		.returning({ id: users.id, email: users.email });
	if (!created) {
		return {
			ok: false,
			status: 400,
			errors: { email: 'An account with this email already exists. Log in instead.' }
		};
	}
	return { ok: true, user: created };
}

export async function logIn(
	db: Database,
	input: { email: unknown; password: unknown; ip: string }
): Promise<LoginResult> {
	const email = normaliseEmail(input.email);
	const password = typeof input.password === 'string' ? input.password : '';
	if (!email || !password) {
		return {
			ok: false,
			status: 400,
			errors: {
				...(email ? {} : { email: 'Enter your email address.' }),
				...(password ? {} : { password: 'Enter your password.' })
			}
		};
	}
	const keys = {
		accountAndIp: `login:account-ip:${email}:${input.ip}`,
		ip: `login:ip:${input.ip}`,
		account: `login:account:${email}`
	};
	const states = await Promise.all([
		peekRateLimit(db, keys.accountAndIp, LOGIN_RULES.accountAndIp),
		peekRateLimit(db, keys.ip, LOGIN_RULES.ip),
		peekRateLimit(db, keys.account, LOGIN_RULES.account)
	]);
	const blocked = states.filter((s) => !s.allowed);
	if (blocked.length) {
		const wait = Math.max(...blocked.map((s) => s.retryAfterSeconds));
		return { ok: false, status: 429, errors: { form: tooManyAttempts(wait) } };
	}

	const [user] = await db
		.select({
			id: users.id,
			email: users.email,
			passwordHash: users.passwordHash,
			disabledAt: users.disabledAt
		})
		.from(users)
		.where(eq(users.email, email));
	// Verify against a dummy hash when there is no such user, so both cases cost the same time.
	const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
	if (!user || !valid || user.disabledAt) {
		await Promise.all([
			hitRateLimit(db, keys.accountAndIp, LOGIN_RULES.accountAndIp),
			hitRateLimit(db, keys.ip, LOGIN_RULES.ip),
			hitRateLimit(db, keys.account, LOGIN_RULES.account)
		]);
		// One message for every failure: no hint whether the email has an account.
		return { ok: false, status: 400, errors: { form: 'Incorrect email or password.' } };
	}
	await resetRateLimit(db, keys.accountAndIp);
	return { ok: true, user: { id: user.id, email: user.email } };
}

function tooManyAttempts(seconds: number): string {
	const minutes = Math.ceil(seconds / 60);
	return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}
