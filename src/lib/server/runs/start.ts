import { appDbHandle } from '../app-db';
import { appQueue } from '../app-queue';
import { getDataset } from '../datasets/store';
import { parseRunRequest, RunRequestError } from './settings';
import { createRun, DatasetGoneError, type RunSummary } from './store';

export type StartOutcome =
	| { ok: true; run: RunSummary }
	| { ok: false; status: 400 | 404; field: string; message: string };

/**
 * Starts a run from a wizard form or an API body (`{datasetId, target, ...settings}`): checks it against the
 * caller's dataset, then saves it with its queue job. Shared by `POST /api/v1/runs` and the wizard's action.
 */
export async function startRun(
	ownerId: string,
	body: Record<string, unknown>,
	rerunOf?: string
): Promise<StartOutcome> {
	if (typeof body.datasetId !== 'string' || !body.datasetId)
		return { ok: false, status: 400, field: 'datasetId', message: 'Choose a dataset ("datasetId").' };
	const handle = appDbHandle();
	const dataset = await getDataset(handle.db, ownerId, body.datasetId);
	if (!dataset) return { ok: false, status: 404, field: 'datasetId', message: 'No dataset with that id.' };
	try {
		const request = parseRunRequest(body, dataset.columns);
		const run = await createRun(handle, await appQueue(), ownerId, dataset.id, request, rerunOf);
		return { ok: true, run };
	} catch (err) {
		if (err instanceof RunRequestError)
			return { ok: false, status: 400, field: err.field, message: err.message };
		if (err instanceof DatasetGoneError)
			return { ok: false, status: 404, field: 'datasetId', message: 'No dataset with that id.' };
		throw err;
	}
}
