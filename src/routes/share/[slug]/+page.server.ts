import { exampleRow } from '$lib/deployments/example-row';
import { sharedDeployment } from '$lib/server/deployments/access';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { pointer, model } = await sharedDeployment(params.slug, locals.user?.id ?? null);
	const { artifact, fields } = model;
	return {
		slug: pointer.slug,
		name: pointer.name,
		isPublic: pointer.isPublic,
		isOwner: locals.user?.id === pointer.ownerId,
		target: artifact.target.name,
		task: artifact.task,
		classes: artifact.task === 'regression' ? [] : artifact.target.classes,
		fields,
		example: exampleRow(fields)
	};
};
