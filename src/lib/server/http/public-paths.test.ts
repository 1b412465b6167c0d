import { describe, expect, it } from 'vitest';
import { isApiPath, isPublicPath } from './public-paths';

describe('public paths', () => {
	it.each(['/', '/login', '/signup', '/healthz', '/share/abc', '/_app/immutable/x.js'])(
		'%s is public',
		(p) => {
			expect(isPublicPath(p)).toBe(true);
		}
	);

	it.each(['/datasets', '/settings', '/runs/1', '/logout', '/loginx', '/shared'])(
		'%s needs a session',
		(p) => {
			expect(isPublicPath(p)).toBe(false);
		}
	);

	it('recognises the API', () => {
		expect(isApiPath('/api/v1/datasets')).toBe(true);
		expect(isApiPath('/apix')).toBe(false);
	});
});
