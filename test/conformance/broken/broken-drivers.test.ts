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
// variants then run a few at a time, each in a runner process (variant-runner.ts: the run
// `lpbench conformance` makes, without loading the suite again per variant): their targeted
// checks only have to fail, and each run's summary.json is read back.
//
// Which variants run (LPB_VARIANTS, variant-selection.ts): by default a cover — chosen greedily
// by the reference run's durations until between them they must fail every check the reference
// passed — to keep `npm test` near CI's time; the others are reported skipped with that reason.
// LPB_VARIANTS=all runs every variant (the nightly workflow does); a comma list names some.
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
import { ANSWER_PREFIX, type VariantAnswer, type VariantRequest } from './variant-runner.ts';
import { VARIANTS } from './variants.ts';
import { chooseVariants, readVariantSelection } from './variant-selection.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BROKEN_DRIVER = fileURLToPath(new URL('./broken-driver.ts', import.meta.url));
/** Starts a TypeScript driver from its cached bundle (one start per check: tsx costs 0.7 s of CPU a start). */
const RUN_BUNDLED = fileURLToPath(new URL('../../../bin/run-bundled.mjs', import.meta.url));
const VARIANT_RUNNER = fileURLToPath(new URL('./variant-runner.ts', import.meta.url));
const TAP_DRIVER = fileURLToPath(new URL('../../driver-protocol/drivers/tap-driver.mjs', import.meta.url));
const REFERENCE_TIMEOUT_MS = 15 * 60_000;
const VARIANT_TIMEOUT_MS = 10 * 60_000;
/** Variant runs (separate processes) at once. */
const VARIANT_PARALLEL = 4;
/**
 * Checks at once inside a file for the variant runs. A variant targets a few checks that mostly
 * live in one file, which would otherwise run one after another. Each must still come out
 * *failed* (not broken by a timeout), which is asserted below.
 */
const VARIANT_CONCURRENCY = 2;
/** Variant runs one runner process serves before a fresh one replaces it. */
const RUNS_PER_RUNNER = 12;

