import { error, json } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { readJsonBody, requireApiUser } from '$lib/server/api/auth';
import { COLUMN_TYPES, type ColumnType } from '$lib/engine/frame/types';
import { datasetJson } from '$lib/server/datasets/api-shape';
import {
	MAX_NAME_LENGTH,
	deleteDataset,
	getDataset,
	renameDataset,
	setColumnType
} from '$lib/server/datasets/store';
import type { RequestHandler } from './$types';

const notFound = () => error(404, { message: 'No dataset with that id.', code: 'not_found' });

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const user = requireApiUser(locals);
	const dataset = await getDataset(appDb(), user.id, params.id);
	if (!dataset) notFound();
	return json({ ...datasetJson(dataset!), preview: dataset!.preview });
});

/** `{"name": "..."}` renames; `{"columnTypes": {"col": "categorical"}}` overrides inferred types. */
export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const user = requireApiUser(locals);
	const body = await readJsonBody(request);
	const db = appDb();
	if (!(await getDataset(db, user.id, params.id))) notFound();
	if (body.name !== undefined) {
		const name = typeof body.name === 'string' ? body.name.trim() : '';
		if (!name || name.length > MAX_NAME_LENGTH) {
			error(400, {
				message: `"name" must be 1–${MAX_NAME_LENGTH} characters.`,
				code: 'validation_failed',
				details: { field: 'name' }
			});
		}
		await renameDataset(db, user.id, params.id, name);
	}
	if (body.columnTypes !== undefined) {
		if (!body.columnTypes || typeof body.columnTypes !== 'object' || Array.isArray(body.columnTypes)) {
			error(400, {
				message: '"columnTypes" must be an object of column name → type.',
				code: 'validation_failed',
				details: { field: 'columnTypes' }
			});
		}
		for (const [column, type] of Object.entries(body.columnTypes as Record<string, unknown>)) {
			if (!COLUMN_TYPES.includes(type as ColumnType)) {
				error(400, {
					message: `Type "${String(type)}" for column "${column}" is not one of ${COLUMN_TYPES.join(', ')}.`,
					code: 'validation_failed',
					details: { field: `columnTypes.${column}` }
				});
			}
			const outcome = await setColumnType(db, user.id, params.id, column, type as ColumnType);
			if (!outcome.ok && outcome.reason === 'no_such_column') {
				error(400, {
					message: `The dataset has no column "${column}".`,
					code: 'validation_failed',
					details: { field: `columnTypes.${column}` }
				});
			}
		}
	}
	const dataset = await getDataset(db, user.id, params.id);
	if (!dataset) notFound();
	return json(datasetJson(dataset!));
});

export const DELETE: RequestHandler = apiRoute(async ({ locals, params }) => {
	const user = requireApiUser(locals);
	if (!(await deleteDataset(appDb(), user.id, params.id))) notFound();
	return new Response(null, { status: 204 });
});
