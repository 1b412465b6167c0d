import { answerPredict, PREDICT_CORS_HEADERS } from '$lib/server/deployments/predict';
import { appServing } from '$lib/server/deployments/serving';
import type { RequestHandler } from './$types';

/**
 * Most prediction requests are answered before they reach SvelteKit (predict-node.ts); this route answers the
 * rest (a session cookie, a key that did not verify, no Content-Length, …) with the same code.
 */
export const POST: RequestHandler = async ({ locals, params, request, url, getClientAddress }) => {
	const answer = await answerPredict(
		appServing(),
		params.slug,
		{
			userId: locals.user?.id ?? null,
			keyId: locals.apiKeyId,
			keyDeploymentId: locals.apiKeyDeploymentId,
			address: getClientAddress()
		},
		{
			contentType: request.headers.get('content-type'),
			searchParams: url.searchParams,
			text: () => request.text()
		}
	);
	return new Response(answer.body, { status: answer.status, headers: answer.headers });
};

export const OPTIONS: RequestHandler = async () =>
	new Response(null, {
		status: 204,
		headers: {
			...PREDICT_CORS_HEADERS,
			'Access-Control-Allow-Methods': 'POST, OPTIONS',
			'Access-Control-Allow-Headers': 'Authorization, Content-Type',
			'Access-Control-Max-Age': '86400'
		}
	});
