import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface Spawned {
	child: ChildProcess;
	output: () => string;
	/** Resolves with the exit code once the process has exited. */
	exited: Promise<number | null>;
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
	stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Spawns a Node process from the repository root, capturing its output for assertions and debugging. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv): Spawned {
	const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const listeners = new Set<() => void>();
	const append = (chunk: Buffer) => {
		output += chunk.toString('utf8');
		listeners.forEach((l) => l());
	};
	child.stdout!.on('data', append);
	child.stderr!.on('data', append);
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	return {
		child,
		output: () => output,
		exited,
		waitFor(pattern, timeoutMs = 90_000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					if (pattern.test(output)) {
						cleanup();
						resolve();
					}
				};
				const timer = setTimeout(() => {
					cleanup();
					reject(new Error(`Timed out waiting for ${pattern}. Output so far:\n${output}`));
				}, timeoutMs);
				const onExit = () => {
					cleanup();
					if (pattern.test(output)) resolve();
					else reject(new Error(`Process exited before ${pattern}. Output:\n${output}`));
				};
				const cleanup = () => {
					clearTimeout(timer);
					listeners.delete(check);
					child.off('exit', onExit);
				};
				listeners.add(check);
				child.once('exit', onExit);
				check();
			});
		},
		async stop(signal = 'SIGINT', timeoutMs = 40_000) {
			if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
			child.kill(signal);
			const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
			const code = await exited;
			clearTimeout(timer);
			return code;
		}
	};
}

/** Node arguments that run a TypeScript entry point in the same process (no wrapper process). */
export const TS_NODE_ARGS = ['--import', 'tsx'];

/** Environment for a child process with no inherited database settings. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const env = { ...process.env, ...extra };
	for (const key of Object.keys(extra)) if (extra[key] === undefined) delete env[key];
	return env;
}

/** Minimal cookie jar for one session cookie, enough to act as a browser in API tests. */
export function cookieFrom(response: Response): string | undefined {
	const header = response.headers.getSetCookie().find((c) => /hunch_session=[^;]+/.test(c));
	return header?.split(';')[0];
}
