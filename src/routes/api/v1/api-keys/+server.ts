import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { readJsonBody, requireApiUser } from '$lib/server/api/auth';
import { createApiKey, listApiKeys, validateKeyName } from '$lib/server/auth/api-key';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals }) => {
	const user = requireApiUser(locals);
	const keys = await listApiKeys(appDb(), user.id);
	return json({ keys });
});

export const POST: RequestHandler = apiRoute(async ({ locals, request }) => {
	const user = requireApiUser(locals);
	const body = await readJsonBody(request);
	const parsed = validateKeyName(body.name);
	if ('error' in parsed) {
		error(400, { message: parsed.error, code: 'validation_failed', details: { field: 'name' } });
	}
	const created = await createApiKey(appDb(), user.id, parsed.name);
	return json(created, { status: 201 });
});
