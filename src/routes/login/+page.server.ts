import { fail, redirect } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { logIn } from '$lib/server/auth/accounts';
import { safeNextPath, startSession } from '$lib/server/auth/login-session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNextPath(url.searchParams.get('next')));
	return { next: url.searchParams.get('next') ?? undefined };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const email = form.get('email');
		const db = appDb();
		const result = await logIn(db, { email, password: form.get('password'), ip: event.getClientAddress() });
		if (!result.ok) {
			return fail(result.status, { email: typeof email === 'string' ? email : '', errors: result.errors });
		}
		await startSession(db, event.cookies, event.url, result.user.id, event.locals.session);
		redirect(303, safeNextPath(form.get('next') as string | null));
	}
};
