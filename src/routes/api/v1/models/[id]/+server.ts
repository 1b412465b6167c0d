import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { getModel, modelJson } from '$lib/server/models/store';
import type { RequestHandler } from './$types';

/** The model's metrics, leaderboard, validation, warnings and input schema. */
export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const user = requireApiUser(locals);
	const model = await getModel(appDb(), user.id, params.id);
	if (!model) error(404, { message: 'No model with that id.', code: 'not_found' });
	return json(modelJson(model!));
});
