import { error } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { apiRoute } from '$lib/server/api/handler';
import { requireApiUser } from '$lib/server/api/auth';
import { runJson } from '$lib/server/runs/api-shape';
import { subscribeRun } from '$lib/server/runs/live';
import { getRun, getRunDetail } from '$lib/server/runs/store';
import type { RequestHandler } from './$types';

const FALLBACK_POLL_MS = 5_000;
const KEEPALIVE_MS = 15_000;

/**
 * Server-sent events for one run: an `event: run` with the whole run (as `GET /api/v1/runs/{id}`) at once and
 * after every change (NOTIFY from the worker), and a final one when it ends, after which the stream closes.
 */
export const GET: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const user = requireApiUser(locals);
	const db = appDb();
	// Only the owner check here: the first event is read after subscribing, so no change falls in between.
	if (!(await getRun(db, user.id, params.id)))
		error(404, { message: 'No run with that id.', code: 'not_found' });
	const encoder = new TextEncoder();
	let cleanup = () => {};
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			let closed = false;
			let sending = false;
			let again = false;
			const close = () => {
				if (closed) return;
				closed = true;
				cleanup();
				try {
					controller.close();
				} catch {
					/* already closed by the client */
				}
			};
			const write = (text: string) => {
				if (!closed) controller.enqueue(encoder.encode(text));
			};
			const send = async () => {
				if (closed) return;
				if (sending) {
					again = true;
					return;
				}
				sending = true;
				try {
					do {
						again = false;
						const run = await getRunDetail(db, user.id, params.id!);
						if (!run) return close();
						write(`event: run\ndata: ${JSON.stringify(runJson(run))}\n\n`);
						if (!['queued', 'running'].includes(run.status)) return close();
					} while (again && !closed);
				} catch {
					// The database may be restarting; the next notification or poll tries again.
				} finally {
					sending = false;
				}
			};
			const unsubscribe = subscribeRun(params.id!, () => void send());
			const poll = setInterval(() => void send(), FALLBACK_POLL_MS);
			const keepalive = setInterval(() => write(': keep-alive\n\n'), KEEPALIVE_MS);
			cleanup = () => {
				unsubscribe();
				clearInterval(poll);
				clearInterval(keepalive);
			};
			request.signal.addEventListener('abort', close, { once: true });
			write('retry: 2000\n\n');
			void send();
		},
		cancel() {
			cleanup();
		}
	});
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache, no-transform',
			'x-accel-buffering': 'no'
		}
	});
});
