import { fail } from '@sveltejs/kit';
import { appDb } from '../app-db';
import { revokeApiKey } from './api-key';

/** The `revokeKey` form action of every page that lists keys (Settings, a deployment's page). */
export async function revokeKeyAction(request: Request, userId: string) {
	const form = await request.formData();
	const id = form.get('id');
	const revoked = typeof id === 'string' && (await revokeApiKey(appDb(), userId, id));
	if (!revoked)
		return fail(404, {
			action: 'revokeKey' as const,
			error: 'That key does not exist or is already revoked.'
		});
	return { action: 'revokeKey' as const, revoked: id, message: 'Key revoked: it stops working at once.' };
}
