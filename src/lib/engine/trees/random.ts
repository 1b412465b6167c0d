/** A small, fast, seedable generator (xorshift32): the same seed gives the same sequence on every machine. */
export function createRandom(seed: number): () => number {
	// Mix the seed so nearby seeds (0, 1, 2 …) start far apart.
	let x = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 0x9e3779b9;
	return () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		return x / 4294967296;
	};
}

/** `k` distinct integers from [0, n), in increasing order. */
export function sampleWithoutReplacement(n: number, k: number, random: () => number): Int32Array {
	const pool = Int32Array.from({ length: n }, (_, i) => i);
	const count = Math.min(n, Math.max(0, k));
	for (let i = 0; i < count; i++) {
		const j = i + Math.floor(random() * (n - i));
		const t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
	}
	return pool.subarray(0, count).sort();
}
