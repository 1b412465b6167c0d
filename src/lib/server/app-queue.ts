import type PgBoss from 'pg-boss';
import { startQueue } from './queue/boss';

let starting: Promise<PgBoss> | undefined;

/**
 * The web process's handle on the job queue: it only sends (runs are created with their job in one
 * transaction); workers supervise and execute. Started on first use; a failed start is retried next time.
 */
export function appQueue(): Promise<PgBoss> {
	const url = process.env.DATABASE_URL;
	if (!url) throw new Error('DATABASE_URL is not set. Start Hunch with `npm start`, which provides it.');
	starting ??= startQueue(url, { applicationName: 'hunch-web-queue', role: 'sender', max: 2 }).catch(
		(err) => {
			starting = undefined;
			throw err;
		}
	);
	return starting;
}

process.on('sveltekit:shutdown', () => {
	void starting?.then((boss) => boss.stop({ graceful: false, wait: false })).catch(() => undefined);
	starting = undefined;
});
