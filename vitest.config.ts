import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Node-side tests: protocol, core (pure), server adapters against real PGlite/Postgres and socket.io-client,
// and the test doubles of outside services (test/fakes).
export default defineConfig({
  test: {
    include: ['protocol/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts', 'test/fakes/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', 'test/e2e/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default leaves a core to its own process (one worker on two cores), but these files
    // spend much of their time waiting on sockets, Postgres and Redis: one worker per core, at least two.
    maxWorkers: Math.max(2, availableParallelism()),
    // A worker keeps its loaded modules (and PGlite's compiled WASM) from one file to the next instead
    // of importing the server again per file. Safe here: no test mocks modules or changes globals.
    isolate: false,
    // Migrates once per run; every test database is a clone (server/db/test-backends.ts).
    globalSetup: ['server/testing/global-setup.ts'],
    // Cheap password hashes in test processes only (production's cost has its own test).
    setupFiles: ['server/testing/worker-setup.ts'],
  },
});
