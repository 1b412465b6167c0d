import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { readJsonBody, requireApiUser } from '$lib/server/api/auth';
import { apiRoute } from '$lib/server/api/handler';
import { deploymentJson } from '$lib/server/deployments/api-shape';
import { readDeploymentChanges } from '$lib/server/deployments/requests';
import { appServing } from '$lib/server/deployments/serving';
import { validateSlug } from '$lib/server/deployments/slug';
import { createDeployment, publishVersion } from '$lib/server/deployments/store';
import type { RequestHandler } from './$types';

/**
 * Publishes the model: as a new deployment (`{public?, slug?, name?}` → 201), or as the next version of an
 * existing one (`{deployment: "<slug>"}` → 200), which starts answering with this model at once.
 */
export const POST: RequestHandler = apiRoute(async ({ locals, params, request, url }) => {
	const user = requireApiUser(locals);
	const body = request.headers.get('content-length') === '0' ? {} : await readJsonBody(request);
	const db = appDb();
	if (body.deployment !== undefined) {
		const target = validateSlug(body.deployment);
		if ('error' in target)
			error(400, { message: target.error, code: 'validation_failed', details: { field: 'deployment' } });
		const result = await publishVersion(db, user.id, target.slug, params.id);
		if (!result.ok)
			error(404, {
				message:
					result.reason === 'model-not-found' ? 'No model with that id.' : `No deployment "${target.slug}".`,
				code: 'not_found',
				details: { field: result.reason === 'model-not-found' ? 'id' : 'deployment' }
			});
		appServing().cache.invalidate(target.slug);
		return json(deploymentJson(url.origin, result.deployment));
	}
	const changes = readDeploymentChanges(body);
	let slug: string | undefined;
	if (body.slug !== undefined) {
		const checked = validateSlug(body.slug);
		if ('error' in checked)
			error(400, { message: checked.error, code: 'validation_failed', details: { field: 'slug' } });
		slug = checked.slug;
	}
	const result = await createDeployment(db, user.id, {
		modelId: params.id,
		isPublic: changes.isPublic,
		name: changes.name,
		slug
	});
	if (!result.ok) {
		if (result.reason === 'model-not-found')
			error(404, { message: 'No model with that id.', code: 'not_found' });
		error(409, {
			message: `The slug "${slug}" is taken; choose another.`,
			code: 'conflict',
			details: { field: 'slug' }
		});
	}
	return json(deploymentJson(url.origin, result.deployment), { status: 201 });
});
