// Test files that take longest start first (vitest.config.ts): on a fresh clone vitest has no
// durations cached and orders by file size, which left the 2-minute soak and the example
// drivers' conformance runs to start last, alone at the end of the unit phase. The list holds
// the files measured slowest in CI (seconds on a 2-core machine); a file not listed keeps
// vitest's own order after them, and a listed file that no longer exists is ignored.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SLOWEST_FIRST = [
  'test/bench/soak.test.ts', // 123 s
  'test/examples/examples.test.ts', // ~50 s
  'test/driver-protocol/reference-run.test.ts', // 29 s
  'test/adapters/server/fault-server.test.ts', // 22 s
  'test/adapters/server/embedded.test.ts', // 21 s
  'test/conformance/secrets-redaction.test.ts', // 16 s
  'test/reference-pusher/rtmp-interop.test.ts', // 16 s
  'test/conformance/oracles/observe.test.ts', // 15 s
  'test/adapters/microphone/pulse-virtual.test.ts', // 15 s
  'test/conformance/framework/run.test.ts', // 15 s
];

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = SLOWEST_FIRST.indexOf(relative(f.project.config.root, f.moduleId).split('\\').join('/'));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    // Array.prototype.sort is stable: vitest's order stays among the files of one rank.
    return sorted.sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b));
  }
}
