import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

// e2e tests drive the production build, started exactly as `npm start` does, on a throwaway data directory.
// Chromium is the system one (Debian's package, found by scripts/find-chromium.sh), never a downloaded build.
const port = Number(process.env.E2E_PORT ?? 4173);
process.env.HUNCH_E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'hunch-e2e-'));

export default defineConfig({
	testDir: 'e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	reporter: process.env.CI ? 'list' : 'line',
	use: {
		baseURL: `http://localhost:${port}`,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			// As root, without a sandbox; with no background networking (the machine has no internet).
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-dev-shm-usage'
			]
		}
	},
	webServer: {
		command: 'node --import tsx scripts/start.ts',
		url: `http://localhost:${port}/healthz`,
		reuseExistingServer: false,
		timeout: 180_000,
		stdout: 'pipe',
		gracefulShutdown: { signal: 'SIGINT', timeout: 30_000 },
		env: {
			PORT: String(port),
			HUNCH_DATA_DIR: process.env.HUNCH_E2E_DATA_DIR,
			DATABASE_URL: ''
		}
	}
});
