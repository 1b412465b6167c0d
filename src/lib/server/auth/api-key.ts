import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { apiKeys } from '../db/schema';
import { findActiveUser, type SessionUser } from './session';
import { digestsEqual, hashToken, randomToken } from './tokens';

/** `hk_` + 8-character lookup prefix + `_` + 32-character secret (160 random bits). */
const KEY_PATTERN = /^hk_([a-z2-7]{8})_([a-z2-7]{32})$/;
export const MAX_KEY_NAME_LENGTH = 100;

export interface ApiKeySummary {
	id: string;
	name: string;
	/** The deployment this key is limited to; null for an account key. */
	deploymentId: string | null;
	prefix: string;
	createdAt: Date;
	lastUsedAt: Date | null;
	revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeySummary {
	/** The whole key. Shown to the user once; only its hash is stored. */
	key: string;
}

export function validateKeyName(raw: unknown): { name: string } | { error: string } {
	const name = typeof raw === 'string' ? raw.trim() : '';
	if (!name) return { error: 'Give the key a name, such as "CRM integration".' };
	if (name.length > MAX_KEY_NAME_LENGTH) return { error: `Use at most ${MAX_KEY_NAME_LENGTH} characters.` };
	return { name };
}

/**
 * Creates a key. With `deploymentId` (which the caller has checked belongs to the user) the key answers only
 * that deployment's predictions; without, it works for the user's whole API.
 */
export async function createApiKey(
	db: Database,
	userId: string,
	name: string,
	deploymentId: string | null = null
): Promise<CreatedApiKey> {
	const prefix = randomToken(5); // 8 base32 chars
	const key = `hk_${prefix}_${randomToken(20)}`;
	const [row] = await db
		.insert(apiKeys)
		.values({ userId, name, prefix, secretHash: hashToken(key), deploymentId })
		.returning();
	return { ...summarise(row), key };
}

/** The user's keys; with `deploymentId`, only the keys limited to that deployment. */
export async function listApiKeys(
	db: Database,
	userId: string,
	deploymentId?: string
): Promise<ApiKeySummary[]> {
	const rows = await db
		.select()
		.from(apiKeys)
		.where(and(eq(apiKeys.userId, userId), deploymentId ? eq(apiKeys.deploymentId, deploymentId) : undefined))
		.orderBy(desc(apiKeys.createdAt));
	return rows.map(summarise);
}

/** Revokes one of the user's keys. False when no active key with that id belongs to the user. */
export async function revokeApiKey(db: Database, userId: string, keyId: string): Promise<boolean> {
	if (!/^[0-9a-f-]{36}$/i.test(keyId)) return false;
	const revoked = await db
		.update(apiKeys)
		.set({ revokedAt: new Date() })
		.where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
		.returning({ id: apiKeys.id });
	forgetVerifiedKeys();
	return revoked.length > 0;
}

export interface VerifiedApiKey {
	keyId: string;
	userId: string;
	deploymentId: string | null;
}

/**
 * Checks a presented key. The prefix finds the row; the stored hash is compared in constant time. Revocation is
 * read from the database on every request, so a revoked key stops working at once on every web process.
 */
export async function verifyApiKey(db: Database, presented: string): Promise<VerifiedApiKey | null> {
	const match = KEY_PATTERN.exec(presented);
	if (!match) return null;
	const [row] = await db
		.select({
			id: apiKeys.id,
			userId: apiKeys.userId,
			secretHash: apiKeys.secretHash,
			deploymentId: apiKeys.deploymentId
		})
		.from(apiKeys)
		.where(and(eq(apiKeys.prefix, match[1]), isNull(apiKeys.revokedAt)));
	if (!row || !digestsEqual(row.secretHash, hashToken(presented))) return null;
	// Record use at most once a minute per key, so busy keys do not write on every request.
	await db
		.update(apiKeys)
		.set({ lastUsedAt: new Date() })
		.where(
			and(
				eq(apiKeys.id, row.id),
				sql`(${apiKeys.lastUsedAt} IS NULL OR ${apiKeys.lastUsedAt} < now() - interval '1 minute')`
			)
		);
	return { keyId: row.id, userId: row.userId, deploymentId: row.deploymentId };
}

function summarise(row: typeof apiKeys.$inferSelect): ApiKeySummary {
	return {
		id: row.id,
		name: row.name,
		deploymentId: row.deploymentId,
		prefix: row.prefix,
		createdAt: row.createdAt,
		lastUsedAt: row.lastUsedAt,
		revokedAt: row.revokedAt
	};
}

export interface AuthenticatedKey extends VerifiedApiKey {
	user: SessionUser;
}

/**
 * How long a verified key is trusted without asking the database again. A key revoked in this process stops at
 * once (`forgetVerifiedKeys`); one revoked through another web process stops within this time.
 */
const TRUSTED_MS = 2_000;
const MAX_TRUSTED = 10_000;
const trusted = new Map<string, { key: AuthenticatedKey; until: number }>();

/** Drops every remembered key (after a revocation, or when a deployment and its keys are deleted). */
export function forgetVerifiedKeys(): void {
	trusted.clear();
}

/**
 * The key's owner, if the key is valid and the account active. Prediction endpoints call this on every
 * request, so a key verified in the last two seconds is answered from memory (by the SHA-256 of the whole key,
 * never the key itself); only successes are remembered.
 */
export async function authenticateApiKey(db: Database, presented: string): Promise<AuthenticatedKey | null> {
	if (!KEY_PATTERN.test(presented)) return null;
	const digest = hashToken(presented);
	const now = Date.now();
	const hit = trusted.get(digest);
	if (hit && hit.until > now) return hit.key;
	const verified = await verifyApiKey(db, presented);
	const user = verified ? await findActiveUser(db, verified.userId) : null;
	if (!verified || !user) {
		trusted.delete(digest);
		return null;
	}
	const key = { ...verified, user };
	if (trusted.size >= MAX_TRUSTED) trusted.clear();
	trusted.set(digest, { key, until: now + TRUSTED_MS });
	return key;
}
