/** Checks the fields of deployment requests; each problem names its field (a 400 in the API's error shape). */
import { error } from '@sveltejs/kit';
import { MAX_DEPLOYMENT_NAME_LENGTH } from './store';

export function readDeploymentChanges(body: Record<string, unknown>): { isPublic?: boolean; name?: string } {
	const changes: { isPublic?: boolean; name?: string } = {};
	if (body.public !== undefined) {
		if (typeof body.public !== 'boolean')
			error(400, {
				message: '"public" must be true or false.',
				code: 'validation_failed',
				details: { field: 'public' }
			});
		changes.isPublic = body.public;
	}
	if (body.name !== undefined) {
		const name = typeof body.name === 'string' ? body.name.trim() : '';
		if (!name || name.length > MAX_DEPLOYMENT_NAME_LENGTH)
			error(400, {
				message: `"name" must be text of 1 to ${MAX_DEPLOYMENT_NAME_LENGTH} characters.`,
				code: 'validation_failed',
				details: { field: 'name' }
			});
		changes.name = name;
	}
	return changes;
}
