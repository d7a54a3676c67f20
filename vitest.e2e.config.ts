import { defineConfig } from 'vitest/config';

// Whole-system tests: a real server process, real database, the system's Chromium (scripts/chromium/locate.mjs) driven by playwright-core.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    // With DATABASE_URL: one migrated Postgres template per run, copied for each system's database.
    globalSetup: ['test/e2e/global-setup.ts'],
  },
});
