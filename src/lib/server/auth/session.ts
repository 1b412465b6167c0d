import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../db';
import { sessions, users } from '../db/schema';
import { hashToken, randomToken } from './tokens';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Inactivity timeout: a session unused for this long ends. Every use slides it forward. */
export const SESSION_IDLE_MS = 30 * DAY_MS;
/** Only refresh the expiry (a write) once the session is half-way to expiring. */
const SESSION_REFRESH_MS = 15 * DAY_MS;
/** Absolute lifetime: even an active session ends after this, and the user signs in again. */
export const SESSION_ABSOLUTE_MS = 90 * DAY_MS;

export interface SessionUser {
	id: string;
	email: string;
}

export interface Session {
	id: string;
	userId: string;
	expiresAt: Date;
}

export interface SessionValidation {
	session: Session;
	user: SessionUser;
	/** The expiry moved forward; the cookie must be re-sent with the new date. */
	refreshed: boolean;
}

export function generateSessionToken(): string {
	return randomToken(20);
}

export async function createSession(
	db: Database,
	token: string,
	userId: string,
	now = new Date()
): Promise<Session> {
	const session: Session = {
		id: hashToken(token),
		userId,
		expiresAt: new Date(now.getTime() + SESSION_IDLE_MS)
	};
	await db.insert(sessions).values({
		...session,
		absoluteExpiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
		createdAt: now
	});
	return session;
}

export async function validateSessionToken(
	db: Database,
	token: string,
	now = new Date()
): Promise<SessionValidation | null> {
	if (!/^[a-z2-7]{16,64}$/.test(token)) return null; // not something we issued; skip the query
	const sessionId = hashToken(token);
	const [row] = await db
		.select({
			id: sessions.id,
			userId: sessions.userId,
			expiresAt: sessions.expiresAt,
			absoluteExpiresAt: sessions.absoluteExpiresAt,
			email: users.email,
			disabledAt: users.disabledAt
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(eq(sessions.id, sessionId));
	if (!row) return null;
	if (row.disabledAt || now >= row.expiresAt || now >= row.absoluteExpiresAt) {
		await db.delete(sessions).where(eq(sessions.id, sessionId));
		return null;
	}
	let expiresAt = row.expiresAt;
	let refreshed = false;
	if (expiresAt.getTime() - now.getTime() < SESSION_REFRESH_MS) {
		const slid = Math.min(now.getTime() + SESSION_IDLE_MS, row.absoluteExpiresAt.getTime());
		expiresAt = new Date(slid);
		await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
		refreshed = true;
	}
	return {
		session: { id: row.id, userId: row.userId, expiresAt },
		user: { id: row.userId, email: row.email },
		refreshed
	};
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function invalidateUserSessions(db: Database, userId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Removes sessions past either expiry; run periodically by the maintenance job. */
export async function deleteExpiredSessions(db: Database, now = new Date()): Promise<number> {
	const deleted = await db
		.delete(sessions)
		.where(or(lt(sessions.expiresAt, now), lt(sessions.absoluteExpiresAt, now)))
		.returning({ id: sessions.id });
	return deleted.length;
}

/** Looks up an active (not disabled) user by id, for API-key authentication. */
export async function findActiveUser(db: Database, userId: string): Promise<SessionUser | null> {
	const [row] = await db
		.select({ id: users.id, email: users.email })
		.from(users)
		.where(and(eq(users.id, userId), isNull(users.disabledAt)));
	return row ?? null;
}
