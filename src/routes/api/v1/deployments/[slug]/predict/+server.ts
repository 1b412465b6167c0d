import { answerPredict } from '$lib/server/deployments/predict';
import { appServing } from '$lib/server/deployments/serving';
import type { RequestHandler } from './$types';

/**
 * Predictions may be requested from any web page (a key in the Authorization header, or none for a public
 * deployment); the session cookie is never sent cross-site (SameSite=Lax), so allowing any origin exposes
 * nothing a script could not already reach.
 */
const CORS = {
	'Access-Control-Allow-Origin': '*',
	'Access-Control-Expose-Headers':
		'Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-Hunch-Deployment-Version'
};

export const POST: RequestHandler = async ({ locals, params, request, url, getClientAddress }) => {
	const response = await answerPredict(
		appServing(),
		params.slug,
		{
			userId: locals.user?.id ?? null,
			keyId: locals.apiKeyId,
			keyDeploymentId: locals.apiKeyDeploymentId,
			address: getClientAddress()
		},
		request,
		url
	);
	for (const [name, value] of Object.entries(CORS)) response.headers.set(name, value);
	return response;
};

export const OPTIONS: RequestHandler = async () =>
	new Response(null, {
		status: 204,
		headers: {
			...CORS,
			'Access-Control-Allow-Methods': 'POST, OPTIONS',
			'Access-Control-Allow-Headers': 'Authorization, Content-Type',
			'Access-Control-Max-Age': '86400'
		}
	});
