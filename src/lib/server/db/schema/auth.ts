import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Stored lower-cased and trimmed; unique. */
		email: text('email').notNull(),
		/** argon2id PHC string. */
		passwordHash: text('password_hash').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		disabledAt: timestamp('disabled_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('users_email_key').on(t.email)]
);

/**
 * Lucia-style sessions: the browser holds a random token, the database holds only its SHA-256 (hex) as `id`.
 * `expiresAt` slides forward on use (30 days); `absoluteExpiresAt` never moves.
 */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		absoluteExpiresAt: timestamp('absolute_expires_at', { withTimezone: true }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('sessions_user_id_idx').on(t.userId)]
);

/**
 * Personal API keys. The key shown once is `hk_<prefix>_<secret>`; `prefix` finds the row, `secretHash`
 * (SHA-256 hex of the whole key) is compared in constant time.
 */
export const apiKeys = pgTable(
	'api_keys',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		/**
		 * Set for a key that works only for this deployment's predictions (given to a program or a colleague);
		 * null for an account key, which works for the whole API. No foreign key here (deployments.ts imports this
		 * file); the key is revoked when its deployment is deleted (see deployments/store.ts).
		 */
		deploymentId: uuid('deployment_id'),
		prefix: text('prefix').notNull(),
		secretHash: text('secret_hash').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('api_keys_prefix_key').on(t.prefix), index('api_keys_user_id_idx').on(t.userId)]
);

/**
 * Fixed-window counters shared by every web process (login throttling per account and per IP).
 * One row per key; the window restarts when `resetAt` has passed.
 */
export const rateLimits = pgTable('rate_limits', {
	key: text('key').primaryKey(),
	count: integer('count').notNull().default(0),
	resetAt: timestamp('reset_at', { withTimezone: true })
		.notNull()
		.default(sql`now()`)
});
