import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: { port: 5173 },
	test: {
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'scripts/**/*.test.ts'],
					exclude: ['**/*.int.test.ts'],
					// Tests that train a model take a few seconds; a busy machine must not turn them into failures.
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: './vite.config.ts',
				test: {
					name: 'integration',
					environment: 'node',
					include: ['src/**/*.int.test.ts', 'workers/**/*.int.test.ts', 'scripts/**/*.int.test.ts'],
					globalSetup: ['./src/lib/server/testing/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000,
					// Each file gets its own database; files share one PostgreSQL server.
					fileParallelism: true,
					maxWorkers: 2
				}
			}
		]
	}
});
