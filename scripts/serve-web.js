// Runs the built web server as a child of `npm start`. If the supervisor dies without stopping us (kill -9),
// the IPC channel closes and the server shuts itself down gracefully instead of living on as an orphan.
if (process.channel) {
	process.channel.unref();
	process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
const { server } = await import('../build/index.js');

// Prediction requests are offered to the app's early handler before SvelteKit sees them
// (src/lib/server/deployments/predict-node.ts, registered by the init hook when the server bundle loaded);
// whatever it does not take goes on to SvelteKit as usual. Polka listens with `server.attach`.
const early = globalThis[Symbol.for('hunch.earlyRequestHandler')];
const http = server.server;
const kit = server.attach;
if (typeof early === 'function' && typeof kit === 'function' && http.listeners('request').includes(kit)) {
	http.removeListener('request', kit);
	http.prependListener('request', (req, res) => early(req, res, () => kit(req, res)));
} else {
	console.warn('[web] prediction fast path not installed: every request goes through SvelteKit');
}
