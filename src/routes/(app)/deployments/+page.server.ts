import { appDb } from '$lib/server/app-db';
import { deploymentJson } from '$lib/server/deployments/api-shape';
import { listDeployments } from '$lib/server/deployments/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const deployments = await listDeployments(appDb(), locals.user!.id);
	return { deployments: deployments.map((d) => deploymentJson(url.origin, d)) };
};
