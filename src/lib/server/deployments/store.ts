/**
 * Deployments as their owner manages them: create from a model, publish a newer model (a new version), roll
 * back, make public or private, delete. Every function takes the owner's id and touches only their rows.
 * Serving reads deployments by slug alone (`servingPointer`), since a public one answers anyone.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { gunzipSync } from 'node:zlib';
import { parseArtifact, type ModelArtifact } from '../../engine/automl/artifact';
import { forgetVerifiedKeys } from '../auth/api-key';
import type { Database } from '../db';
import { isUuid } from '../db/ids';
import { apiKeys, deployments, deploymentVersions, models } from '../db/schema';
import { suggestSlug } from './slug';

export const MAX_DEPLOYMENT_NAME_LENGTH = 100;

const listed = {
	id: deployments.id,
	slug: deployments.slug,
	name: deployments.name,
	isPublic: deployments.isPublic,
	modelId: deployments.modelId,
	version: deployments.version,
	createdAt: deployments.createdAt,
	updatedAt: deployments.updatedAt,
	modelName: models.name,
	target: models.target,
	task: models.task,
	metric: models.metric,
	score: models.score
};

export type DeploymentRecord = Awaited<ReturnType<typeof listDeployments>>[number];

export interface DeploymentVersion {
	version: number;
	modelId: string;
	modelName: string;
	metric: string;
	score: number;
	publishedAt: Date;
}

export type DeploymentDetail = DeploymentRecord & { versions: DeploymentVersion[] };

export async function listDeployments(db: Database, ownerId: string) {
	return db
		.select(listed)
		.from(deployments)
		.innerJoin(models, eq(models.id, deployments.modelId))
		.where(eq(deployments.ownerId, ownerId))
		.orderBy(desc(deployments.updatedAt));
}

export async function getDeployment(
	db: Database,
	ownerId: string,
	slug: string
): Promise<DeploymentDetail | null> {
	const [deployment] = await db
		.select(listed)
		.from(deployments)
		.innerJoin(models, eq(models.id, deployments.modelId))
		.where(and(eq(deployments.slug, slug), eq(deployments.ownerId, ownerId)));
	if (!deployment) return null;
	const versions = await db
		.select({
			version: deploymentVersions.version,
			modelId: deploymentVersions.modelId,
			modelName: models.name,
			metric: models.metric,
			score: models.score,
			publishedAt: deploymentVersions.publishedAt
		})
		.from(deploymentVersions)
		.innerJoin(models, eq(models.id, deploymentVersions.modelId))
		.where(eq(deploymentVersions.deploymentId, deployment.id))
		.orderBy(desc(deploymentVersions.version));
	return { ...deployment, versions };
}

/** The deployments a model has been published to (current or earlier version), for its page. */
export async function deploymentsOfModel(db: Database, ownerId: string, modelId: string) {
	if (!isUuid(modelId)) return [];
	return db
		.selectDistinct({
			slug: deployments.slug,
			name: deployments.name,
			isPublic: deployments.isPublic,
			serving: sql<boolean>`${deployments.modelId} = ${modelId}`
		})
		.from(deployments)
		.innerJoin(deploymentVersions, eq(deploymentVersions.deploymentId, deployments.id))
		.where(and(eq(deployments.ownerId, ownerId), eq(deploymentVersions.modelId, modelId)));
}

async function ownedModel(db: Database, ownerId: string, modelId: string) {
	if (!isUuid(modelId)) return null;
	const [model] = await db
		.select({ id: models.id, name: models.name })
		.from(models)
		.where(and(eq(models.id, modelId), eq(models.ownerId, ownerId)));
	return model ?? null;
}

export type CreateResult =
	| { ok: true; deployment: DeploymentDetail }
	| { ok: false; reason: 'model-not-found' | 'slug-taken' };

/** Publishes a model as a new deployment (version 1). A slug is made from the name unless one is given. */
export async function createDeployment(
	db: Database,
	ownerId: string,
	options: { modelId: string; isPublic?: boolean; slug?: string; name?: string }
): Promise<CreateResult> {
	const model = await ownedModel(db, ownerId, options.modelId);
	if (!model) return { ok: false, reason: 'model-not-found' };
	const name = options.name ?? model.name;
	for (let attempt = 0; attempt < 5; attempt++) {
		const slug = options.slug ?? suggestSlug(name);
		const created = await db.transaction(async (tx) => {
			const [row] = await tx
				.insert(deployments)
				.values({ ownerId, slug, name, isPublic: options.isPublic ?? false, modelId: model.id, version: 1 })
				.onConflictDoNothing({ target: deployments.slug })
				.returning({ id: deployments.id });
			if (!row) return false;
			await tx.insert(deploymentVersions).values({ deploymentId: row.id, version: 1, modelId: model.id });
			return true;
		});
		if (created) return { ok: true, deployment: (await getDeployment(db, ownerId, slug))! };
		if (options.slug) return { ok: false, reason: 'slug-taken' };
	}
	return { ok: false, reason: 'slug-taken' };
}

