/**
 * This web process's serving state: the cache of deployed models, the per-caller limiter and the prediction
 * log writer, created on first use from the app's database pool.
 */
import { appDb, beforeAppDbClose } from '../app-db';
import { PredictionLogWriter } from './prediction-log';
import { RequestLimiter } from './request-limiter';
import { ServingCache } from './serving-cache';

export interface Serving {
	cache: ServingCache;
	limiter: RequestLimiter;
	log: PredictionLogWriter;
	limits: ServingLimits;
}

export interface ServingLimits {
	/** Requests per minute for one API key or signed-in user. */
	perKey: number;
	/** Requests per minute for one IP address calling a public deployment without a key. */
	perAddress: number;
}

function perMinute(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value <= 0)
		throw new Error(`${name} must be a positive number of requests per minute, not "${raw}".`);
	return value;
}

export function servingLimitsFromEnv(): ServingLimits {
	return {
		perKey: perMinute('HUNCH_PREDICT_RATE_LIMIT', 1200),
		perAddress: perMinute('HUNCH_PUBLIC_RATE_LIMIT', 300)
	};
}

let serving: Serving | undefined;

export function appServing(): Serving {
	if (!serving) {
		const db = appDb();
		serving = {
			cache: new ServingCache(db),
			limiter: new RequestLimiter(60),
			log: new PredictionLogWriter(db),
			limits: servingLimitsFromEnv()
		};
		const log = serving.log;
		beforeAppDbClose(() => log.flush());
	}
	return serving;
}
