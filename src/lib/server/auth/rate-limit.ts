import { lt, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { rateLimits } from '../db/schema';

export interface RateLimitRule {
	/** Attempts allowed per window. */
	limit: number;
	windowSeconds: number;
}

export interface RateLimitState {
	count: number;
	allowed: boolean;
	retryAfterSeconds: number;
}

/**
 * Counts one event against `key` in a fixed window and reports whether it is still within `rule`. The counter
 * lives in PostgreSQL and is updated in one atomic upsert, so every web process shares it.
 */
export async function hitRateLimit(db: Database, key: string, rule: RateLimitRule): Promise<RateLimitState> {
	const window = `${rule.windowSeconds} seconds`;
	const result = await db.execute<{ count: number; retry_after: number }>(sql`
		INSERT INTO rate_limits (key, count, reset_at)
		VALUES (${key}, 1, now() + ${window}::interval)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN rate_limits.reset_at <= now() THEN 1 ELSE rate_limits.count + 1 END,
			reset_at = CASE WHEN rate_limits.reset_at <= now() THEN now() + ${window}::interval ELSE rate_limits.reset_at END
		RETURNING count, ceil(extract(epoch FROM reset_at - now()))::int AS retry_after`);
	const { count, retry_after } = result.rows[0];
	return { count, allowed: count <= rule.limit, retryAfterSeconds: Math.max(1, retry_after) };
}

/** Reads `key` without counting. */
export async function peekRateLimit(db: Database, key: string, rule: RateLimitRule): Promise<RateLimitState> {
	const result = await db.execute<{ count: number; retry_after: number }>(sql`
		SELECT count, ceil(extract(epoch FROM reset_at - now()))::int AS retry_after
		FROM rate_limits WHERE key = ${key} AND reset_at > now()`);
	const row = result.rows[0];
	if (!row) return { count: 0, allowed: true, retryAfterSeconds: 0 };
	return {
		count: row.count,
		allowed: row.count < rule.limit,
		retryAfterSeconds: Math.max(1, row.retry_after)
	};
}

export async function resetRateLimit(db: Database, key: string): Promise<void> {
	await db.execute(sql`DELETE FROM rate_limits WHERE key = ${key}`);
}

export async function deleteExpiredRateLimits(db: Database): Promise<number> {
	const deleted = await db
		.delete(rateLimits)
		.where(lt(rateLimits.resetAt, sql`now()`))
		.returning({ key: rateLimits.key });
	return deleted.length;
}
