/**
 * Prediction requests answered straight from Node.js's HTTP server, before SvelteKit sees them.
 *
 * SvelteKit turns every request into a web Request, runs the hooks and routes it, then copies the Response
 * back: about 0.35 ms of a core per request, ten times what a small prediction costs. The prediction endpoint
 * is the one route called in volume by programs, so the production server (scripts/serve-web.js) offers each
 * request to `answerPredictFromNode` first. It takes only the common case (a POST to
 * /api/v1/deployments/{slug}/predict, with a Content-Length within the limit, authenticated by a valid API key
 * or by nothing) and answers it with the same code as the route (predict.ts, with the hooks' headers); anything
 * else (a session cookie, a key that does not verify, a key in the URL, no Content-Length, a database that
 * cannot be reached while checking the key, …) is handed to SvelteKit untouched, body unread, whose hooks and
 * route answer it as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrorBody } from '../api/errors';
import { appDb } from '../app-db';
import { authenticateApiKey } from '../auth/api-key';
import { isDatabaseUnavailable } from '../db';
import {
	INTERNAL_ERROR_MESSAGE,
	OUTAGE_MESSAGE,
	OUTAGE_RETRY_SECONDS,
	SECURITY_HEADERS
} from '../http/common-responses';
import {
	answerPredict,
	MAX_PREDICT_BODY_BYTES,
	PREDICT_CORS_HEADERS,
	type PredictAnswer,
	type PredictCaller
} from './predict';
import { appServing } from './serving';
import { SLUG_PATTERN } from './slug';

/** Handles the request, or calls `next()` (before reading any of it) to leave it to SvelteKit. */
export type EarlyRequestHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Where scripts/serve-web.js finds the handler: the app's server bundle registers it at start. */
export const EARLY_REQUEST_HANDLER = Symbol.for('hunch.earlyRequestHandler');

const PREFIX = '/api/v1/deployments/';
const SUFFIX = '/predict';
/** Keys must never travel in URLs; the hooks refuse such requests with a message, so they go there. */
const KEY_PARAMETERS = ['api_key', 'apiKey', 'key'];
const BEARER = /^Bearer\s+(\S+)$/i;

/** The deployment slug of a prediction URL's path, or null for any other path. */
export function predictSlug(pathname: string): string | null {
	if (!pathname.startsWith(PREFIX) || !pathname.endsWith(SUFFIX)) return null;
	const slug = pathname.slice(PREFIX.length, pathname.length - SUFFIX.length);
	return SLUG_PATTERN.test(slug) ? slug : null;
}

/**
 * The client's address as adapter-node gives it to SvelteKit (`ADDRESS_HEADER`, `XFF_DEPTH`), or null when
 * that would fail (the header absent), so the request goes to SvelteKit and fails there as it always has.
 */
function clientAddress(req: IncomingMessage): string | null {
	const header = (process.env.ADDRESS_HEADER ?? '').toLowerCase();
	if (!header) return req.socket.remoteAddress ?? '';
	const value = req.headers[header];
	if (typeof value !== 'string') return null;
	if (header !== 'x-forwarded-for') return value;
	const depth = parseInt(process.env.XFF_DEPTH ?? '1');
	const addresses = value.split(',');
	if (!(depth >= 1) || depth > addresses.length) return null;
	return addresses[addresses.length - depth].trim();
}

/** The whole body as text (UTF-8, a leading byte-order mark dropped as `Request.text()` does). */
function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let ended = false;
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			ended = true;
			const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
			resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
		});
		req.on('error', reject);
		req.on('close', () => {
			if (!ended) reject(new Error('The client closed the request before sending its whole body.'));
		});
	});
}

function send(res: ServerResponse, answer: PredictAnswer): void {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(answer.status, {
		...SECURITY_HEADERS,
		...answer.headers,
		'Content-Length': Buffer.byteLength(answer.body)
	});
	res.end(answer.body);
}

/** Who is calling, or null to leave the request to SvelteKit. */
async function callerOf(req: IncomingMessage): Promise<PredictCaller | null> {
	const address = clientAddress(req);
	if (address === null) return null;
	const authorization = req.headers.authorization;
	if (authorization === undefined) return { userId: null, keyId: null, keyDeploymentId: null, address };
	const match = BEARER.exec(authorization.trim());
	if (!match) return null;
	const key = await authenticateApiKey(appDb(), match[1]);
	if (!key) return null;
	return { userId: key.user.id, keyId: key.keyId, keyDeploymentId: key.deploymentId, address };
}

async function answerOrPass(req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> {
	const url = req.url ?? '';
	const query = url.indexOf('?');
	const slug = predictSlug(query < 0 ? url : url.slice(0, query));
	const length = Number(req.headers['content-length'] ?? NaN);
	if (
		req.method !== 'POST' ||
		slug === null ||
		req.headers.cookie !== undefined ||
		req.headers['transfer-encoding'] !== undefined ||
		!(length >= 0 && length <= MAX_PREDICT_BODY_BYTES)
	)
		return next();
	const searchParams = new URLSearchParams(query < 0 ? '' : url.slice(query + 1));
	if (KEY_PARAMETERS.some((name) => searchParams.has(name))) return next();

	let caller: PredictCaller | null;
	try {
		caller = await callerOf(req);
	} catch {
		// The database could not be asked about the key: SvelteKit's hooks answer that (503).
		caller = null;
	}
	if (!caller) return next();

	let answer: PredictAnswer;
	try {
		answer = await answerPredict(appServing(), slug, caller, {
			contentType: req.headers['content-type'] ?? null,
			searchParams,
			text: () => readBody(req)
		});
	} catch (err) {
		if (res.destroyed) return;
		const outage = isDatabaseUnavailable(err);
		if (!outage) console.error(`[web] POST ${url}:`, err);
		answer = {
			status: outage ? 503 : 500,
			headers: {
				...PREDICT_CORS_HEADERS,
				'Content-Type': 'application/json',
				...(outage ? { 'Retry-After': String(OUTAGE_RETRY_SECONDS) } : {})
			},
			body: outage
				? apiErrorBody('service_unavailable', OUTAGE_MESSAGE)
				: apiErrorBody('internal_error', INTERNAL_ERROR_MESSAGE)
		};
	}
	send(res, answer);
}

export const answerPredictFromNode: EarlyRequestHandler = (req, res, next) => {
	answerOrPass(req, res, next).catch((err) => {
		console.error('[web] prediction request failed:', err);
		if (!res.headersSent) res.destroy();
	});
};

/** Offers prediction requests to `answerPredictFromNode` in the production server (scripts/serve-web.js). */
export function registerEarlyRequestHandler(): void {
	(globalThis as Record<symbol, unknown>)[EARLY_REQUEST_HANDLER] = answerPredictFromNode;
}
