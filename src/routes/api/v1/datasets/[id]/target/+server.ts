import { error, json } from '@sveltejs/kit';
import { checkTargetColumn } from '$lib/engine/automl/target-check';
import { TargetError, type Task } from '$lib/engine/prep/target';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { loadFrame } from '$lib/server/datasets/store';
import type { RequestHandler } from './$types';

/**
 * `GET /api/v1/datasets/{id}/target?column=churned[&task=auto]`: what the wizard shows for a candidate target —
 * the task and why, the distribution, warnings, and the columns to leave out by default. A column that cannot
 * be a target answers 400 with the reason.
 */
export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const user = requireApiUser(locals);
	const column = url.searchParams.get('column');
	if (!column)
		error(400, {
			message: 'Say which column: ?column=<name>.',
			code: 'validation_failed',
			details: { field: 'column' }
		});
	const task = (url.searchParams.get('task') ?? 'auto') as Task | 'auto';
	if (!['auto', 'binary', 'multiclass', 'regression'].includes(task))
		error(400, {
			message: '"task" must be auto, binary, multiclass or regression.',
			code: 'validation_failed',
			details: { field: 'task' }
		});
	const frame = await loadFrame(appDb(), user.id, params.id);
	if (!frame) error(404, { message: 'No dataset with that id.', code: 'not_found' });
	try {
		return json(checkTargetColumn(frame!, column!, task));
	} catch (err) {
		if (err instanceof TargetError)
			error(400, { message: err.message, code: 'validation_failed', details: { field: 'column' } });
		throw err;
	}
});
