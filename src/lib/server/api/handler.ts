import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import { apiError, defaultErrorCode, type ApiErrorCode } from './errors';

/**
 * Wraps an API route handler so an `error(status, {message, code, details})` thrown anywhere inside becomes the
 * API's JSON error, whatever the client's Accept header (SvelteKit would otherwise answer clients that do not
 * ask for JSON with an HTML page).
 */
export function apiRoute<E extends RequestEvent>(
	handler: (event: E) => Promise<Response>
): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await handler(event);
		} catch (err) {
			if (!isHttpError(err)) throw err;
			const body = err.body as App.Error;
			return apiError(
				err.status,
				(body.code as ApiErrorCode) ?? defaultErrorCode(err.status),
				body.message,
				body.details ?? {}
			);
		}
	};
}
