import { error } from '@sveltejs/kit';
import type { ServedDeployment } from './serving-cache';
import { appServing } from './serving';

/**
 * The deployment behind a share-page request: public ones for anyone, private ones for their owner only.
 * Anything else is a 404, so a private slug cannot be told from one that does not exist.
 */
export async function sharedDeployment(slug: string, userId: string | null): Promise<ServedDeployment> {
	const served = await appServing().cache.get(slug);
	if (!served || (!served.pointer.isPublic && served.pointer.ownerId !== userId))
		error(404, { message: `No shared model at "${slug}". It may be private, or no longer published.` });
	return served!;
}
