import { redirect } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { invalidateSession } from '$lib/server/auth/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies, url }) => {
		if (locals.session) await invalidateSession(appDb(), locals.session.id);
		clearSessionCookie(cookies, url);
		redirect(303, '/login');
	}
};
