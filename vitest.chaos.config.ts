import { defineConfig } from 'vitest/config';

// The chaos test (test/chaos): real server processes, real Postgres and a private redis-server,
// nodes killed and restarted. Bounded by its own budget (CHAOS_BUDGET_MS); one file, run alone.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
