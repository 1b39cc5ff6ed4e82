// Runs the conformance suite programmatically (README "Reports"): vitest with
// conformance/vitest.config.ts, the IUT and rig handed to the workers through LPB_* variables,
// then every report: summary.json (with the skipped checks grouped by reason), runs/<iut>.json,
// coverage.md/.json, matrix.md/.json and the single-file Allure HTML. Whatever breaks (the IUT, the server, a check, a report), every file
// is still written and the problem is recorded in summary.errors.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';
import { spec } from '../spec/index.ts';
import { loadRig } from '../rig/load.ts';
import type { Rig } from '../rig/types.ts';
import { generateAllureHtml } from '../reports/allure-html.ts';
import { redactFilesIn } from '../reports/redact-files.ts';
import { rememberSecrets, secretsOfUrl } from '../protocol/redact-secrets.ts';
import { redactWrites } from '../adapters/process/redacted-writes.ts';
import { withPushAuth } from '../rig/load.ts';
import { computeCoverage, writeCoverage } from '../reports/coverage.ts';
import { NOT_APPLICABLE_ROWS } from './not-applicable/index.ts';
import { computeMatrix, readRuns, runFileName, RUNS_DIR, writeMatrix } from '../reports/matrix.ts';
import { countTotals, currentCommit, groupSkips, ranCount, readSummary, UNKNOWN, writeSummary, type SkipGroup, type Summary } from '../reports/summary.ts';
import { DEFAULT_CHECKS_DIR, DEFAULT_IUT_COMMAND, DEFAULT_OUT_FOLDER, ENV_CHECKS_DIR, ENV_IUT, ENV_OUT, ENV_QUIET, ENV_RIG, ENV_WORKERS, REPO_ROOT, workersFrom } from './env.ts';
import { SUMMARY_FILE } from './reporter/summary-reporter.ts';
import { runOnLab } from './lab-run.ts';
import type { RigHealth } from './rig-health.ts';

export const CONFIG_FILE = fileURLToPath(new URL('./vitest.config.ts', import.meta.url));
/** An app-only url the rig's publish authentication is applied to, to learn its secrets. */
const PUSH_AUTH_PROBE_URL = 'rtmp://rig/app';
export const ALLURE_RESULTS = 'allure-results';
export const ALLURE_REPORT = 'allure-report';
export const EVIDENCE = 'evidence';
export const COVERAGE_BASE = 'coverage';
export const MATRIX_BASE = 'matrix';
const CHECK_FILE_SUFFIX = '.check.ts';
/** Bound on the folder walk that counts check files. */
const MAX_WALK_ENTRIES = 10_000;

export interface RunOptions {
  /** The IUT driver command (default: the reference pusher, `node bin/lpbench.js driver`). */
  iut?: string;
  /** Rig file (default: rig/default.yaml). */
  rig?: string;
  /** Only checks whose id matches this pattern (vitest testNamePattern). */
  grep?: string;
  /** Output folder (default 'results', relative to the working directory). */
  outDir?: string;
  /** Generate the Allure HTML (default true). */
  html?: boolean;
  /** Where the *.check.ts files are (default conformance/tests). */
  checksDir?: string;
  /** No vitest console output (default false). */
  quiet?: boolean;
  /** Print progress lines here (default: nothing). */
  log?: (line: string) => void;
  /**
   * Checks run at once inside each check file (default 1: one after another). Files already run
   * on two workers; more at once suits IUTs that wait more than they compute, but timing checks
   * judged on a loaded machine lose margin.
   */
  concurrency?: number;
  /** Only the i-th of n shards of the check files ("i/n", vitest --shard); merge shards with `lpbench report --merge`. */
  shard?: string;
  /**
   * Only these check files (paths relative to the repository, or any part of a file's path, as
   * vitest filters): every other file is not even loaded, which saves most of a short run's time.
   * --grep still chooses the checks inside them.
   */
  files?: string[];
}

/** Checks a --shard value ("i/n", 1 ≤ i ≤ n); throws naming what is legal. */
export function checkShard(shard: string): string {
  const m = /^(\d+)\/(\d+)$/.exec(shard.trim());
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new Error(`--shard ${JSON.stringify(shard)} is not legal; expected <i>/<n> with 1 <= i <= n, e.g. 2/3`);
  return shard.trim();
}

/** Bounds of RunOptions.concurrency. */
export const MAX_CONCURRENCY = 8;

