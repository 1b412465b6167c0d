import fs from 'node:fs';
import { error } from '@sveltejs/kit';
import { BatchFileError, scoreFile } from '$lib/server/deployments/batch-file';
import { sharedDeployment } from '$lib/server/deployments/access';
import { appServing } from '$lib/server/deployments/serving';
import { receiveUpload, UploadError } from '$lib/server/datasets/upload';
import type { RequestHandler } from './$types';

/** Files scored from the share page are smaller than dataset uploads: they are read in the web process. */
const MAX_SCORE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Scores an uploaded CSV or XLSX (multipart field "file") and sends it back with prediction, probability and
 * reason columns. Errors are JSON `{"error": {...}}` for the page to show.
 */
export const POST: RequestHandler = async ({ params, locals, request, getClientAddress }) => {
	const started = performance.now();
	const served = await sharedDeployment(params.slug, locals.user?.id ?? null);
	const serving = appServing();
	const decision = serving.limiter.hit(
		locals.user ? `user:${locals.user.id}` : `ip:${getClientAddress()}`,
		locals.user ? serving.limits.perKey : serving.limits.perAddress
	);
	if (!decision.allowed)
		error(429, {
			message: `Too many requests: try again in ${decision.retryAfterSeconds} s.`,
			code: 'rate_limited'
		});
	let upload;
	try {
		upload = await receiveUpload(request, MAX_SCORE_FILE_BYTES);
	} catch (err) {
		if (err instanceof UploadError)
			error(err.status, { message: err.message, code: err.code, details: err.details });
		throw err;
	}
	const log = (status: number, rows: number, errorCode: string | null) =>
		serving.log.record({
			deploymentId: served.pointer.id,
			version: served.pointer.version,
			keyId: null,
			at: new Date(),
			status,
			rows,
			latencyMs: performance.now() - started,
			errorCode
		});
	try {
		const scored = await scoreFile(
			served.model.artifact,
			upload.path,
			upload.fileName,
			served.model.fields.map((f) => f.name)
		);
		log(200, scored.rows, null);
		return new Response(new Uint8Array(scored.bytes), {
			headers: {
				'Content-Type': scored.contentType,
				'Content-Disposition': `attachment; filename="${scored.fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(scored.fileName)}`,
				'Cache-Control': 'no-store',
				'X-Hunch-Rows': String(scored.rows),
				'X-Hunch-Warnings': encodeURIComponent(JSON.stringify(scored.warnings))
			}
		});
	} catch (err) {
		if (!(err instanceof BatchFileError)) throw err;
		log(err.status, 0, 'validation_failed');
		error(err.status, { message: err.message, code: 'validation_failed', details: { field: 'file' } });
	} finally {
		fs.rmSync(upload.path, { force: true });
	}
};
