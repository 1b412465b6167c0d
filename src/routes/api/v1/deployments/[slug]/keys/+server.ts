import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { readJsonBody, requireApiUser } from '$lib/server/api/auth';
import { apiRoute } from '$lib/server/api/handler';
import { createApiKey, listApiKeys, validateKeyName } from '$lib/server/auth/api-key';
import { getDeployment } from '$lib/server/deployments/store';
import type { RequestHandler } from './$types';

async function ownDeployment(userId: string, slug: string) {
	const deployment = await getDeployment(appDb(), userId, slug);
	if (!deployment) error(404, { message: `No deployment "${slug}".`, code: 'not_found' });
	return deployment!;
}

/** Keys that work only for this deployment's predictions. Revoke one with DELETE /api/v1/api-keys/{id}. */
export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const user = requireApiUser(locals);
	const deployment = await ownDeployment(user.id, params.slug);
	return json({ keys: await listApiKeys(appDb(), user.id, deployment.id) });
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const user = requireApiUser(locals);
	const deployment = await ownDeployment(user.id, params.slug);
	const parsed = validateKeyName((await readJsonBody(request)).name);
	if ('error' in parsed)
		error(400, { message: parsed.error, code: 'validation_failed', details: { field: 'name' } });
	return json(await createApiKey(appDb(), user.id, parsed.name, deployment.id), { status: 201 });
});
