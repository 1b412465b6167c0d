import { fail, redirect } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { getDataset, listDatasets } from '$lib/server/datasets/store';
import {
	DEFAULT_TIME_LIMIT_SECONDS,
	MAX_TIME_LIMIT_SECONDS,
	MIN_TIME_LIMIT_SECONDS
} from '$lib/server/runs/settings';
import { startRun } from '$lib/server/runs/start';
import { getRun } from '$lib/server/runs/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = appDb();
	const ownerId = locals.user!.id;
	const rerun = url.searchParams.get('rerun');
	const previous = rerun ? await getRun(db, ownerId, rerun) : null;
	const datasetId = url.searchParams.get('dataset') ?? previous?.datasetId ?? null;
	const dataset = datasetId ? await getDataset(db, ownerId, datasetId) : null;
	return {
		datasets: dataset
			? []
			: (await listDatasets(db, ownerId)).map((d) => ({ id: d.id, name: d.name, rows: d.rows })),
		dataset: dataset && {
			id: dataset.id,
			name: dataset.name,
			rows: dataset.rows,
			columns: dataset.profile.columns.map((c) => ({
				name: c.name,
				type: c.type,
				missingShare: c.missingShare,
				distinct: c.distinct
			}))
		},
		previous:
			previous && previous.datasetId === dataset?.id
				? { id: previous.id, target: previous.target, settings: previous.settings }
				: null,
		limits: { min: MIN_TIME_LIMIT_SECONDS, max: MAX_TIME_LIMIT_SECONDS, default: DEFAULT_TIME_LIMIT_SECONDS }
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const form = await request.formData();
		const text = (name: string) => String(form.get(name) ?? '');
		const columns = form.getAll('column').map(String);
		const used = new Set(form.getAll('use').map(String));
		const target = text('target');
		const choice = text('timeLimit');
		const minutes = Number(text('customMinutes').replace(',', '.'));
		const timeLimitSeconds = choice === 'custom' ? Math.round(minutes * 60) : Number(choice);
		const validationKind = text('validationKind') || 'auto';
		const body = {
			datasetId: text('datasetId'),
			target,
			task: text('task') || 'auto',
			metric: text('metric') || 'auto',
			timeLimitSeconds: Number.isFinite(timeLimitSeconds) ? timeLimitSeconds : NaN,
			excludeColumns: columns.filter((c) => c !== target && !used.has(c)),
			models: form.getAll('model').map(String),
			validation:
				validationKind === 'auto'
					? { kind: 'auto' }
					: { kind: validationKind, column: text('validationColumn') },
			rerunOf: text('rerunOf') || undefined
		};
		const outcome = await startRun(locals.user!.id, body, body.rerunOf);
		if (!outcome.ok) return fail(outcome.status, { field: outcome.field, message: outcome.message });
		redirect(303, `/runs/${outcome.run.id}`);
	}
};
