import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres';

declare module 'vitest' {
	export interface ProvidedContext {
		/** A superuser URL on the test server; each test file creates its own database there. */
		adminDatabaseUrl: string;
	}
}

/**
 * Integration tests run against a real PostgreSQL: the machine's own when DATABASE_URL is set (CI runs them a
 * second time that way), otherwise a throwaway embedded server in a temp folder.
 */
export default async function setup(project: TestProject) {
	const external = process.env.DATABASE_URL;
	if (external) {
		project.provide('adminDatabaseUrl', external);
		return;
	}
	const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hunch-test-pg-'));
	const server = await startEmbeddedPostgres({ dataDir });
	project.provide('adminDatabaseUrl', server.adminUrl);
	return async () => {
		await server.stop();
		await fs.rm(dataDir, { recursive: true, force: true });
	};
}
