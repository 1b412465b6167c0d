import { error } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { getModel, modelJson } from '$lib/server/models/store';
import { reportCharts } from '$lib/report/charts';
import { METRIC_WORDS } from '$lib/ui/automl-words';
import type { Task } from '$lib/engine/prep/target';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const model = await getModel(appDb(), locals.user!.id, params.id);
	if (!model) error(404, { message: 'No such model.' });
	const charts = model.explanations
		? reportCharts(
				{ task: model.task as Task, target: model.summary.target },
				model.explanations,
				METRIC_WORDS[model.metric]?.label ?? model.metric
			)
		: [];
	return { model: modelJson(model), charts };
};