const outRoot = mkdtempSync(join(tmpdir(), 'lpb-broken-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

function anchored(patterns: string[]): RegExp {
  return new RegExp(`^(?:${patterns.join('|')})$`);
}

/**
 * A counting semaphore: at most `n` holders at once. A freed place goes to the waiter whose
 * `cost()` is largest then (longest first: no long run left alone at the end).
 */
function limiter(n: number): <T>(cost: () => number, fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: { cost: () => number; go: () => void }[] = [];
  return async (cost, fn) => {
    if (active >= n) await new Promise<void>((go) => waiting.push({ cost, go }));
    active += 1;
    try {
      return await fn();
    } finally {
      active -= 1;
      const costs = waiting.map((w) => w.cost());
      const next = costs.indexOf(Math.max(...costs));
      if (next >= 0) waiting.splice(next, 1)[0]!.go();
    }
  };
}

const slot = limiter(VARIANT_PARALLEL);

/** What a variant run is expected to cost: the reference run's time for its targeted checks. */
function costOf(pattern: RegExp): number {
  return (reference?.tests ?? []).filter((t) => pattern.test(t.id)).reduce((sum, t) => sum + t.durationMs, 0);
}

/** Runs `lpbench conformance` for one variant in its own process; its summary.json. */
/**
 * The check files holding the checks a pattern targets, from the reference run's summary: a
 * variant run loads only those (loading all ~30 files costs more than most targeted checks
 * take). [] when the reference run has none of them (then every file is loaded).
 */
function filesOf(pattern: RegExp): string[] {
  return [...new Set((reference?.tests ?? []).filter((t) => pattern.test(t.id)).map((t) => t.file))];
}

/** A variant-runner child (variant-runner.ts): runs one variant at a time, in itself. */
interface Runner {
  proc: SupervisedProcess;
  /** Variant runs it has served. */
  runs: number;
  /** The answer of the run in progress. */
  answer?: (a: VariantAnswer | { name: string; ok: false; error: string }) => void;
}

async function startRunner(index: number): Promise<Runner> {
  const proc = await SupervisedProcess.start({
    name: `variant runner ${index}`,
    command: process.execPath,
    args: ['--import', 'tsx', VARIANT_RUNNER],
    cwd: REPO_ROOT,
    stdoutMode: 'lines',
  });
  const runner: Runner = { proc, runs: 0 };
  proc.on('stdout-line', (line: string) => {
    if (!line.startsWith(ANSWER_PREFIX)) return;
    runner.answer?.(JSON.parse(line.slice(ANSWER_PREFIX.length)) as VariantAnswer);
  });
  void proc.waitExit().then((info) => runner.answer?.({ name: '?', ok: false, error: `the runner ended (${JSON.stringify(info)}): ${proc.stderrTail()}` }));
  return runner;
}

/** Idle runners; one is taken per variant run (the slot limiter keeps at most VARIANT_PARALLEL busy). */
const idle: Runner[] = [];
let runnersStarted = 0;
afterAll(async () => {
  await Promise.all(idle.splice(0).map((r) => r.proc.close()));
});

/** Runs `lpbench conformance`'s run for one variant in a runner process; its summary.json. */
async function runVariant(name: string, pattern: RegExp): Promise<Summary> {
  const outDir = join(outRoot, name);
  const iut = `${JSON.stringify(process.execPath)} ${JSON.stringify(RUN_BUNDLED)} ${JSON.stringify(BROKEN_DRIVER)} ${name}`;
  const runner = idle.pop() ?? (await startRunner((runnersStarted += 1)));
  const request: VariantRequest = { name, iut, grep: pattern.source, outDir, files: filesOf(pattern), concurrency: VARIANT_CONCURRENCY };
  let timer: NodeJS.Timeout | undefined;
  let answer: VariantAnswer | { name: string; ok: false; error: string };
  try {
    answer = await new Promise((resolve) => {
      runner.answer = resolve;
      timer = setTimeout(() => resolve({ name, ok: false, error: `no answer within ${VARIANT_TIMEOUT_MS} ms` }), VARIANT_TIMEOUT_MS);
      runner.proc.stdin.write(`${JSON.stringify(request)}\n`);
    });
  } finally {
    clearTimeout(timer);
    runner.answer = undefined;
  }
  // A runner that failed or hung is not reused, nor one that has served its share (whatever a
  // run leaves behind in it stays bounded): a fresh one serves the next variant.
  runner.runs += 1;
  const healthy = answer.ok && runner.proc.running;
  if (healthy && runner.runs < RUNS_PER_RUNNER) idle.push(runner);
  else await runner.proc.close(healthy ? 'SIGTERM' : 'SIGKILL');
  const file = join(outDir, 'summary.json');
  if (!answer.ok || !existsSync(file)) throw new Error(`variant ${name}: no summary.json${answer.ok ? '' : `\n${answer.error}`}\n${runner.proc.stderrTail()}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Summary;
}

let reference: Summary | undefined;
const selection = readVariantSelection(process.env['LPB_VARIANTS'], VARIANTS.map((v) => v.name));
let chosen: Map<string, string> | undefined;
/** The variants this run runs (name → why), chosen once from the reference run. */
function chosenVariants(): Map<string, string> {
  chosen ??= chooseVariants(
    selection,
    VARIANTS.map((v) => ({ name: v.name, pattern: anchored(v.breaks) })),
    (reference?.tests ?? []).map((t) => ({ id: t.id, passed: t.status === 'passed', durationMs: t.durationMs, file: t.file })),
  );
  return chosen;
}
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
      async (ctx) => {
        const pattern = anchored(v.breaks);
        const why = chosenVariants().get(v.name);
        if (why === undefined) {
          ctx.skip(`not run: ${selection.kind === 'cover' ? 'the checks it breaks are failed by the cover of other variants this run (LPB_VARIANTS=all runs every variant)' : `not named in LPB_VARIANTS`}`);
        }
        const summary = await slot(() => costOf(pattern), () => runVariant(v.name, pattern));
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

  it('every check that passed against the reference is failed by some broken variant', (ctx) => {
    if (selection.kind === 'named') ctx.skip('LPB_VARIANTS names only some variants');
    expect(reference, 'the reference run').toBeDefined();
    const passed = reference!.tests.filter((t) => t.status === 'passed').map((t) => t.id);
    const neverFailed = passed.filter((id) => !failedBy.has(id));
    expect(neverFailed).toEqual([]);
  });
});
