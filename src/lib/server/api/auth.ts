import { error } from '@sveltejs/kit';
import type { SessionUser } from '../auth/session';

/** The caller of an API route: session or API key. Anything else is a 401 in the API's error shape. */
export function requireApiUser(locals: App.Locals): SessionUser {
	if (!locals.user) {
		error(401, {
			message: 'Sign in, or send a personal API key as "Authorization: Bearer <key>".',
			code: 'unauthorized'
		});
	}
	return locals.user;
}

/** Reads a JSON body, refusing other content types and malformed JSON with a 4xx that says what is wrong. */
export async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/json\b/i.test(type)) {
		error(415, {
			message: 'Send the request body as JSON with "Content-Type: application/json".',
			code: 'unsupported_media_type'
		});
	}
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		error(400, { message: 'The request body is not valid JSON.', code: 'bad_request' });
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		error(400, { message: 'The request body must be a JSON object.', code: 'bad_request' });
	}
	return body as Record<string, unknown>;
}
