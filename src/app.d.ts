import type { Session, SessionUser } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
			details?: Record<string, unknown>;
		}
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
			/** How the request authenticated: the browser's session cookie or a personal API key. */
			auth: 'session' | 'api-key' | null;
			apiKeyId: string | null;
			/** Set when the API key works only for one deployment's predictions. */
			apiKeyDeploymentId: string | null;
			/** Set by handleError when a request failed because PostgreSQL could not be reached. */
			databaseUnavailable?: boolean;
		}
		interface PageData {
			user?: SessionUser | null;
		}
	}
}

export {};
