import { error } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { getModel, modelJson } from '$lib/server/models/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const model = await getModel(appDb(), locals.user!.id, params.id);
	if (!model) error(404, { message: 'No such model.' });
	return { model: modelJson(model) };
};
