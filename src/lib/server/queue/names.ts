/** Queues every worker serves. Payloads carry ids, never data. */
export const QUEUES = {
	/** Housekeeping every minute: expired sessions, rate-limit windows, workers that stopped heart-beating. */
	maintenance: 'maintenance',
	/** One AutoML run: `{runId, attempt}`. The worker that takes it coordinates the run's search. */
	trainRun: 'train-run'
} as const;

export const PGBOSS_SCHEMA = 'pgboss';

/** A worker that has not heart-beaten for this long is considered gone, and its runs go back to the queue. */
export const WORKER_STALE_SECONDS = 30;
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** How often each worker looks for runs whose worker is gone. */
export const RECOVERY_INTERVAL_MS = 10_000;

/** LISTEN/NOTIFY channel: the payload is a run id whose state changed (trial finished, status, cancel). */
export const RUN_EVENTS_CHANNEL = 'hunch_run_events';
