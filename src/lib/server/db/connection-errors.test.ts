import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './index';

describe('isDatabaseUnavailable', () => {
	it('recognises refused connections, server shutdowns and dropped connections', () => {
		expect(
			isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
		).toBe(true);
		expect(isDatabaseUnavailable(Object.assign(new Error('terminating'), { code: '57P01' }))).toBe(true);
		expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
		expect(isDatabaseUnavailable(new Error('wrapped', { cause: { code: 'ECONNRESET' } }))).toBe(true);
	});

	it('does not mistake query errors for outages', () => {
		expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
		expect(isDatabaseUnavailable(new Error('syntax error'))).toBe(false);
		expect(isDatabaseUnavailable(null)).toBe(false);
	});
});
