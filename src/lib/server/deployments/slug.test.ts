import { describe, expect, it } from 'vitest';
import { SLUG_PATTERN, suggestSlug, validateSlug } from './slug';

describe('deployment slugs', () => {
	it('accepts readable slugs and lower-cases them', () => {
		expect(validateSlug('Churn-Predictor')).toEqual({ slug: 'churn-predictor' });
		expect(validateSlug('abc')).toEqual({ slug: 'abc' });
	});

	it('refuses what would not make a clean URL, saying what is allowed', () => {
		for (const bad of ['ab', '-abc', 'abc-', 'a--b', 'a b c', 'a/b/c', 'x'.repeat(61), '', 'naïve', 12])
			expect(validateSlug(bad)).toHaveProperty('error');
		expect(validateSlug('new')).toEqual({ error: '"new" is reserved; choose another slug.' });
	});

	it('suggests a valid slug from any name, accents and symbols included', () => {
		for (const name of ['Churn · Telco 2024', 'Crédit scoring', '🙂', '', 'x'.repeat(200), '--a--'])
			expect(suggestSlug(name)).toMatch(SLUG_PATTERN);
		expect(suggestSlug('Crédit scoring')).toMatch(/^credit-scoring-[a-z2-7]{5}$/);
	});
});
