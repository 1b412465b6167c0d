import type { Cookies } from '@sveltejs/kit';
import type { Database } from '../db';
import { setSessionCookie } from './cookies';
import { createSession, generateSessionToken, invalidateSession, type Session } from './session';

/**
 * Starts a fresh session after a successful sign-up or log-in. Any session the browser already had is ended
 * first, and the token is always new, so a cookie planted before login (session fixation) is worthless after.
 */
export async function startSession(
	db: Database,
	cookies: Cookies,
	url: URL,
	userId: string,
	previous: Session | null
): Promise<void> {
	if (previous) await invalidateSession(db, previous.id);
	const token = generateSessionToken();
	const session = await createSession(db, token, userId);
	setSessionCookie(cookies, url, token, session.expiresAt);
}

/** Where to go after login: a local path from `?next=`, never another site. */
export function safeNextPath(raw: string | null): string {
	if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/datasets';
	return raw;
}
