/**
 * Per-caller request limits for prediction endpoints: a fixed window per key, counted in this process's
 * memory so a prediction costs no database write. (Login throttling, which must hold across processes, is
 * in PostgreSQL instead: auth/rate-limit.ts.)
 */
export interface LimitDecision {
	allowed: boolean;
	limit: number;
	remaining: number;
	/** Seconds until the window restarts (what Retry-After says). */
	retryAfterSeconds: number;
}

export class RequestLimiter {
	readonly #windowMs: number;
	readonly #now: () => number;
	readonly #windows = new Map<string, { count: number; resetAt: number }>();

	constructor(windowSeconds = 60, now: () => number = Date.now) {
		this.#windowMs = windowSeconds * 1000;
		this.#now = now;
	}

	/** Counts one request by `caller` against `limit` requests per window. */
	hit(caller: string, limit: number): LimitDecision {
		const now = this.#now();
		let window = this.#windows.get(caller);
		if (!window || window.resetAt <= now) {
			if (this.#windows.size >= 10_000) this.#sweep(now);
			window = { count: 0, resetAt: now + this.#windowMs };
			this.#windows.set(caller, window);
		}
		window.count++;
		return {
			allowed: window.count <= limit,
			limit,
			remaining: Math.max(0, limit - window.count),
			retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000))
		};
	}

	#sweep(now: number): void {
		for (const [caller, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(caller);
	}
}
