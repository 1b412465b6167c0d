/**
 * L-BFGS (Nocedal & Wright, Algorithm 7.4) with a backtracking Armijo line search, for smooth convex
 * objectives such as regularised logistic regression. `evaluate(x, grad)` returns f(x) and writes ∇f(x).
 */
export interface LbfgsOptions {
	maxIterations?: number;
	/** Stop when ‖∇f‖∞ falls below this. */
	gradientTolerance?: number;
	memory?: number;
	deadline?: number;
	signal?: AbortSignal;
}

export interface LbfgsResult {
	x: Float64Array;
	value: number;
	iterations: number;
	converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i] * b[i];
	return s;
}

function maxAbs(a: Float64Array): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
	return m;
}

export function minimiseLbfgs(
	evaluate: (x: Float64Array, grad: Float64Array) => number,
	start: Float64Array,
	options: LbfgsOptions = {}
): LbfgsResult {
	const m = options.memory ?? 10;
	const maxIterations = options.maxIterations ?? 200;
	const tolerance = options.gradientTolerance ?? 1e-6;
	const dim = start.length;
	let x = Float64Array.from(start);
	let grad = new Float64Array(dim);
	let value = evaluate(x, grad);
	const s: Float64Array[] = [];
	const y: Float64Array[] = [];
	const rho: number[] = [];
	const direction = new Float64Array(dim);
	const alpha = new Float64Array(m);
	let iterations = 0;
	let converged = maxAbs(grad) < tolerance;
	while (!converged && iterations < maxIterations) {
		if (options.signal?.aborted || (options.deadline !== undefined && Date.now() >= options.deadline)) break;
		// Two-loop recursion: direction = −H·grad.
		direction.set(grad);
		for (let k = s.length - 1; k >= 0; k--) {
			alpha[k] = rho[k] * dot(s[k], direction);
			for (let i = 0; i < dim; i++) direction[i] -= alpha[k] * y[k][i];
		}
		const gamma = s.length
			? dot(s[s.length - 1], y[y.length - 1]) / dot(y[y.length - 1], y[y.length - 1])
			: 1 / Math.max(1, maxAbs(grad));
		for (let i = 0; i < dim; i++) direction[i] *= gamma;
		for (let k = 0; k < s.length; k++) {
			const beta = rho[k] * dot(y[k], direction);
			for (let i = 0; i < dim; i++) direction[i] += s[k][i] * (alpha[k] - beta);
		}
		for (let i = 0; i < dim; i++) direction[i] = -direction[i];
		let slope = dot(grad, direction);
		if (slope >= 0) {
			// Not a descent direction (curvature trouble): restart from steepest descent.
			s.length = 0;
			y.length = 0;
			rho.length = 0;
			for (let i = 0; i < dim; i++) direction[i] = -grad[i] / Math.max(1, maxAbs(grad));
			slope = dot(grad, direction);
		}
		let step = 1;
		const next = new Float64Array(dim);
		const nextGrad = new Float64Array(dim);
		let nextValue = Infinity;
		for (let tries = 0; tries < 40; tries++) {
			for (let i = 0; i < dim; i++) next[i] = x[i] + step * direction[i];
			nextValue = evaluate(next, nextGrad);
			if (nextValue <= value + 1e-4 * step * slope) break;
			step /= 2;
		}
		if (!(nextValue < value)) break; // no progress possible
		const sk = new Float64Array(dim);
		const yk = new Float64Array(dim);
		for (let i = 0; i < dim; i++) {
			sk[i] = next[i] - x[i];
			yk[i] = nextGrad[i] - grad[i];
		}
		const sy = dot(sk, yk);
		if (sy > 1e-12) {
			if (s.length === m) {
				s.shift();
				y.shift();
				rho.shift();
			}
			s.push(sk);
			y.push(yk);
			rho.push(1 / sy);
		}
		const improvement = value - nextValue;
		x = next;
		grad = nextGrad;
		value = nextValue;
		iterations++;
		converged = maxAbs(grad) < tolerance || improvement < 1e-12 * Math.max(1, Math.abs(value));
	}
	return { x, value, iterations, converged };
}
