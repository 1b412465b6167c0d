import { error, fail, redirect } from '@sveltejs/kit';
import { COLUMN_TYPES, type ColumnType } from '$lib/engine/frame/types';
import { appDb } from '$lib/server/app-db';
import {
	MAX_NAME_LENGTH,
	deleteDataset,
	getDataset,
	renameDataset,
	setColumnType
} from '$lib/server/datasets/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const dataset = await getDataset(appDb(), locals.user!.id, params.id);
	if (!dataset) error(404, { message: 'No such dataset.' });
	return { dataset };
};

export const actions: Actions = {
	rename: async ({ request, locals, params }) => {
		const name = String((await request.formData()).get('name') ?? '').trim();
		if (!name || name.length > MAX_NAME_LENGTH) {
			return fail(400, { action: 'rename' as const, error: `Use 1–${MAX_NAME_LENGTH} characters.` });
		}
		if (!(await renameDataset(appDb(), locals.user!.id, params.id, name)))
			error(404, { message: 'No such dataset.' });
		return { action: 'rename' as const, ok: true };
	},
	setType: async ({ request, locals, params }) => {
		const form = await request.formData();
		const column = String(form.get('column') ?? '');
		const type = String(form.get('type') ?? '') as ColumnType;
		if (!COLUMN_TYPES.includes(type))
			return fail(400, { action: 'setType' as const, column, error: 'Choose one of the listed types.' });
		const outcome = await setColumnType(appDb(), locals.user!.id, params.id, column, type);
		if (!outcome.ok) {
			if (outcome.reason === 'not_found') error(404, { message: 'No such dataset.' });
			return fail(400, { action: 'setType' as const, column, error: `There is no column "${column}".` });
		}
		return { action: 'setType' as const, column, unreadable: outcome.unreadable };
	},
	delete: async ({ locals, params }) => {
		if (!(await deleteDataset(appDb(), locals.user!.id, params.id)))
			error(404, { message: 'No such dataset.' });
		redirect(303, '/datasets');
	}
};
