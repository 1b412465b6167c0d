import { json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { listModels, modelJson } from '$lib/server/models/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals }) => {
	const user = requireApiUser(locals);
	const models = await listModels(appDb(), user.id);
	return json({ models: models.map(modelJson) });
});