/** Throws a specific error unless n is an integer from 1 to MAX_CONCURRENCY. */
export function checkConcurrency(n: number, label = 'concurrency'): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new Error(`${label} ${String(n)} is not legal; expected an integer from 1 to ${MAX_CONCURRENCY}`);
  }
  return n;
}

export interface ReportPaths {
  outDir: string;
  summary: string;
  allureResults: string;
  html: string | undefined;
  coverage: string;
  matrix: string;
  run: string;
}

export interface ConformanceResult extends Summary {
  reports: ReportPaths;
  /** Checks that ran (passed, failed or broken); 0 means the run judged nothing. */
  ran: number;
  skips: SkipGroup[];
  /** Set when no check ran, saying why (no check files, nothing matched --grep, all skipped). */
  notice?: string;
}

/** Number of *.check.ts files under dir (bounded walk). */
export function countCheckFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let count = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0 && seen < MAX_WALK_ENTRIES) {
    const current = stack.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      seen += 1;
      if (entry.isDirectory() && entry.name !== 'node_modules') stack.push(join(current, entry.name));
      else if (entry.isFile() && entry.name.endsWith(CHECK_FILE_SUFFIX)) count += 1;
    }
  }
  return count;
}

function emptySummary(iutCommand: string, rig: Rig | { error: string }, startedAt: Date): Summary {
  return {
    iut: { name: UNKNOWN, version: UNKNOWN, command: iutCommand },
    rig,
    commit: currentCommit(REPO_ROOT),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    totals: countTotals([]),
    tests: [],
    errors: [],
  };
}

async function runVitest(grep: string | undefined, concurrency: number, errors: string[], shard?: string, files: readonly string[] = []): Promise<void> {
  const exitCodeBefore = process.exitCode;
  try {
    const vitest = await startVitest('test', [...files], {
      config: CONFIG_FILE,
      root: REPO_ROOT,
      run: true,
      watch: false,
      ...(grep ? { testNamePattern: grep } : {}),
      // The same pattern, readable inside check files (conformance/selection.ts).
      provide: { lpbSelect: grep ?? '' },
      ...(concurrency > 1 ? { sequence: { concurrent: true }, maxConcurrency: concurrency } : {}),
      ...(shard ? { shard: checkShard(shard) } : {}),
    });
    await vitest.close();
  } catch (err) {
    errors.push(`the test run failed: ${(err as Error).message}`);
  } finally {
    // startVitest sets process.exitCode for failed checks; the caller decides the exit code.
    process.exitCode = exitCodeBefore;
  }
}

async function step(errors: string[], what: string, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (err) {
    errors.push(`${what}: ${(err as Error).message}`);
  }
}

