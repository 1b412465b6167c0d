import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per worker process, refreshed every few seconds. pg-boss 10 has no job heartbeat, so this table is
 * how Hunch knows which workers are alive (for /healthz now, and to retry a dead worker's jobs quickly).
 */
export const workers = pgTable('workers', {
	id: text('id').primaryKey(),
	hostname: text('hostname').notNull(),
	pid: integer('pid').notNull(),
	computeBackend: text('compute_backend'),
	/** Fitting threads it has: what it lends to another worker's run when it is idle. */
	threads: integer('threads').notNull().default(1),
	/** The run it is coordinating now; null when idle (and so helping with other workers' runs). */
	busyRunId: uuid('busy_run_id'),
	startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
	lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
	stoppedAt: timestamp('stopped_at', { withTimezone: true })
});
