import { redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { apiError, defaultErrorCode } from '$lib/server/api/errors';
import { appDb } from '$lib/server/app-db';
import { authenticateApiKey } from '$lib/server/auth/api-key';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { validateSessionToken } from '$lib/server/auth/session';
import { isDatabaseUnavailable } from '$lib/server/db';
import {
	INTERNAL_ERROR_MESSAGE,
	OUTAGE_MESSAGE,
	OUTAGE_RETRY_SECONDS,
	SECURITY_HEADERS
} from '$lib/server/http/common-responses';
import { isApiPath, isPublicPath } from '$lib/server/http/public-paths';
import { removeStaleUploads } from '$lib/server/datasets/upload';
import { MAX_PREDICT_BODY_BYTES } from '$lib/server/deployments/predict';
import { registerEarlyRequestHandler } from '$lib/server/deployments/predict-node';

/**
 * Request bodies are small everywhere except on the upload route, which streams up to HUNCH_MAX_UPLOAD_MB, and
 * on prediction endpoints, which take batches of up to 10,000 rows.
 */
const MAX_BODY_BYTES = 1024 * 1024;
const UPLOAD_PATHS = new Set(['/api/v1/datasets']);
/** The share page's batch scoring streams its file too (with its own limit). */
const SCORE_PATH = /^\/share\/[^/]+\/score$/;
const PREDICT_PATH = /^\/api\/v1\/deployments\/[^/]+\/predict$/;
/** What a key limited to one deployment may reach (the deployment itself checks it is the right one). */
const DEPLOYMENT_KEY_PATHS = /^\/api\/v1\/deployments\/[^/]+\/(predict|openapi\.json)$/;

function bodyLimit(pathname: string): number {
	return PREDICT_PATH.test(pathname) ? MAX_PREDICT_BODY_BYTES : MAX_BODY_BYTES;
}

export const init: ServerInit = () => {
	registerEarlyRequestHandler();
	const removed = removeStaleUploads();
	if (removed) console.log(`[web] removed ${removed} unfinished upload(s) left by an earlier run`);
};

function outageResponse(pathname: string): Response {
	if (isApiPath(pathname) || pathname === '/healthz') {
		return apiError(
			503,
			'service_unavailable',
			OUTAGE_MESSAGE,
			{},
			{ 'Retry-After': String(OUTAGE_RETRY_SECONDS) }
		);
	}
	const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hunch is reconnecting</title></head><body style="font-family:system-ui;max-width:36rem;margin:4rem auto;line-height:1.5"><h1>Hunch is reconnecting</h1><p>${OUTAGE_MESSAGE}</p></body></html>`;
	return new Response(html, {
		status: 503,
		headers: { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': String(OUTAGE_RETRY_SECONDS) }
	});
}

/** A lost database connection becomes a clear 503, whether it surfaced in a hook or in a route. */
const handleDatabaseOutage: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (err) {
		if (isDatabaseUnavailable(err)) return outageResponse(event.url.pathname);
		throw err;
	}
	if (event.locals.databaseUnavailable) return outageResponse(event.url.pathname);
	return response;
};

/** The API always answers errors as `{"error": {"code", "message", "details"}}`, whatever raised them. */
const normaliseApiErrors: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!isApiPath(event.url.pathname) || response.status < 400) return response;
	let body: unknown = null;
	if (response.headers.get('content-type')?.includes('application/json')) {
		body = await response
			.clone()
			.json()
			.catch(() => null);
		if (body && typeof body === 'object' && 'error' in body) return response;
	}
	const fromKit = (body ?? {}) as { message?: string; code?: string; details?: Record<string, unknown> };
	const headers: Record<string, string> = {};
	for (const name of ['retry-after', 'allow', 'www-authenticate']) {
		const value = response.headers.get(name);
		if (value) headers[name] = value;
	}
	const message =
		fromKit.message ??
		(response.status === 404
			? 'Not found'
			: response.status === 405
				? 'Method not allowed'
				: 'Request failed');
	return apiError(
		response.status,
		(fromKit.code as never) ?? defaultErrorCode(response.status),
		message,
		fromKit.details ?? {},
		headers
	);
};

/** adapter-node's own body limit is lifted (so uploads can stream); every other route keeps a small one. */
const limitBodySize: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	if (
		request.method === 'GET' ||
		request.method === 'HEAD' ||
		UPLOAD_PATHS.has(url.pathname) ||
		SCORE_PATH.test(url.pathname)
	)
		return resolve(event);
	const length = request.headers.get('content-length');
	const limit = bodyLimit(url.pathname);
	if (length !== null && Number(length) > limit) {
		return isApiPath(url.pathname)
			? apiError(
					413,
					'payload_too_large',
					`The request body is over ${limit >= 1 << 20 ? `${limit / (1 << 20)} MB` : `${limit / 1024} KB`}.`
				)
			: new Response('Request body too large', {
					status: 413,
					headers: { 'content-type': 'text/plain; charset=utf-8' }
				});
	}
	if (length === null && request.body && request.headers.get('transfer-encoding')) {
		return isApiPath(url.pathname)
			? apiError(411, 'bad_request', 'Send a Content-Length header with the request body.')
			: new Response('Length required', {
					status: 411,
					headers: { 'content-type': 'text/plain; charset=utf-8' }
				});
	}
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	try {
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
		if (response.headers.get('content-type')?.startsWith('text/html')) {
			response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
		}
		// Refused before its body was read: the connection cannot carry another request, so close it rather than
		// leave the client to reuse a socket with an unread body on it.
		if (response.status === 413 || response.status === 411) response.headers.set('Connection', 'close');
	} catch {
		// Some responses (redirects from fetch) have immutable headers; they carry no body to protect.
	}
	return response;
};

const authenticate: Handle = async ({ event, resolve }) => {
	const { url, request, cookies, locals } = event;
	locals.user = null;
	locals.session = null;
	locals.auth = null;
	locals.apiKeyId = null;
	locals.apiKeyDeploymentId = null;
	const api = isApiPath(url.pathname);
	const db = appDb();

	if (
		api &&
		(url.searchParams.has('api_key') || url.searchParams.has('apiKey') || url.searchParams.has('key'))
	) {
		return apiError(
			400,
			'bad_request',
			'API keys are only accepted in the Authorization header ("Authorization: Bearer <key>"), never in the URL.',
			{ field: 'api_key' }
		);
	}

	const authorization = request.headers.get('authorization');
	if (authorization) {
		const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
		const verified = match ? await authenticateApiKey(db, match[1]) : null;
		if (!verified) {
			return apiError(
				401,
				'unauthorized',
				'The API key is missing, malformed, revoked or unknown.',
				{},
				{
					'WWW-Authenticate': 'Bearer'
				}
			);
		}
		if (verified.deploymentId && !DEPLOYMENT_KEY_PATHS.test(url.pathname)) {
			return apiError(
				403,
				'forbidden',
				"This key works only for one deployment's predictions. Use an account key (Settings → API keys) for the rest of the API."
			);
		}
		locals.user = verified.user;
		locals.auth = 'api-key';
		locals.apiKeyId = verified.keyId;
		locals.apiKeyDeploymentId = verified.deploymentId;
		return resolve(event);
	}

	const token = readSessionCookie(cookies, url);
	if (token) {
		const result = await validateSessionToken(db, token);
		if (result) {
			locals.user = result.user;
			locals.session = result.session;
			locals.auth = 'session';
			if (result.refreshed) setSessionCookie(cookies, url, token, result.session.expiresAt);
		} else {
			clearSessionCookie(cookies, url);
		}
	}

	if (api && locals.auth === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
		// Cookie-authenticated API writes must come from our own pages: a cross-site page can make the browser
		// send the cookie with a "simple" request, but cannot forge the Origin header.
		if (request.headers.get('origin') !== url.origin) {
			return apiError(403, 'forbidden', 'Cross-site request refused. Use an API key from scripts.');
		}
	}

	if (!api && !locals.user && !isPublicPath(url.pathname)) {
		const next = url.pathname + url.search;
		redirect(303, `/login?next=${encodeURIComponent(next)}`);
	}
	return resolve(event);
};

export const handle = sequence(
	handleDatabaseOutage,
	securityHeaders,
	normaliseApiErrors,
	limitBodySize,
	authenticate
);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (isDatabaseUnavailable(error)) {
		event.locals.databaseUnavailable = true;
		return { message: OUTAGE_MESSAGE, code: 'service_unavailable' };
	}
	if (status >= 500) console.error(`[web] ${event.request.method} ${event.url.pathname}:`, error);
	// Never leak internals to the client.
	return { message: status >= 500 ? INTERNAL_ERROR_MESSAGE : message };
};
