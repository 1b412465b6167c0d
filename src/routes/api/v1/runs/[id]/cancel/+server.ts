import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { cancelRun } from '$lib/server/runs/store';
import type { RequestHandler } from './$types';

/** 202 when the run was stopped or will stop within seconds; 409 when it had already ended. */
export const POST: RequestHandler = apiRoute(async ({ locals, params }) => {
	const user = requireApiUser(locals);
	const outcome = await cancelRun(appDb(), user.id, params.id);
	if (outcome === 'not_found') error(404, { message: 'No run with that id.', code: 'not_found' });
	if (outcome === 'already_finished')
		error(409, { message: 'The run has already finished.', code: 'conflict' });
	return json(
		{ id: params.id, status: outcome === 'cancelled' ? 'cancelled' : 'running', cancelRequested: true },
		{ status: 202 }
	);
});
