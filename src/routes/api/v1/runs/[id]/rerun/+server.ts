import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { startRun } from '$lib/server/runs/start';
import { getRun } from '$lib/server/runs/store';
import type { RequestHandler } from './$types';

/** Starts a new run with this run's settings, changed by any fields in the (optional) JSON body. */
export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const user = requireApiUser(locals);
	const previous = await getRun(appDb(), user.id, params.id);
	if (!previous) error(404, { message: 'No run with that id.', code: 'not_found' });
	const text = await request.text();
	let changes: Record<string, unknown> = {};
	if (text.trim()) {
		try {
			changes = JSON.parse(text);
		} catch {
			error(400, { message: 'The request body is not valid JSON.', code: 'bad_request' });
		}
	}
	const outcome = await startRun(
		user.id,
		{ datasetId: previous!.datasetId, target: previous!.target, ...previous!.settings, ...changes },
		previous!.id
	);
	if (!outcome.ok)
		error(outcome.status, {
			message:
				outcome.field === 'datasetId'
					? `The dataset "${previous!.datasetName}" no longer exists.`
					: outcome.message,
			code: outcome.status === 404 ? 'not_found' : 'validation_failed',
			details: { field: outcome.field }
		});
	return json(
		{ id: outcome.run!.id, status: outcome.run!.status },
		{ status: 202, headers: { Location: `/api/v1/runs/${outcome.run!.id}` } }
	);
});
