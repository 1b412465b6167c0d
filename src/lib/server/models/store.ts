import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../db';
import { isUuid } from '../db/ids';
import { models } from '../db/schema';

/** Everything but the artifact bytes, which only prediction needs. */
const columns = {
	id: models.id,
	runId: models.runId,
	name: models.name,
	datasetName: models.datasetName,
	target: models.target,
	task: models.task,
	metric: models.metric,
	score: models.score,
	metrics: models.metrics,
	summary: models.summary,
	artifactBytes: models.artifactBytes,
	createdAt: models.createdAt
};

export type ModelRecord = Awaited<ReturnType<typeof listModels>>[number];

export async function listModels(db: Database, ownerId: string) {
	return db.select(columns).from(models).where(eq(models.ownerId, ownerId)).orderBy(desc(models.createdAt));
}

/** One model with its explanations (the list leaves them out: they are the bulk of a model's row). */
export async function getModel(db: Database, ownerId: string, id: string) {
	if (!isUuid(id)) return null;
	const [model] = await db
		.select({ ...columns, explanations: models.explanations })
		.from(models)
		.where(and(eq(models.id, id), eq(models.ownerId, ownerId)));
	return model ?? null;
}

export function modelJson<M extends ModelRecord>(m: M) {
	return { ...m, createdAt: m.createdAt.toISOString() };
}
