/**
 * Pages anyone may open without a session. Everything else under the app needs one; the API authenticates
 * per route (session cookie or API key) and answers 401 in JSON instead of redirecting.
 */
export function isPublicPath(pathname: string): boolean {
	return (
		pathname === '/' ||
		pathname === '/login' ||
		pathname === '/signup' ||
		pathname === '/healthz' ||
		pathname.startsWith('/share/') ||
		pathname.startsWith('/_app/') ||
		pathname === '/favicon.svg' ||
		pathname === '/robots.txt'
	);
}

export function isApiPath(pathname: string): boolean {
	return pathname === '/api' || pathname.startsWith('/api/');
}
