import { error } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { revokeApiKey } from '$lib/server/auth/api-key';
import type { RequestHandler } from './$types';

/** Revokes one of the caller's keys. Another user's key id is indistinguishable from an unknown one (404). */
export const DELETE: RequestHandler = apiRoute(async ({ locals, params }) => {
	const user = requireApiUser(locals);
	if (!(await revokeApiKey(appDb(), user.id, params.id))) {
		error(404, { message: 'No active API key with that id.', code: 'not_found' });
	}
	return new Response(null, { status: 204 });
});
