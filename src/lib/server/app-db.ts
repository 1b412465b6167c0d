import { createDb, type Database, type DbHandle } from './db';

let handle: DbHandle | undefined;

/** The web process's database pool, opened on first use from `DATABASE_URL`. */
export function appDb(): Database {
	return appDbHandle().db;
}

/** The pool itself, for transactions that also enqueue jobs (see withClientTransaction). */
export function appDbHandle(): DbHandle {
	if (!handle) {
		const url = process.env.DATABASE_URL;
		if (!url) {
			throw new Error('DATABASE_URL is not set. Start Hunch with `npm start`, which provides it.');
		}
		handle = createDb(url, {
			max: Number(process.env.HUNCH_DB_POOL_SIZE ?? 10),
			applicationName: 'hunch-web'
		});
	}
	return handle;
}

const beforeClose: (() => Promise<void>)[] = [];

/** Work to finish with the pool still open when the server shuts down (buffered writes). */
export function beforeAppDbClose(fn: () => Promise<void>): void {
	beforeClose.push(fn);
}

// adapter-node stops accepting requests on SIGTERM/SIGINT, lets those in flight finish, then emits this event;
// the process exits once the pool no longer holds it open.
process.on('sveltekit:shutdown', () => {
	void Promise.allSettled(beforeClose.map((fn) => fn())).then(() => {
		void handle?.close();
		handle = undefined;
	});
});
