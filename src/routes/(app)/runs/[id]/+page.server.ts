import { error, fail } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { runJson } from '$lib/server/runs/api-shape';
import { cancelRun, getRunDetail } from '$lib/server/runs/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const run = await getRunDetail(appDb(), locals.user!.id, params.id);
	if (!run) error(404, { message: 'No such run.' });
	return { run: runJson(run) };
};

export const actions: Actions = {
	cancel: async ({ locals, params }) => {
		const outcome = await cancelRun(appDb(), locals.user!.id, params.id);
		if (outcome === 'not_found') error(404, { message: 'No such run.' });
		if (outcome === 'already_finished') return fail(409, { message: 'The run had already finished.' });
		return { cancelled: true };
	}
};
