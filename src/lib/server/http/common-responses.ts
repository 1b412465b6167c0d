/**
 * What every response of the web process carries or says, whichever server answered it: SvelteKit's hooks
 * (hooks.server.ts) and the Node.js fast path for predictions (deployments/predict-node.ts).
 */

/** Headers set on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'same-origin',
	'X-Frame-Options': 'DENY'
};

export const OUTAGE_MESSAGE =
	'Hunch cannot reach its database right now. Nothing is lost: it reconnects by itself when the database is back. Try again in a moment.';

/** Retry-After of an outage answer, in seconds. */
export const OUTAGE_RETRY_SECONDS = 5;

/** What a 500 says (never the internals). */
export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side.';
