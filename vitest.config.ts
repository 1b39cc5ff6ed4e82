// Unit and integration tests of the project's own code (test/). The conformance suite has its
// own config (conformance/vitest.config.ts) and is run by `lpbench conformance`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
