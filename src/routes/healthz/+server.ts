import { json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { checkHealth } from '$lib/server/health';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const report = await checkHealth(appDb());
	return json(report, {
		status: report.database.ok ? 200 : 503,
		headers: { 'Cache-Control': 'no-store', ...(report.database.ok ? {} : { 'Retry-After': '5' }) }
	});
};
