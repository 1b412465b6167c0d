// Runs the built web server as a child of `npm start`. If the supervisor dies without stopping us (kill -9),
// the IPC channel closes and the server shuts itself down gracefully instead of living on as an orphan.
if (process.channel) {
	process.channel.unref();
	process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
await import('../build/index.js');
