import { fail } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { createApiKey, listApiKeys, validateKeyName } from '$lib/server/auth/api-key';
import { revokeKeyAction } from '$lib/server/auth/key-actions';
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
	revokeKey: ({ request, locals }) => revokeKeyAction(request, locals.user!.id)
};
