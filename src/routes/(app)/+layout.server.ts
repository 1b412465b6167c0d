import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// The auth hook already guards every non-public path (form actions included); this keeps `user` non-null below.
export const load: LayoutServerLoad = ({ locals, url }) => {
	if (!locals.user) redirect(303, `/login?next=${encodeURIComponent(url.pathname)}`);
	return { user: locals.user };
};
