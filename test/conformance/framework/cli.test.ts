// `lpbench conformance` argument handling: usage errors exit 2 before anything runs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run, USAGE } from '../../../bench/commands/conformance.ts';

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
