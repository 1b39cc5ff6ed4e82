// Unit and integration tests of the project's own code (test/). The conformance suite has its
// own config (conformance/vitest.config.ts) and is run by `lpbench conformance`.
//
// Two projects, one after the other (sequence.groupOrder): first every test file but the broken
// drivers, two files at a time; then test/conformance/broken alone. The broken-driver file runs
// the whole conformance suite against the reference (timing checks keep their margins only on a
// machine that is not also running other tests) and then the broken variants, several at once.
import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/longest-first-sequencer.ts';

const BROKEN = 'test/conformance/broken/**/*.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/pulse-global-setup.ts'],
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [BROKEN], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'broken', include: [BROKEN], sequence: { groupOrder: 1 } } },
    ],
  },
});
