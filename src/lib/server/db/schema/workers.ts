import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per worker process, refreshed every few seconds. pg-boss 10 has no job heartbeat, so this table is
 * how Hunch knows which workers are alive (for /healthz now, and to retry a dead worker's jobs quickly).
 */
export const workers = pgTable('workers', {
	id: text('id').primaryKey(),
	hostname: text('hostname').notNull(),
	pid: integer('pid').notNull(),
	computeBackend: text('compute_backend'),
	startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
	lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
	stoppedAt: timestamp('stopped_at', { withTimezone: true })
});
