/**
 * Deployment slugs: the stable part of a deployment's URLs (`/api/v1/deployments/{slug}/predict`,
 * `/share/{slug}`). Lower-case letters, digits and single hyphens, 3 to 60 characters; unique across the server.
 */
import { randomToken } from '../auth/tokens';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,59}$/;

/** Paths under /api/v1/deployments that a slug must not shadow. */
const RESERVED = new Set(['new', 'api', 'share', 'admin', 'settings']);

export function validateSlug(raw: unknown): { slug: string } | { error: string } {
	if (typeof raw !== 'string') return { error: 'The slug must be text, such as "churn-predictor".' };
	const slug = raw.trim().toLowerCase();
	if (!SLUG_PATTERN.test(slug))
		return {
			error:
				'Use 3 to 60 lower-case letters, digits and single hyphens, starting and ending with a letter or digit (such as "churn-predictor").'
		};
	if (RESERVED.has(slug)) return { error: `"${slug}" is reserved; choose another slug.` };
	return { slug };
}

/** A readable slug from a name ("Churn · Telco 2024" → "churn-telco-2024-x3k9q"); the suffix makes it unique. */
export function suggestSlug(name: string): string {
	const base = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40)
		.replace(/-+$/, '');
	const suffix = randomToken(4).slice(0, 5);
	return base.length >= 2 ? `${base}-${suffix}` : `model-${suffix}`;
}