export type ChangeResult =
	| { ok: true; deployment: DeploymentDetail }
	| { ok: false; reason: 'deployment-not-found' | 'model-not-found' | 'version-not-found' };

/**
 * Makes `modelId` the deployment's next version and serves it. The pointer moves in the same transaction that
 * records the version, with the deployment row locked, so concurrent publishes get distinct version numbers.
 */
export async function publishVersion(
	db: Database,
	ownerId: string,
	slug: string,
	modelId: string
): Promise<ChangeResult> {
	const model = await ownedModel(db, ownerId, modelId);
	if (!model) return { ok: false, reason: 'model-not-found' };
	const published = await db.transaction(async (tx) => {
		const [deployment] = await tx
			.select({ id: deployments.id })
			.from(deployments)
			.where(and(eq(deployments.slug, slug), eq(deployments.ownerId, ownerId)))
			.for('update');
		if (!deployment) return false;
		const [{ next }] = await tx
			.select({ next: sql<number>`coalesce(max(${deploymentVersions.version}), 0)::int + 1` })
			.from(deploymentVersions)
			.where(eq(deploymentVersions.deploymentId, deployment.id));
		await tx.insert(deploymentVersions).values({ deploymentId: deployment.id, version: next, modelId });
		await tx
			.update(deployments)
			.set({ modelId, version: next, updatedAt: new Date() })
			.where(eq(deployments.id, deployment.id));
		return true;
	});
	if (!published) return { ok: false, reason: 'deployment-not-found' };
	return { ok: true, deployment: (await getDeployment(db, ownerId, slug))! };
}

/** Serves an earlier (or later) recorded version again. */
export async function rollbackDeployment(
	db: Database,
	ownerId: string,
	slug: string,
	version: number
): Promise<ChangeResult> {
	const [target] = await db
		.select({ id: deployments.id, modelId: deploymentVersions.modelId })
		.from(deployments)
		.leftJoin(
			deploymentVersions,
			and(eq(deploymentVersions.deploymentId, deployments.id), eq(deploymentVersions.version, version))
		)
		.where(and(eq(deployments.slug, slug), eq(deployments.ownerId, ownerId)));
	if (!target) return { ok: false, reason: 'deployment-not-found' };
	if (!target.modelId) return { ok: false, reason: 'version-not-found' };
	await db
		.update(deployments)
		.set({ modelId: target.modelId, version, updatedAt: new Date() })
		.where(eq(deployments.id, target.id));
	return { ok: true, deployment: (await getDeployment(db, ownerId, slug))! };
}

export async function updateDeployment(
	db: Database,
	ownerId: string,
	slug: string,
	changes: { isPublic?: boolean; name?: string }
): Promise<DeploymentDetail | null> {
	const updated = await db
		.update(deployments)
		.set({ ...changes, updatedAt: new Date() })
		.where(and(eq(deployments.slug, slug), eq(deployments.ownerId, ownerId)))
		.returning({ id: deployments.id });
	return updated.length ? getDeployment(db, ownerId, slug) : null;
}

/** Deletes the deployment, its versions and its log, and revokes the keys that worked only for it. */
export async function deleteDeployment(db: Database, ownerId: string, slug: string): Promise<boolean> {
	const deleted = await db.transaction(async (tx) => {
		const [deleted] = await tx
			.delete(deployments)
			.where(and(eq(deployments.slug, slug), eq(deployments.ownerId, ownerId)))
			.returning({ id: deployments.id });
		if (!deleted) return false;
		await tx
			.update(apiKeys)
			.set({ revokedAt: new Date() })
			.where(and(eq(apiKeys.deploymentId, deleted.id), isNull(apiKeys.revokedAt)));
		return true;
	});
	if (deleted) forgetVerifiedKeys();
	return deleted;
}

/** What serving needs to know about a slug, whoever asks. */
export interface ServingPointer {
	id: string;
	ownerId: string;
	slug: string;
	name: string;
	isPublic: boolean;
	modelId: string;
	version: number;
}

export async function servingPointer(db: Database, slug: string): Promise<ServingPointer | null> {
	const [row] = await db
		.select({
			id: deployments.id,
			ownerId: deployments.ownerId,
			slug: deployments.slug,
			name: deployments.name,
			isPublic: deployments.isPublic,
			modelId: deployments.modelId,
			version: deployments.version
		})
		.from(deployments)
		.where(eq(deployments.slug, slug));
	return row ?? null;
}

/** A model's artifact, unpacked (the serving cache keeps the result). */
export async function loadArtifact(db: Database, modelId: string): Promise<ModelArtifact> {
	const [row] = await db.select({ artifact: models.artifact }).from(models).where(eq(models.id, modelId));
	if (!row) throw new Error(`model ${modelId} is gone`);
	return parseArtifact(gunzipSync(row.artifact).toString('utf8'), `model ${modelId}`);
}
