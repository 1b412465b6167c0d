import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { runJson } from '$lib/server/runs/api-shape';
import { getRunDetail } from '$lib/server/runs/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const user = requireApiUser(locals);
	const run = await getRunDetail(appDb(), user.id, params.id);
	if (!run) error(404, { message: 'No run with that id.', code: 'not_found' });
	return json(runJson(run!));
});
