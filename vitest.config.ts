import { defineConfig } from 'vitest/config';

// Node-side tests: protocol, core (pure), server adapters against real PGlite/Postgres and socket.io-client.
export default defineConfig({
  test: {
    include: ['protocol/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', 'test/e2e/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Migrates once per run; every test database is a clone (server/db/test-backends.ts).
    globalSetup: ['server/testing/global-setup.ts'],
    // Cheap password hashes in test processes only (production's cost has its own test).
    setupFiles: ['server/testing/worker-setup.ts'],
  },
});
