/** Queues every worker serves. Payloads carry ids, never data. */
export const QUEUES = {
	/** Housekeeping every minute: expired sessions, rate-limit windows, workers that stopped heart-beating. */
	maintenance: 'maintenance'
} as const;

export const PGBOSS_SCHEMA = 'pgboss';

/** A worker that has not heart-beaten for this long is considered gone. */
export const WORKER_STALE_SECONDS = 30;
export const HEARTBEAT_INTERVAL_MS = 5_000;
