import { error, redirect } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { getModel } from '$lib/server/models/store';
import { renderReportHtml, type ReportModel } from '$lib/report/report-html';
import type { RequestHandler } from './$types';

/**
 * The printable model report: one self-contained HTML document (no script, charts as SVG). With `?download`
 * it comes as a file to save or e-mail.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	if (!locals.user) redirect(303, `/login?next=${encodeURIComponent(url.pathname)}`);
	const model = await getModel(appDb(), locals.user.id, params.id);
	if (!model) error(404, { message: 'No such model.' });
	const html = renderReportHtml({ ...model, task: model.task as ReportModel['task'] });
	const headers: Record<string, string> = {
		'content-type': 'text/html; charset=utf-8',
		'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
	};
	if (url.searchParams.has('download')) {
		const file = `${model.name.replace(/[^\p{L}\p{N} ._-]+/gu, '').trim() || 'model'} report.html`;
		headers['content-disposition'] =
			`attachment; filename="model-report.html"; filename*=UTF-8''${encodeURIComponent(file)}`;
	}
	return new Response(html, { headers });
};
