/**
 * The TensorFlow.js backend neural models run on, chosen once per process: the fastest that loads here, in
 * the order `@tensorflow/tfjs-node-gpu` (native TensorFlow with CUDA, when a GPU is visible) →
 * `@tensorflow/tfjs-node` (native TensorFlow on the CPU) → `@tensorflow/tfjs-backend-wasm` (SIMD) → plain
 * JavaScript CPU. `HUNCH_TF_BACKEND` (gpu, node, wasm or cpu) puts one first. A backend that fails to load is
 * recorded with its reason, once, and the next is tried; loading never throws while the plain CPU backend
 * remains.
 *
 * The native packages are optional dependencies: their install step downloads the TensorFlow library, which
 * npm only runs when allowed (see the README), so a machine without it falls through to wasm.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';

export type Tf = typeof TF;
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendAttempt {
	backend: BackendName;
	ok: boolean;
	/** Why it could not be used (absent when it loaded). */
	reason?: string;
}

export interface ComputeBackend {
	name: BackendName;
	/** For people: "wasm (SIMD)", "TensorFlow native, GPU", … */
	label: string;
	tf: Tf;
	/** Every backend tried, in order, with the reason each unusable one was passed over. */
	attempts: BackendAttempt[];
}

type Loader = () => Promise<{ tf: Tf; label: string }>;

const ALIASES: Record<string, BackendName> = {
	gpu: 'tensorflow-gpu',
	'tensorflow-gpu': 'tensorflow-gpu',
	'tfjs-node-gpu': 'tensorflow-gpu',
	node: 'tensorflow',
	tensorflow: 'tensorflow',
	'tfjs-node': 'tensorflow',
	wasm: 'wasm',
	cpu: 'cpu'
};

/** The order to try backends in; `forced` (HUNCH_TF_BACKEND's value) goes first. */
export function backendOrder(forced?: string): { order: BackendName[]; problem?: string } {
	if (!forced) return { order: [...BACKEND_NAMES] };
	const name = ALIASES[forced.trim().toLowerCase()];
	if (!name)
		return {
			order: [...BACKEND_NAMES],
			problem: `HUNCH_TF_BACKEND="${forced}" is not a backend; use gpu, node, wasm or cpu. Choosing automatically.`
		};
	return { order: [name, ...BACKEND_NAMES.filter((b) => b !== name)] };
}

const requireHere = createRequire(import.meta.url);

function gpuVisible(): boolean {
	return fs.existsSync('/dev/nvidia0') || fs.existsSync('/proc/driver/nvidia/gpus');
}

/** Imports an optional dependency by name (not resolved at build time: it may not be installed). */
function importOptional(name: string): Promise<unknown> {
	return import(/* @vite-ignore */ name);
}

/** TensorFlow.js with its plain-JavaScript kernels and every op's gradient registered. */
async function plainTf(): Promise<Tf> {
	return (await import('@tensorflow/tfjs')) as unknown as Tf;
}

async function activate(tf: Tf, backend: string): Promise<void> {
	if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend("${backend}") refused`);
	await tf.ready();
	// Production mode: no debug checks, and no console banner suggesting another backend.
	tf.enableProdMode();
	// A tiny computation proves the backend works, not only that it registered.
	const probe = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
	if (probe[0] !== 4 || probe[1] !== 6)
		throw new Error(`the ${backend} backend computed 1 + 3 = ${probe[0]}`);
}

export const LOADERS: Record<BackendName, Loader> = {
	async 'tensorflow-gpu'() {
		if (!gpuVisible()) throw new Error('no NVIDIA GPU is visible (/dev/nvidia0)');
		const tf = (await importOptional('@tensorflow/tfjs-node-gpu')) as Tf;
		await activate(tf, 'tensorflow');
		return { tf, label: 'TensorFlow native, GPU (tfjs-node-gpu)' };
	},
	async tensorflow() {
		const tf = (await importOptional('@tensorflow/tfjs-node')) as Tf;
		await activate(tf, 'tensorflow');
		return { tf, label: 'TensorFlow native, CPU (tfjs-node)' };
	},
	async wasm() {
		const tf = await plainTf();
		const wasm = await import('@tensorflow/tfjs-backend-wasm');
		const dist = path.dirname(
			requireHere.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')
		);
		wasm.setWasmPaths(dist + path.sep);
		await activate(tf, 'wasm');
		return { tf, label: 'WebAssembly (tfjs-backend-wasm)' };
	},
	async cpu() {
		const tf = await plainTf();
		await activate(tf, 'cpu');
		return { tf, label: 'JavaScript CPU (tfjs)' };
	}
};

function firstLine(err: unknown): string {
	const message = err instanceof Error ? err.message : String(err);
	return message.split('\n')[0].slice(0, 300);
}

/** Tries backends in order until one works. `loaders` replaces the real ones in tests. */
export async function loadComputeBackend(
	options: { forced?: string; loaders?: Partial<Record<BackendName, Loader>> } = {}
): Promise<ComputeBackend> {
	const { order, problem } = backendOrder(options.forced);
	const attempts: BackendAttempt[] = [];
	if (problem) console.warn(`[tfjs] ${problem}`);
	for (const backend of order) {
		const loader = options.loaders?.[backend] ?? LOADERS[backend];
		try {
			const { tf, label } = await loader();
			attempts.push({ backend, ok: true });
			return { name: backend, label, tf, attempts };
		} catch (err) {
			attempts.push({ backend, ok: false, reason: firstLine(err) });
		}
	}
	throw new Error(
		`No TensorFlow.js backend could be loaded: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`
	);
}

let current: Promise<ComputeBackend> | undefined;

/** This process's backend, loaded on first use (from HUNCH_TF_BACKEND and what is installed). */
export function computeBackend(): Promise<ComputeBackend> {
	current ??= loadComputeBackend({ forced: process.env.HUNCH_TF_BACKEND });
	return current;
}

/** One line for logs: the backend chosen and why the faster ones were passed over. */
export function describeBackend(backend: ComputeBackend): string {
	const skipped = backend.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`);
	return `${backend.label}${skipped.length ? ` (not used: ${skipped.join('; ')})` : ''}`;
}
