import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { readJsonBody, requireApiUser } from '$lib/server/api/auth';
import { apiRoute } from '$lib/server/api/handler';
import { deploymentJson } from '$lib/server/deployments/api-shape';
import { appServing } from '$lib/server/deployments/serving';
import { rollbackDeployment } from '$lib/server/deployments/store';
import type { RequestHandler } from './$types';

/** `{version}`: serve that recorded version again (at once, with no failed request). */
export const POST: RequestHandler = apiRoute(async ({ locals, params, request, url }) => {
	const user = requireApiUser(locals);
	const body = await readJsonBody(request);
	if (!Number.isInteger(body.version) || (body.version as number) < 1)
		error(400, {
			message: '"version" must be the number of a published version (1, 2, …).',
			code: 'validation_failed',
			details: { field: 'version' }
		});
	const result = await rollbackDeployment(appDb(), user.id, params.slug, body.version as number);
	if (!result.ok)
		error(404, {
			message:
				result.reason === 'version-not-found'
					? `Deployment "${params.slug}" has no version ${body.version}.`
					: `No deployment "${params.slug}".`,
			code: 'not_found',
			details: result.reason === 'version-not-found' ? { field: 'version' } : {}
		});
	appServing().cache.invalidate(params.slug);
	return json(deploymentJson(url.origin, result.deployment));
});
