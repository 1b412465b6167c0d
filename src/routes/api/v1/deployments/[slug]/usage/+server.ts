import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { requireApiUser } from '$lib/server/api/auth';
import { apiRoute } from '$lib/server/api/handler';
import { deploymentUsage } from '$lib/server/deployments/prediction-log';
import { appServing } from '$lib/server/deployments/serving';
import { getDeployment } from '$lib/server/deployments/store';
import type { RequestHandler } from './$types';

/** Requests, rows, errors and latency over the last `hours` (default 24, at most 720), in 48 buckets. */
export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const user = requireApiUser(locals);
	const hours = Number(url.searchParams.get('hours') ?? 24);
	if (!Number.isFinite(hours) || hours <= 0 || hours > 720)
		error(400, {
			message: '"hours" must be a number from 1 to 720.',
			code: 'bad_request',
			details: { field: 'hours' }
		});
	const db = appDb();
	const deployment = await getDeployment(db, user.id, params.slug);
	if (!deployment) error(404, { message: `No deployment "${params.slug}".`, code: 'not_found' });
	await appServing().log.flush();
	return json(await deploymentUsage(db, deployment!.id, hours));
});
