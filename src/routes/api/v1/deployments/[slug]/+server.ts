import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { readJsonBody, requireApiUser } from '$lib/server/api/auth';
import { apiRoute } from '$lib/server/api/handler';
import { deploymentJson } from '$lib/server/deployments/api-shape';
import { readDeploymentChanges } from '$lib/server/deployments/requests';
import { appServing } from '$lib/server/deployments/serving';
import { deleteDeployment, getDeployment, updateDeployment } from '$lib/server/deployments/store';
import type { RequestHandler } from './$types';

const notFound = (slug: string) => error(404, { message: `No deployment "${slug}".`, code: 'not_found' });

/** The deployment, with its version history. */
export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const user = requireApiUser(locals);
	const deployment = await getDeployment(appDb(), user.id, params.slug);
	if (!deployment) notFound(params.slug);
	return json(deploymentJson(url.origin, deployment!));
});

/** `{public?, name?}`: make it public or private, or rename it. */
export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request, url }) => {
	const user = requireApiUser(locals);
	const changes = readDeploymentChanges(await readJsonBody(request));
	const deployment = await updateDeployment(appDb(), user.id, params.slug, changes);
	if (!deployment) notFound(params.slug);
	appServing().cache.invalidate(params.slug);
	return json(deploymentJson(url.origin, deployment!));
});

/** Stops serving and deletes the deployment's history and log; the models stay. */
export const DELETE: RequestHandler = apiRoute(async ({ locals, params }) => {
	const user = requireApiUser(locals);
	if (!(await deleteDeployment(appDb(), user.id, params.slug))) notFound(params.slug);
	appServing().cache.invalidate(params.slug);
	return new Response(null, { status: 204 });
});
