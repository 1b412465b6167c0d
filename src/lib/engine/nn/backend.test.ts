import { describe, expect, it } from 'vitest';
import { backendOrder, describeBackend, loadComputeBackend, type BackendName } from './backend';

describe('TensorFlow.js backend choice', () => {
	it('tries the fastest first, or the forced one first; an unknown name is said and ignored', () => {
		expect(backendOrder().order).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
		expect(backendOrder('wasm').order).toEqual(['wasm', 'tensorflow-gpu', 'tensorflow', 'cpu']);
		expect(backendOrder('GPU').order[0]).toBe('tensorflow-gpu');
		const unknown = backendOrder('quantum');
		expect(unknown.order[0]).toBe('tensorflow-gpu');
		expect(unknown.problem).toMatch(/not a backend; use gpu, node, wasm or cpu/);
	});

	it('falls back past backends that fail to load, recording each reason, and never throws while cpu loads', async () => {
		const failing = (reason: string) => async () => {
			throw new Error(reason);
		};
		const backend = await loadComputeBackend({
			loaders: {
				'tensorflow-gpu': failing('no NVIDIA GPU is visible'),
				tensorflow: failing("Cannot find module '@tensorflow/tfjs-node'"),
				wasm: failing('wasm file missing\nstack…')
			}
		});
		expect(backend.name).toBe('cpu');
		expect(backend.attempts).toEqual([
			{ backend: 'tensorflow-gpu', ok: false, reason: 'no NVIDIA GPU is visible' },
			{ backend: 'tensorflow', ok: false, reason: "Cannot find module '@tensorflow/tfjs-node'" },
			{ backend: 'wasm', ok: false, reason: 'wasm file missing' },
			{ backend: 'cpu', ok: true }
		]);
		expect(describeBackend(backend)).toMatch(
			/^JavaScript CPU \(tfjs\) \(not used: tensorflow-gpu: no NVIDIA/
		);
	});

	it('loads the real wasm backend when forced, and it computes', async () => {
		const backend = await loadComputeBackend({ forced: 'wasm' });
		expect(backend.name).toBe('wasm');
		expect(backend.tf.getBackend()).toBe('wasm');
		const product = backend.tf.tidy(() => backend.tf.matMul([[1, 2]], [[3], [4]]).dataSync()[0]);
		expect(product).toBe(11);
	});

	it('on this machine, chooses a backend that works and says why the native ones were skipped', async () => {
		const backend = await loadComputeBackend();
		const names: BackendName[] = backend.attempts.map((a) => a.backend);
		expect(names.at(-1)).toBe(backend.name);
		for (const a of backend.attempts.slice(0, -1)) expect(a.reason).toBeTruthy();
	});
});
