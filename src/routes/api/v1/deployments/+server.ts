import { json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { requireApiUser } from '$lib/server/api/auth';
import { apiRoute } from '$lib/server/api/handler';
import { deploymentJson } from '$lib/server/deployments/api-shape';
import { listDeployments } from '$lib/server/deployments/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, url }) => {
	const user = requireApiUser(locals);
	const deployments = await listDeployments(appDb(), user.id);
	return json({ deployments: deployments.map((d) => deploymentJson(url.origin, d)) });
});
