import { appDb } from '$lib/server/app-db';
import { onlineWorkers } from '$lib/server/queue/workers-registry';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	if (!locals.user) return { user: null, compute: null };
	// For the footer: the workers online and the TensorFlow.js backend they run neural models on.
	const online = await onlineWorkers(appDb());
	return {
		user: locals.user,
		compute: { workers: online.length, backend: online.find((w) => w.computeBackend)?.computeBackend ?? null }
	};
};
