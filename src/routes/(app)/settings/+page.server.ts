import { fail } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { createApiKey, listApiKeys, revokeApiKey, validateKeyName } from '$lib/server/auth/api-key';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const keys = await listApiKeys(appDb(), locals.user!.id);
	return { keys };
};

export const actions: Actions = {
	createKey: async ({ request, locals }) => {
		const form = await request.formData();
		const parsed = validateKeyName(form.get('name'));
		if ('error' in parsed)
			return fail(400, { action: 'createKey' as const, name: form.get('name'), error: parsed.error });
		const created = await createApiKey(appDb(), locals.user!.id, parsed.name);
		return {
			action: 'createKey' as const,
			created: { id: created.id, name: created.name, key: created.key }
		};
	},
	revokeKey: async ({ request, locals }) => {
		const form = await request.formData();
		const id = form.get('id');
		const revoked = typeof id === 'string' && (await revokeApiKey(appDb(), locals.user!.id, id));
		if (!revoked)
			return fail(404, {
				action: 'revokeKey' as const,
				error: 'That key does not exist or is already revoked.'
			});
		return { action: 'revokeKey' as const, revoked: id };
	}
};
