import { error, fail, redirect } from '@sveltejs/kit';
import { exampleRow } from '$lib/deployments/example-row';
import { snippet } from '$lib/deployments/snippets';
import { appDb } from '$lib/server/app-db';
import { createApiKey, listApiKeys, validateKeyName } from '$lib/server/auth/api-key';
import { revokeKeyAction } from '$lib/server/auth/key-actions';
import { deploymentJson } from '$lib/server/deployments/api-shape';
import { deploymentUsage } from '$lib/server/deployments/prediction-log';
import { appServing } from '$lib/server/deployments/serving';
import {
	deleteDeployment,
	getDeployment,
	publishVersion,
	rollbackDeployment,
	updateDeployment
} from '$lib/server/deployments/store';
import { listModels } from '$lib/server/models/store';
import type { Actions, PageServerLoad } from './$types';

const USAGE_HOURS = [1, 24, 168] as const;

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = appDb();
	const userId = locals.user!.id;
	const deployment = await getDeployment(db, userId, params.slug);
	if (!deployment) error(404, { message: 'No such deployment.' });
	const hoursParam = Number(url.searchParams.get('hours') ?? 24);
	const hours = (USAGE_HOURS as readonly number[]).includes(hoursParam) ? hoursParam : 24;
	const serving = appServing();
	await serving.log.flush();
	const [served, usage, keys, models] = await Promise.all([
		serving.cache.get(params.slug),
		deploymentUsage(db, deployment.id, hours),
		listApiKeys(db, userId, deployment.id),
		listModels(db, userId)
	]);
	const fields = served?.model.fields ?? [];
	const json = deploymentJson(url.origin, deployment);
	const input = { url: json.url, row: exampleRow(fields), needsKey: !deployment.isPublic };
	return {
		deployment: json,
		fields,
		snippets: {
			curl: snippet('curl', input),
			javascript: snippet('javascript', input),
			python: snippet('python', input)
		},
		usage,
		hours,
		hourChoices: USAGE_HOURS,
		perKeyLimit: serving.limits.perKey,
		keys,
		/** Models that could become the next version: same target, not the one serving now. */
		candidates: models
			.filter((m) => m.target === deployment.target && m.id !== deployment.modelId)
			.map((m) => ({
				id: m.id,
				name: m.name,
				metric: m.metric,
				score: m.score,
				createdAt: m.createdAt.toISOString()
			}))
	};
};

export const actions: Actions = {
	visibility: async ({ request, locals, params }) => {
		const form = await request.formData();
		const isPublic = form.get('public') === 'true';
		const updated = await updateDeployment(appDb(), locals.user!.id, params.slug, { isPublic });
		if (!updated) return fail(404, { action: 'visibility' as const, error: 'No such deployment.' });
		appServing().cache.invalidate(params.slug);
		return {
			action: 'visibility' as const,
			message: isPublic ? 'Anyone with the link can now use it.' : 'Now only callers with a key can use it.'
		};
	},
	publish: async ({ request, locals, params }) => {
		const form = await request.formData();
		const modelId = String(form.get('modelId') ?? '');
		const result = await publishVersion(appDb(), locals.user!.id, params.slug, modelId);
		if (!result.ok)
			return fail(400, { action: 'publish' as const, error: 'Choose one of your models to publish.' });
		appServing().cache.invalidate(params.slug);
		return { action: 'publish' as const, message: `Version ${result.deployment.version} is now live.` };
	},
	rollback: async ({ request, locals, params }) => {
		const form = await request.formData();
		const version = Number(form.get('version'));
		const result = Number.isInteger(version)
			? await rollbackDeployment(appDb(), locals.user!.id, params.slug, version)
			: null;
		if (!result?.ok) return fail(400, { action: 'rollback' as const, error: 'That version does not exist.' });
		appServing().cache.invalidate(params.slug);
		return { action: 'rollback' as const, message: `Version ${version} is live again.` };
	},
	createKey: async ({ request, locals, params }) => {
		const form = await request.formData();
		const db = appDb();
		const deployment = await getDeployment(db, locals.user!.id, params.slug);
		if (!deployment) return fail(404, { action: 'createKey' as const, error: 'No such deployment.' });
		const parsed = validateKeyName(form.get('name'));
		if ('error' in parsed) return fail(400, { action: 'createKey' as const, error: parsed.error });
		const created = await createApiKey(db, locals.user!.id, parsed.name, deployment.id);
		return {
			action: 'createKey' as const,
			created: { id: created.id, name: created.name, key: created.key }
		};
	},
	revokeKey: ({ request, locals }) => revokeKeyAction(request, locals.user!.id),
	delete: async ({ locals, params }) => {
		if (!(await deleteDeployment(appDb(), locals.user!.id, params.slug)))
			return fail(404, { action: 'delete' as const, error: 'No such deployment.' });
		appServing().cache.invalidate(params.slug);
		redirect(303, '/deployments');
	}
};
