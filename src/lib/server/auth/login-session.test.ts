import { describe, expect, it } from 'vitest';
import { safeNextPath } from './login-session';

describe('safeNextPath', () => {
	it('keeps local paths', () => {
		expect(safeNextPath('/settings?tab=keys')).toBe('/settings?tab=keys');
	});

	it.each([null, '', 'https://evil.example', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)'])(
		'sends %j to the datasets page instead',
		(next) => {
			expect(safeNextPath(next)).toBe('/datasets');
		}
	);
});