export async function runConformance(opts: RunOptions = {}): Promise<ConformanceResult> {
  const log = opts.log ?? (() => undefined);
  const startedAt = new Date();
  const outDir = resolve(opts.outDir ?? DEFAULT_OUT_FOLDER);
  const checksDir = resolve(opts.checksDir ?? DEFAULT_CHECKS_DIR);
  const iutCommand = opts.iut ?? DEFAULT_IUT_COMMAND;
  const concurrency = checkConcurrency(opts.concurrency ?? 1);
  // Checked here, before anything starts, so a bad value is a usage error rather than a broken run.
  workersFrom(process.env[ENV_WORKERS]);
  const paths: ReportPaths = {
    outDir,
    summary: join(outDir, SUMMARY_FILE),
    allureResults: join(outDir, ALLURE_RESULTS),
    html: opts.html === false ? undefined : join(outDir, ALLURE_REPORT, 'index.html'),
    coverage: join(outDir, `${COVERAGE_BASE}.md`),
    matrix: join(outDir, `${MATRIX_BASE}.md`),
    run: '',
  };
  for (const stale of [SUMMARY_FILE, ALLURE_RESULTS, ALLURE_REPORT, EVIDENCE]) rmSync(join(outDir, stale), { recursive: true, force: true });
  mkdirSync(paths.allureResults, { recursive: true });

  const errors: string[] = [];
  let rig: Rig | { error: string };
  try {
    rig = loadRig(opts.rig);
    // The rig's publish authentication is secret wherever it shows (an app-only url: no stream key).
    rememberSecrets(secretsOfUrl(withPushAuth(PUSH_AUTH_PROBE_URL, rig.server)));
  } catch (err) {
    rig = { error: (err as Error).message };
    errors.push((err as Error).message);
  }

  const checkFiles = countCheckFiles(checksDir);
  let rigHealth: RigHealth | undefined;
  let notice: string | undefined;
  if (checkFiles === 0) {
    notice = `no check files (*${CHECK_FILE_SUFFIX}) in ${checksDir} yet: nothing to run`;
    log(notice);
  } else {
    log(`running ${checkFiles} check file(s) from ${checksDir} against: ${iutCommand}`);
    const saved = { iut: process.env[ENV_IUT], rig: process.env[ENV_RIG], out: process.env[ENV_OUT], checks: process.env[ENV_CHECKS_DIR], quiet: process.env[ENV_QUIET] };
    process.env[ENV_IUT] = iutCommand;
    process.env[ENV_RIG] = opts.rig ? resolve(opts.rig) : '';
    process.env[ENV_OUT] = outDir;
    process.env[ENV_CHECKS_DIR] = checksDir;
    process.env[ENV_QUIET] = opts.quiet ? '1' : '';
    const restoreStdout = redactWrites(process.stdout);
    const restoreStderr = redactWrites(process.stderr);
    try {
      // A lab rig is set up and must pass a golden push first (conformance/lab-run.ts); a broken rig runs no check.
      const runChecks = async (labRig: string | undefined): Promise<void> => {
        if (labRig) process.env[ENV_RIG] = labRig;
        await runVitest(opts.grep, concurrency, errors, opts.shard, opts.files);
      };
      // A rig that does not load still runs the checks: each is broken naming the bad key.
      const health = 'error' in rig ? await runChecks(undefined) : await runOnLab(rig, `lpbench conformance --iut ${JSON.stringify(iutCommand)}`, log, errors, runChecks);
      if (health) rigHealth = health;
      if (health && !health.ok) errors.push(`broken rig: ${health.detail}; no check was run, nothing is blamed on the IUT`);
    } finally {
      restoreStdout();
      restoreStderr();
      // allure-vitest wrote names, messages and stacks as it saw them: redact before anyone reads them.
      redactFilesIn(paths.allureResults);
      redactFilesIn(join(outDir, EVIDENCE));
      restoreEnv(ENV_IUT, saved.iut);
      restoreEnv(ENV_RIG, saved.rig);
      restoreEnv(ENV_OUT, saved.out);
      restoreEnv(ENV_CHECKS_DIR, saved.checks);
      restoreEnv(ENV_QUIET, saved.quiet);
    }
  }

  let summary: Summary;
  try {
    summary = readSummary(paths.summary);
  } catch {
    summary = emptySummary(iutCommand, rig, startedAt);
  }
  summary.errors = [...errors, ...summary.errors];
  if (rigHealth) summary.rigHealth = rigHealth;
  if (rigHealth && !rigHealth.ok) {
    notice = 'broken rig: no check was run (see the error)';
    log(notice);
  } else if (checkFiles > 0 && summary.tests.length === 0) {
    notice = opts.grep ? `no check matches --grep ${JSON.stringify(opts.grep)}` : `no checks found in ${checksDir}`;
    log(notice);
  }
  summary.totals = countTotals(summary.tests);
  summary.skips = groupSkips(summary.tests);
  const ran = ranCount(summary.totals);
  if (summary.tests.length > 0 && ran === 0) {
    notice = `no check ran: all ${summary.tests.length} checks were skipped`;
    log(notice);
  }

  const runsDir = join(outDir, RUNS_DIR);
  const errorsBeforeReports = summary.errors.length;
  paths.run = join(runsDir, runFileName(summary.iut.name));
  writeSummary(paths.summary, summary);
  await step(summary.errors, 'runs/', () => {
    mkdirSync(runsDir, { recursive: true });
    if (summary.tests.length > 0) copyFileSync(paths.summary, paths.run);
  });
  await step(summary.errors, 'coverage', () => writeCoverage(join(outDir, COVERAGE_BASE), computeCoverage(spec, summary, NOT_APPLICABLE_ROWS)));
  await step(summary.errors, 'matrix', () => writeMatrix(join(outDir, MATRIX_BASE), computeMatrix(spec, readRuns(runsDir))));
  if (paths.html) {
    log('generating the Allure HTML report');
    await step(summary.errors, 'Allure HTML', async () => {
      await generateAllureHtml({ resultsDir: paths.allureResults, outDir: join(outDir, ALLURE_REPORT) });
    });
  }
  if (summary.errors.length > errorsBeforeReports) writeSummary(paths.summary, summary);
  return { ...summary, reports: paths, ran, skips: summary.skips, ...(notice ? { notice } : {}) };
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
