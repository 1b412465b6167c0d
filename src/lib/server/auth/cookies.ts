import type { Cookies } from '@sveltejs/kit';

/**
 * The session cookie. Behind HTTPS it takes the `__Host-` prefix and `Secure`, which browsers enforce
 * (no Domain, Path=/, HTTPS only). Over plain HTTP — a laptop on localhost, a trusted LAN — it cannot be
 * `Secure`, so it keeps a plain name. `HUNCH_SECURE_COOKIES=true` forces the secure form.
 */
export function sessionCookieName(secure: boolean): string {
	return secure ? '__Host-hunch_session' : 'hunch_session';
}

export function isSecureRequest(url: URL): boolean {
	return process.env.HUNCH_SECURE_COOKIES === 'true' || url.protocol === 'https:';
}

export function readSessionCookie(cookies: Cookies, url: URL): string | undefined {
	return cookies.get(sessionCookieName(isSecureRequest(url)));
}

export function setSessionCookie(cookies: Cookies, url: URL, token: string, expiresAt: Date): void {
	const secure = isSecureRequest(url);
	cookies.set(sessionCookieName(secure), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure,
		expires: expiresAt
	});
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	const secure = isSecureRequest(url);
	cookies.delete(sessionCookieName(secure), { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
