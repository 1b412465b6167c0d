/**
 * Live run updates for this web process: one LISTEN connection, fanned out to every open event stream by run
 * id. Workers NOTIFY with the run id only; each stream then reads the run itself (scoped to its user), so a
 * notification can never leak one user's data to another. If the connection drops, it reconnects with
 * back-off and wakes every stream (anything may have changed meanwhile); streams also re-read every few
 * seconds, so a missed notification delays an update but never loses it.
 */
import pg from 'pg';
import { RUN_EVENTS_CHANNEL } from '../queue/names';

type Listener = () => void;

const listeners = new Map<string, Set<Listener>>();
let client: pg.Client | undefined;
let connecting: Promise<void> | undefined;
let retryDelay = 500;

function wakeAll() {
	for (const set of listeners.values()) for (const l of set) l();
}

function connect(): Promise<void> {
	const url = process.env.DATABASE_URL;
	if (!url) return Promise.resolve();
	connecting ??= (async () => {
		const c = new pg.Client({ connectionString: url, application_name: 'hunch-web-listen', keepAlive: true });
		c.on('notification', (message) => {
			if (message.channel !== RUN_EVENTS_CHANNEL || !message.payload) return;
			listeners.get(message.payload)?.forEach((l) => l());
		});
		const lost = () => {
			if (client !== c) return;
			client = undefined;
			c.end().catch(() => undefined);
			if (listeners.size) setTimeout(() => void connect().then(wakeAll), retryDelay).unref();
			retryDelay = Math.min(retryDelay * 2, 10_000);
		};
		c.on('error', lost);
		c.on('end', lost);
		await c.connect();
		await c.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
		client = c;
		retryDelay = 500;
	})()
		.catch(() => {
			if (listeners.size) setTimeout(() => void connect().then(wakeAll), retryDelay).unref();
			retryDelay = Math.min(retryDelay * 2, 10_000);
		})
		.finally(() => (connecting = undefined));
	return connecting;
}

/** Calls `listener` whenever run `runId` may have changed. Returns the unsubscribe function. */
export function subscribeRun(runId: string, listener: Listener): () => void {
	let set = listeners.get(runId);
	if (!set) listeners.set(runId, (set = new Set()));
	set.add(listener);
	if (!client) void connect();
	return () => {
		set.delete(listener);
		if (set.size === 0) listeners.delete(runId);
		if (listeners.size === 0 && client) {
			const c = client;
			client = undefined;
			void c.end().catch(() => undefined);
		}
	};
}

process.on('sveltekit:shutdown', () => {
	listeners.clear();
	void client?.end().catch(() => undefined);
	client = undefined;
});
