import { error, fail, redirect } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { appServing } from '$lib/server/deployments/serving';
import {
	MAX_DEPLOYMENT_NAME_LENGTH,
	createDeployment,
	deploymentsOfModel,
	listDeployments,
	publishVersion
} from '$lib/server/deployments/store';
import { getModel, modelJson } from '$lib/server/models/store';
import { reportCharts } from '$lib/report/charts';
import { METRIC_WORDS } from '$lib/ui/automl-words';
import type { Task } from '$lib/engine/prep/target';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const db = appDb();
	const model = await getModel(db, locals.user!.id, params.id);
	if (!model) error(404, { message: 'No such model.' });
	const charts = model.explanations
		? reportCharts(
				{ task: model.task as Task, target: model.summary.target },
				model.explanations,
				METRIC_WORDS[model.metric]?.label ?? model.metric
			)
		: [];
	const [publishedTo, deployments] = await Promise.all([
		deploymentsOfModel(db, locals.user!.id, model.id),
		listDeployments(db, locals.user!.id)
	]);
	return {
		model: modelJson(model),
		charts,
		publishedTo,
		/** Deployments predicting the same column, which this model could become the next version of. */
		upgradable: deployments
			.filter((d) => d.target === model.target && d.modelId !== model.id)
			.map((d) => ({ slug: d.slug, name: d.name, version: d.version }))
	};
};

export const actions: Actions = {
	publish: async ({ request, locals, params }) => {
		const form = await request.formData();
		const name = String(form.get('name') ?? '').trim();
		if (name.length > MAX_DEPLOYMENT_NAME_LENGTH)
			return fail(400, { error: `Use at most ${MAX_DEPLOYMENT_NAME_LENGTH} characters for the name.` });
		const result = await createDeployment(appDb(), locals.user!.id, {
			modelId: params.id,
			isPublic: form.get('public') === 'on',
			name: name || undefined
		});
		if (!result.ok) return fail(404, { error: 'No such model.' });
		redirect(303, `/deployments/${result.deployment.slug}`);
	},
	publishVersion: async ({ request, locals, params }) => {
		const form = await request.formData();
		const slug = String(form.get('deployment') ?? '');
		const result = await publishVersion(appDb(), locals.user!.id, slug, params.id);
		if (!result.ok) return fail(404, { error: 'Choose one of your deployments.' });
		appServing().cache.invalidate(slug);
		redirect(303, `/deployments/${slug}`);
	}
};
