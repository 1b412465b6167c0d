import { appDb } from '$lib/server/app-db';
import { runSummaryJson } from '$lib/server/runs/api-shape';
import { listRuns } from '$lib/server/runs/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const now = Date.now();
	return { runs: (await listRuns(appDb(), locals.user!.id)).map((r) => runSummaryJson(r, now)) };
};
