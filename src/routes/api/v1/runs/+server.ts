import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { readJsonBody, requireApiUser } from '$lib/server/api/auth';
import { runSummaryJson } from '$lib/server/runs/api-shape';
import { startRun } from '$lib/server/runs/start';
import { listRuns } from '$lib/server/runs/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals }) => {
	const user = requireApiUser(locals);
	const runs = await listRuns(appDb(), user.id);
	const now = Date.now();
	return json({ runs: runs.map((r) => runSummaryJson(r, now)) });
});

/** `{datasetId, target, task?, metric?, timeLimitSeconds?, excludeColumns?, models?, validation?, seed?, maxTrials?}` */
export const POST: RequestHandler = apiRoute(async ({ locals, request }) => {
	const user = requireApiUser(locals);
	const outcome = await startRun(user.id, await readJsonBody(request));
	if (!outcome.ok)
		error(outcome.status, {
			message: outcome.message,
			code: outcome.status === 404 ? 'not_found' : 'validation_failed',
			details: { field: outcome.field }
		});
	const run = outcome.run!;
	return json(
		{ id: run.id, status: run.status, queuePosition: run.queuePosition },
		{ status: 202, headers: { Location: `/api/v1/runs/${run.id}` } }
	);
});
