import { describe, expect, it } from 'vitest';
import { predictSlug } from './predict-node';

describe('the prediction fast path', () => {
	it('takes only prediction paths with a valid slug; anything else is left to SvelteKit', () => {
		expect(predictSlug('/api/v1/deployments/churn-risk/predict')).toBe('churn-risk');
		for (const path of [
			'/api/v1/deployments/churn-risk/predict/',
			'/api/v1/deployments/churn-risk/openapi.json',
			'/api/v1/deployments//predict',
			'/api/v1/deployments/a/b/predict',
			'/api/v1/deployments/Churn-Risk/predict',
			'/api/v1/deployments/churn%2Drisk/predict',
			'/api/v2/deployments/churn-risk/predict',
			'/share/churn-risk'
		])
			expect(predictSlug(path), path).toBeNull();
	});
});
