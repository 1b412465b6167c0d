import type { DeploymentDetail, DeploymentRecord } from './store';

export function deploymentUrls(origin: string, slug: string) {
	return {
		url: `${origin}/api/v1/deployments/${slug}/predict`,
		shareUrl: `${origin}/share/${slug}`,
		openApiUrl: `${origin}/api/v1/deployments/${slug}/openapi.json`
	};
}

/** A deployment as the API returns it. */
export function deploymentJson(origin: string, d: DeploymentRecord | DeploymentDetail) {
	return {
		slug: d.slug,
		name: d.name,
		public: d.isPublic,
		...deploymentUrls(origin, d.slug),
		version: d.version,
		model: {
			id: d.modelId,
			name: d.modelName,
			target: d.target,
			task: d.task,
			metric: d.metric,
			score: d.score
		},
		createdAt: d.createdAt.toISOString(),
		updatedAt: d.updatedAt.toISOString(),
		...('versions' in d
			? {
					versions: d.versions.map((v) => ({
						version: v.version,
						modelId: v.modelId,
						modelName: v.modelName,
						metric: v.metric,
						score: v.score,
						publishedAt: v.publishedAt.toISOString(),
						serving: v.version === d.version
					}))
				}
			: {})
	};
}
