import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { datasetJson } from '$lib/server/datasets/api-shape';
import { runIngestProcess } from '$lib/server/datasets/run-ingest';
import { getDataset, listDatasets } from '$lib/server/datasets/store';
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
	// Parsing runs in its own process: the web server stays responsive and its memory small.
	const outcome = await runIngestProcess({
		path: upload.path,
		fileName: upload.fileName,
		size: upload.size,
		ownerId: user.id,
		name: upload.fields.name,
		sheet: upload.fields.sheet,
		delimiter: upload.fields.delimiter
	});
	if (!outcome.ok) {
		const { code, message, location } = outcome.error;
		error(code === 'file_too_large' ? 413 : 400, {
			message,
			code: code === 'file_too_large' ? 'payload_too_large' : 'validation_failed',
			details: { field: 'file', reason: code, ...location }
		});
	}
	const dataset = (await getDataset(appDb(), user.id, outcome.id))!;
	return json(datasetJson(dataset), {
		status: 201,
		headers: { Location: `/api/v1/datasets/${dataset.id}` }
	});
});
