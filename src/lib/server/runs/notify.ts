import { sql } from 'drizzle-orm';
import type { Database } from '../db';
import { RUN_EVENTS_CHANNEL } from '../queue/names';

/**
 * Tells every listening web process that this run changed (the payload is only the id; see live.ts). Inside a
 * transaction (`tx`), the notification is delivered when it commits, never for a rolled-back change.
 */
export async function notifyRun(db: Database, runId: string): Promise<void> {
	await db.execute(sql`SELECT pg_notify(${RUN_EVENTS_CHANNEL}, ${runId})`);
}
