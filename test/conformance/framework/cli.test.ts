// `lpbench conformance`: usage errors exit 2 before anything runs; the exit code of a finished run
// (0 passed, 1 failed or broken, 3 no check ran); the skipped checks printed grouped by reason.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_FAILED, EXIT_NOTHING_RAN, EXIT_OK, exitCodeOf, report, run, skipLines, USAGE } from '../../../bench/commands/conformance.ts';
import type { ConformanceResult } from '../../../conformance/run.ts';

const CLI_RUN_TIMEOUT_MS = 120_000;

function result(totals: ConformanceResult['totals'], skips: ConformanceResult['skips'] = [], errors: string[] = []): ConformanceResult {
  return {
    iut: { name: 'x', version: '1', command: 'c' },
    rig: { error: 'n/a' },
    commit: 'c0ffee',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    totals,
    tests: [],
    errors,
    skips,
    ran: totals.passed + totals.failed + totals.broken,
    reports: { outDir: '/o', summary: '/o/summary.json', allureResults: '/o/a', html: undefined, coverage: '/o/coverage.md', matrix: '/o/matrix.md', run: '' },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

function capture(): { err: () => string; out: () => string } {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return { err: () => err.mock.calls.map((c) => String(c[0])).join(''), out: () => out.mock.calls.map((c) => String(c[0])).join('') };
}

describe('lpbench conformance arguments', () => {
  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--iut'], "Option '--iut <value>' argument missing"],
    [['stray'], 'unexpected argument "stray"'],
    [['--grep', '('], '--grep is not a valid pattern'],
    [['--out', ' '], '--out needs a value'],
    [['--concurrency', 'two'], '--concurrency "two" is not legal; expected an integer from 1 to 8'],
    [['--concurrency', '0'], '--concurrency 0 is not legal; expected an integer from 1 to 8'],
    [['--concurrency', '9'], '--concurrency 9 is not legal; expected an integer from 1 to 8'],
  ])('%j -> exit 2 with a clear message and the usage', async (argv, message) => {
    const io = capture();
    expect(await run(argv)).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.err()).toContain(USAGE);
  });

  it('a bad rig file -> exit 2 naming the bad key', async () => {
    const io = capture();
    expect(await run(['--rig', '/nonexistent/rig.yaml'])).toBe(2);
    expect(io.err()).toContain('cannot be read');
  });

  it('--help prints the usage and exits 0', async () => {
    const io = capture();
    expect(await run(['--help'])).toBe(0);
    expect(io.out()).toContain('--no-html');
  });
});

describe('lpbench conformance outcome', () => {
  it('exit codes: 0 all that ran passed, 1 failed/broken/report error, 3 nothing ran', () => {
    expect(exitCodeOf(result({ passed: 3, failed: 0, broken: 0, skipped: 40 }))).toBe(EXIT_OK);
    expect(exitCodeOf(result({ passed: 3, failed: 1, broken: 0, skipped: 0 }))).toBe(EXIT_FAILED);
    expect(exitCodeOf(result({ passed: 3, failed: 0, broken: 1, skipped: 0 }))).toBe(EXIT_FAILED);
    expect(exitCodeOf(result({ passed: 3, failed: 0, broken: 0, skipped: 0 }, [], ['coverage: disk full']))).toBe(EXIT_FAILED);
    expect(exitCodeOf(result({ passed: 0, failed: 0, broken: 0, skipped: 40 }))).toBe(EXIT_NOTHING_RAN);
    expect(exitCodeOf(result({ passed: 0, failed: 0, broken: 0, skipped: 0 }))).toBe(EXIT_NOTHING_RAN);
    expect(EXIT_NOTHING_RAN).toBe(3);
  });

  it('prints the skipped count with reasons grouped, and warns when most checks were skipped', () => {
    const r = result({ passed: 1, failed: 0, broken: 0, skipped: 3 }, [
      { reason: 'IUT x 1 does not claim attributes mirror', count: 2, checks: ['attributes/mirror/true', 'attributes/mirror/false'] },
      { reason: 'the rig has no back camera', count: 1, checks: ['attributes/device-position/back'] },
    ]);
    expect(skipLines(r)).toEqual([
      'skipped: 3 of 4 checks, by reason:',
      '  2 x IUT x 1 does not claim attributes mirror',
      '      attributes/mirror/true, attributes/mirror/false',
      '  1 x the rig has no back camera',
      '      attributes/device-position/back',
      'warning: only 1 of 4 checks ran; the other 3 were skipped, so this run judges little of the IUT',
    ]);
    expect(report(r)).toContain('2 x IUT x 1 does not claim attributes mirror');
    expect(skipLines(result({ passed: 5, failed: 0, broken: 0, skipped: 1 }, [{ reason: 'r', count: 1, checks: ['a'] }])).at(-1)).toBe('      a');
    expect(skipLines(result({ passed: 5, failed: 0, broken: 0, skipped: 0 }))).toEqual([]);
  });

  it(
    'a --grep that matches no check exits 3 and says so',
    async () => {
      const io = capture();
      const out = mkdtempSync(join(tmpdir(), 'lpb-cli-nomatch-'));
      try {
        // One small check file loaded (loading all of them only to match nothing costs ~50 s).
        expect(await run(['--grep', '^no-such-check-id$', '--file', 'conformance/tests/context/snapshot.check.ts', '--no-html', '--out', out])).toBe(EXIT_NOTHING_RAN);
        expect(io.out()).toContain('note: no check matches --grep "^no-such-check-id$"');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    CLI_RUN_TIMEOUT_MS,
  );
});
