/**
 * `npm run worker`: a standalone training worker. Needs only DATABASE_URL, so a team adds machines by running
 * this on each of them against the same PostgreSQL.
 */
import { startWorker } from './start-worker';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
	console.error('DATABASE_URL is not set. Point it at the PostgreSQL server your Hunch web app uses.');
	process.exit(1);
}

const worker = await startWorker({ databaseUrl }).catch((err: Error) => {
	console.error(`[worker] could not start: ${err.message}`);
	process.exit(1);
});

let stopping = false;
function stop() {
	if (stopping) return;
	stopping = true;
	worker.stop().then(
		() => process.exit(0),
		() => process.exit(1)
	);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Started by `npm start`: stop when the supervisor goes away, even if it was killed outright.
if (process.channel) {
	process.channel.unref();
	process.on('disconnect', stop);
}
