import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { datasetJson } from '$lib/server/datasets/api-shape';
import { ingestUploadedFile } from '$lib/server/datasets/ingest';
import { listDatasets } from '$lib/server/datasets/store';
import { UploadError, receiveUpload } from '$lib/server/datasets/upload';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals }) => {
	const user = requireApiUser(locals);
	const datasets = await listDatasets(appDb(), user.id);
	return json({ datasets: datasets.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })) });
});

/** Upload a CSV or XLSX (multipart field `file`; optional fields `name`, `sheet`, `delimiter`). */
export const POST: RequestHandler = apiRoute(async ({ locals, request }) => {
	const user = requireApiUser(locals);
	let upload;
	try {
		upload = await receiveUpload(request);
	} catch (err) {
		if (err instanceof UploadError)
			error(err.status, { message: err.message, code: err.code, details: err.details });
		throw err;
	}
	const outcome = await ingestUploadedFile(appDb(), user.id, {
		...upload,
		name: upload.fields.name,
		sheet: upload.fields.sheet,
		delimiter: upload.fields.delimiter
	});
	if (!outcome.ok) {
		const { code, message, location } = outcome.error;
		error(400, { message, code: 'validation_failed', details: { field: 'file', reason: code, ...location } });
	}
	return json(datasetJson(outcome.dataset), {
		status: 201,
		headers: { Location: `/api/v1/datasets/${outcome.dataset.id}` }
	});
});
