import { appDb } from '$lib/server/app-db';
import { listModels } from '$lib/server/models/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	models: (await listModels(appDb(), locals.user!.id)).map((m) => ({
		id: m.id,
		name: m.name,
		target: m.target,
		task: m.task,
		metric: m.metric,
		score: m.score,
		runId: m.runId,
		createdAt: m.createdAt.toISOString()
	}))
});
