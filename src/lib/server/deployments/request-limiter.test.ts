import { describe, expect, it } from 'vitest';
import { RequestLimiter } from './request-limiter';

describe('request limiter', () => {
	it('allows `limit` requests per window per caller, then says how long to wait', () => {
		let now = 0;
		const limiter = new RequestLimiter(60, () => now);
		for (let i = 0; i < 3; i++) expect(limiter.hit('key-a', 3).allowed).toBe(true);
		now = 20_500;
		expect(limiter.hit('key-a', 3)).toEqual({
			allowed: false,
			limit: 3,
			remaining: 0,
			retryAfterSeconds: 40
		});
		expect(limiter.hit('key-b', 3).allowed).toBe(true);
		now = 60_000;
		expect(limiter.hit('key-a', 3)).toMatchObject({ allowed: true, remaining: 2 });
	});
});
