/**
 * The deployments this web process serves, by slug, with their models unpacked. A request never waits on the
 * database for a slug seen in the last second; after that the pointer is re-read in the background while the
 * cached version keeps answering (stale-while-revalidate). When the pointer moves (a publish or a rollback, from
 * any web process) the new model is loaded first and then swapped in whole: each request is answered by one
 * version or the next, and none fails during the swap. Changes made by this process are seen at once
 * (`invalidate`).
 */
import type { ModelArtifact } from '../../engine/automl/artifact';
import { inputFields, type InputField } from '../../engine/serve/input-schema';
import type { Database } from '../db';
import { loadArtifact, servingPointer, type ServingPointer } from './store';

export interface ServedModel {
	modelId: string;
	artifact: ModelArtifact;
	fields: InputField[];
}

export interface ServedDeployment {
	pointer: ServingPointer;
	model: ServedModel;
}

interface Entry {
	served: ServedDeployment;
	checkedAt: number;
	refreshing: Promise<ServedDeployment | null> | null;
}

export interface ServingCacheOptions {
	/** How long a pointer is trusted before it is re-read (default 1 s). */
	ttlMs?: number;
	/** Unpacked models kept in memory, least recently used dropped first (default 16). */
	maxModels?: number;
	now?: () => number;
}

export class ServingCache {
	readonly #db: Database;
	readonly #ttlMs: number;
	readonly #maxModels: number;
	readonly #now: () => number;
	readonly #entries = new Map<string, Entry>();
	/** In insertion order = least recently used first. */
	readonly #models = new Map<string, Promise<ServedModel>>();
	readonly #pending = new Map<string, Promise<ServedDeployment | null>>();

	constructor(db: Database, options: ServingCacheOptions = {}) {
		this.#db = db;
		this.#ttlMs = options.ttlMs ?? 1_000;
		this.#maxModels = options.maxModels ?? 16;
		this.#now = options.now ?? Date.now;
	}

	/** The deployment behind `slug`, or null when there is none. */
	async get(slug: string): Promise<ServedDeployment | null> {
		const entry = this.#entries.get(slug);
		if (!entry) return this.#resolve(slug);
		if (this.#now() - entry.checkedAt >= this.#ttlMs && !entry.refreshing) {
			entry.refreshing = this.#resolve(slug).catch(() => {
				// The database is unreachable: keep serving the version we have, and try again next time.
				entry.refreshing = null;
				return entry.served;
			});
		}
		return entry.served;
	}

	/** Forgets `slug` so the next request reads its pointer (after this process changed it). */
	invalidate(slug: string): void {
		this.#entries.delete(slug);
	}

	#resolve(slug: string): Promise<ServedDeployment | null> {
		let pending = this.#pending.get(slug);
		if (!pending) {
			pending = this.#load(slug).finally(() => this.#pending.delete(slug));
			this.#pending.set(slug, pending);
		}
		return pending;
	}

	async #load(slug: string): Promise<ServedDeployment | null> {
		const pointer = await servingPointer(this.#db, slug);
		if (!pointer) {
			this.#entries.delete(slug);
			return null;
		}
		const served = { pointer, model: await this.#model(pointer.modelId) };
		this.#entries.set(slug, { served, checkedAt: this.#now(), refreshing: null });
		return served;
	}

	#model(modelId: string): Promise<ServedModel> {
		let model = this.#models.get(modelId);
		if (model) {
			this.#models.delete(modelId);
		} else {
			model = loadArtifact(this.#db, modelId).then((artifact) => ({
				modelId,
				artifact,
				fields: inputFields(artifact)
			}));
			const loading = model;
			// A failed load is forgotten (the next request retries), unless a newer load has replaced it since.
			loading.catch(() => {
				if (this.#models.get(modelId) === loading) this.#models.delete(modelId);
			});
		}
		this.#models.set(modelId, model);
		while (this.#models.size > this.#maxModels) {
			const oldest = this.#models.keys().next().value!;
			this.#models.delete(oldest);
		}
		return model;
	}
}
