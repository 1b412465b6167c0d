export type ApiErrorCode =
	| 'bad_request'
	| 'validation_failed'
	| 'unauthorized'
	| 'forbidden'
	| 'not_found'
	| 'conflict'
	| 'payload_too_large'
	| 'unsupported_media_type'
	| 'rate_limited'
	| 'service_unavailable'
	| 'internal_error';

/** The body of every API error: `{"error": {"code", "message", "details"}}`. */
export function apiErrorBody(
	code: ApiErrorCode,
	message: string,
	details: Record<string, unknown> = {}
): string {
	return JSON.stringify({ error: { code, message, details } });
}

/** Every API error has the same shape: `{"error": {"code", "message", "details"}}`. */
export function apiError(
	status: number,
	code: ApiErrorCode,
	message: string,
	details: Record<string, unknown> = {},
	headers: Record<string, string> = {}
): Response {
	return new Response(apiErrorBody(code, message, details), {
		status,
		headers: { 'content-type': 'application/json', ...headers }
	});
}

const DEFAULT_CODES: Record<number, ApiErrorCode> = {
	400: 'bad_request',
	401: 'unauthorized',
	403: 'forbidden',
	404: 'not_found',
	405: 'bad_request',
	409: 'conflict',
	413: 'payload_too_large',
	415: 'unsupported_media_type',
	429: 'rate_limited',
	503: 'service_unavailable'
};

export function defaultErrorCode(status: number): ApiErrorCode {
	return DEFAULT_CODES[status] ?? 'internal_error';
}
