import { lowerPasswordCostForTests } from '../services/passwords.ts';

/**
 * Vitest setup file of the node suite, run in each test file's process before its tests (not in
 * production, nor in the server processes e2e and chaos tests start). See lowerPasswordCostForTests.
 */
lowerPasswordCostForTests();
