// Every conformance check must be able to fail (a check that cannot fail is a defect). The
// suite runs once against the reference driver (everything it claims passes), then against
// each deliberately broken variant limited to the checks that variant must break; those checks
// must come out *failed* (not broken, not passed), and every check that passed against the
// reference must be failed by at least one variant.
//
// The reference run goes through test/driver-protocol/drivers/tap-driver.mjs, so every message
// of that full run, both ways, is validated against the driver protocol's schema afterwards.
//
// The reference run is alone on the machine (its timing checks keep their margin). The
// variants then run as separate `lpbench conformance` processes, a few at a time: their
// targeted checks only have to fail, and each run's summary.json is read back.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SupervisedProcess } from '../../../adapters/process/supervised.ts';
import { DEFAULT_IUT_COMMAND } from '../../../conformance/env.ts';
import { runConformance } from '../../../conformance/run.ts';
import { readTap, validateTap } from '../../driver-protocol/tap-lines.ts';
import type { Summary } from '../../../reports/summary.ts';
import { VARIANTS } from './variants.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BROKEN_DRIVER = fileURLToPath(new URL('./broken-driver.ts', import.meta.url));
const LPBENCH = join(REPO_ROOT, 'bin', 'lpbench.js');
const TAP_DRIVER = fileURLToPath(new URL('../../driver-protocol/drivers/tap-driver.mjs', import.meta.url));
const REFERENCE_TIMEOUT_MS = 15 * 60_000;
const VARIANT_TIMEOUT_MS = 10 * 60_000;
/** Variant runs (separate processes) at once. */
const VARIANT_PARALLEL = 3;
/**
 * Checks at once inside a file for the variant runs. A variant targets a few checks that mostly
 * live in one file, which would otherwise run one after another. Each must still come out
 * *failed* (not broken by a timeout), which is asserted below.
 */
const VARIANT_CONCURRENCY = 3;

const outRoot = mkdtempSync(join(tmpdir(), 'lpb-broken-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

function anchored(patterns: string[]): RegExp {
  return new RegExp(`^(?:${patterns.join('|')})$`);
}

/** A counting semaphore: at most `n` holders at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await fn();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

const slot = limiter(VARIANT_PARALLEL);

/** Runs `lpbench conformance` for one variant in its own process; its summary.json. */
/**
 * The check files holding the checks a pattern targets, from the reference run's summary: a
 * variant run loads only those (loading all ~30 files costs more than most targeted checks
 * take). [] when the reference run has none of them (then every file is loaded).
 */
function filesOf(pattern: RegExp): string[] {
  return [...new Set((reference?.tests ?? []).filter((t) => pattern.test(t.id)).map((t) => t.file))];
}

async function runVariant(name: string, pattern: RegExp): Promise<Summary> {
  const outDir = join(outRoot, name);
  const iut = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(BROKEN_DRIVER)} ${name}`;
  const proc = await SupervisedProcess.start({
    name: `lpbench conformance (variant ${name})`,
    command: process.execPath,
    args: [
      LPBENCH, 'conformance', '--iut', iut, '--grep', pattern.source, '--out', outDir, '--no-html', '--concurrency', String(VARIANT_CONCURRENCY),
      ...filesOf(pattern).flatMap((f) => ['--file', f]),
    ],
    cwd: REPO_ROOT,
    stdin: false,
    stdoutMode: 'lines',
  });
  const out: string[] = [];
  proc.on('stdout-line', (line: string) => out.push(line));
  const timer = setTimeout(() => void proc.close('SIGKILL'), VARIANT_TIMEOUT_MS);
  try {
    await proc.waitExit();
  } finally {
    clearTimeout(timer);
    await proc.close();
  }
  const file = join(outDir, 'summary.json');
  if (!existsSync(file)) throw new Error(`variant ${name}: no summary.json\n${out.slice(-40).join('\n')}\n${proc.stderrTail()}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Summary;
}

let reference: Summary | undefined;
const tapLog = join(outRoot, 'reference-tap.ndjson');
const failedBy = new Map<string, string[]>();

describe('conformance checks against good and broken drivers', () => {
  it(
    'passes everything the reference driver claims, and skips the rest with a reason',
    async () => {
      reference = await runConformance({ iut: `node ${TAP_DRIVER} ${tapLog} ${DEFAULT_IUT_COMMAND}`, outDir: join(outRoot, 'reference'), html: false, quiet: true });
      const bad = reference.tests.filter((t) => t.status === 'failed' || t.status === 'broken');
      expect(bad.map((t) => `${t.id}: ${t.status}: ${t.message.split('\n')[0]}`)).toEqual([]);
      expect(reference.totals.passed).toBeGreaterThan(50);
      for (const t of reference.tests.filter((x) => x.status === 'skipped')) expect(t.message, t.id).not.toBe('');
    },
    REFERENCE_TIMEOUT_MS,
  );

  it('every message of the full reference run, both ways, matches the driver protocol schema', () => {
    expect(reference, 'the reference run').toBeDefined();
    const tap = validateTap(readTap(tapLog));
    expect(tap.hellos, 'hellos answered (one per check that started an IUT, and the probes)').toBeGreaterThanOrEqual(reference!.totals.passed);
    expect(tap.events).toBeGreaterThan(0);
    expect(tap.problems.slice(0, 20)).toEqual([]);
  });

  for (const v of VARIANTS) {
    it.concurrent(
      `variant ${v.name} (${v.what}) fails the checks it breaks`,
      async () => {
        const pattern = anchored(v.breaks);
        const summary = await slot(() => runVariant(v.name, pattern));
        const targeted = summary.tests.filter((t) => pattern.test(t.id));
        expect(targeted.length, `checks matching ${pattern}`).toBeGreaterThan(0);
        // Recorded before the assertions, so one variant's miss does not hide what it did fail.
        for (const t of targeted.filter((x) => x.status === 'failed')) failedBy.set(t.id, [...(failedBy.get(t.id) ?? []), v.name]);
        // Strict: a variant that made its target skip (claiming less) has not shown it can fail.
        const notFailed = targeted.filter((t) => t.status !== 'failed');
        expect(notFailed.map((t) => `${t.id}: ${t.status} ${t.message.split('\n')[0]}`)).toEqual([]);
      },
      VARIANT_TIMEOUT_MS * Math.ceil(VARIANTS.length / VARIANT_PARALLEL),
    );
  }

  it('every check that passed against the reference is failed by some broken variant', () => {
    expect(reference, 'the reference run').toBeDefined();
    const passed = reference!.tests.filter((t) => t.status === 'passed').map((t) => t.id);
    const neverFailed = passed.filter((id) => !failedBy.has(id));
    expect(neverFailed).toEqual([]);
  });
});
