import { error, json } from '@sveltejs/kit';
import { apiRoute } from '$lib/server/api/handler';
import { deploymentOpenApi } from '$lib/server/deployments/openapi';
import { appServing } from '$lib/server/deployments/serving';
import type { RequestHandler } from './$types';

/** The deployment's own OpenAPI document: public for a public deployment, for its owner otherwise. */
export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const served = await appServing().cache.get(params.slug);
	const mine = served && locals.user?.id === served.pointer.ownerId;
	const allowed =
		served &&
		(!locals.apiKeyDeploymentId || locals.apiKeyDeploymentId === served.pointer.id) &&
		(mine || served.pointer.isPublic);
	if (!served || !allowed) error(404, { message: `No deployment "${params.slug}".`, code: 'not_found' });
	const { artifact, fields } = served!.model;
	return json(deploymentOpenApi(url.origin, params.slug, served!.pointer.name, artifact, fields));
});
