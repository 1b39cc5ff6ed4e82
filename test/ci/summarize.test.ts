// Tests of the CI closing-line summary (.ci/summarize.mjs) on vitest outputs: all passed, some
// failed, some skipped, unhandled errors, coloured output, and no summary at all; and the script
// run as CI runs it.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../../.ci/summarize.mjs';
import { runCommand } from '../../adapters/process/run-to-completion.ts';

const SCRIPT = fileURLToPath(new URL('../../.ci/summarize.mjs', import.meta.url));
const ESC = '\u001b';

const ALL_PASSED = `
 ✓ test/protocol/amf0.test.ts (12 tests) 30ms

 Test Files  3 passed (3)
      Tests  42 passed (42)
   Start at  06:39:34
   Duration  10.91s (transform 233ms, setup 0ms, import 272ms, tests 10.35s, environment 0ms)
`;

const SOME_FAILED = `
 ❯ test/adapters/server/embedded.test.ts (7 tests | 1 failed) 10185ms
     × rejects a wait that times out

 Test Files  1 failed | 4 passed (5)
      Tests  1 failed | 6 passed (7)
   Start at  06:38:49
`;

const SOME_SKIPPED = `
 Test Files  2 passed | 1 skipped (3)
      Tests  10 passed | 3 skipped | 1 todo (14)
`;

const COLOURED_WITH_ERRORS = `${ESC}[2m Test Files ${ESC}[22m ${ESC}[1m${ESC}[31m1 failed${ESC}[39m${ESC}[22m${ESC}[90m (1)${ESC}[39m
${ESC}[2m      Tests ${ESC}[22m ${ESC}[1m${ESC}[31m1 failed${ESC}[39m${ESC}[22m${ESC}[2m | ${ESC}[22m${ESC}[1m${ESC}[32m6 passed${ESC}[39m${ESC}[22m${ESC}[90m (7)${ESC}[39m
${ESC}[2m     Errors ${ESC}[22m ${ESC}[1m${ESC}[31m1 error${ESC}[39m${ESC}[22m
`;

const NO_SUMMARY = `
> live-pusher-bench@0.1.0 test
> vitest run

Error: Cannot find module 'vitest/config'
`;

describe('summarize', () => {
  it('counts an all-passed run', () => {
    expect(summarize(ALL_PASSED, 0)).toMatchObject({ found: true, passed: 42, failed: 0, skipped: 0, line: '42 passed, 0 failed' });
  });

  it('counts failed tests, whatever their order on the line', () => {
    expect(summarize(SOME_FAILED, 1).line).toBe('6 passed, 1 failed');
  });

  it('appends skipped (todo included) and reads the Tests line, not the Test Files line', () => {
    expect(summarize(SOME_SKIPPED, 0)).toMatchObject({ passed: 10, failed: 0, skipped: 4, line: '10 passed, 0 failed, 4 skipped' });
  });

  it('strips colours and counts unhandled errors as failed', () => {
    expect(summarize(COLOURED_WITH_ERRORS, 1).line).toBe('6 passed, 2 failed');
  });

  it('says 0 passed, 1 failed when there is no summary', () => {
    expect(summarize(NO_SUMMARY, 1)).toMatchObject({ found: false, line: '0 passed, 1 failed' });
    expect(summarize('', 0).line).toBe('0 passed, 1 failed');
  });

  it('never reports 0 failed for a run that exited non-zero', () => {
    expect(summarize(ALL_PASSED, 1).line).toBe('42 passed, 1 failed');
  });

  it('uses the last summary when the output holds several', () => {
    expect(summarize(SOME_FAILED + ALL_PASSED, 0).line).toBe('42 passed, 0 failed');
  });

  it('prints exactly the closing line when run as a script on a log file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpbench-ci-'));
    try {
      const log = join(dir, 'ci-test.log');
      writeFileSync(log, SOME_FAILED);
      const result = await runCommand(process.execPath, [SCRIPT, log, '1']);
      expect(result).toMatchObject({ outcome: 'exited', code: 0, stdout: '6 passed, 1 failed\n' });
      const missing = await runCommand(process.execPath, [SCRIPT, join(dir, 'absent.log'), '1']);
      expect(missing.stdout).toBe('0 passed, 1 failed\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
