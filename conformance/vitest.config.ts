// The conformance suite's vitest config, used by `lpbench conformance` (conformance/run.ts) and
// usable alone: `npx vitest run -c conformance/vitest.config.ts`. Check files run in parallel on
// forked workers (three, or LPB_WORKERS: conformance/env.ts); the checks inside a file run one after another. Reporters: the default
// one (quiet; none with LPB_QUIET=1), allure-vitest writing <out>/allure-results with the check's verdict applied, and
// the summary reporter writing <out>/summary.json. LPB_OUT / LPB_CHECKS_DIR choose the folders.
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import type { Reporter } from 'vitest/node';
import { CHECK_FILE_GLOB, readConformanceEnv, REPO_ROOT } from './env.ts';
import { allureVerdictListener } from './reporter/allure-verdict.ts';
import SummaryReporter from './reporter/summary-reporter.ts';

export const ALLURE_RESULTS_DIR = 'allure-results';
const HOOK_TIMEOUT_MS = 60_000;
const CHECK_TIMEOUT_MS = 60_000;

const env = readConformanceEnv();

const reporters: (string | Reporter | [string, Record<string, unknown>])[] = [
  ['allure-vitest/reporter', { resultsDir: join(env.outDir, ALLURE_RESULTS_DIR), listeners: [allureVerdictListener] }],
  new SummaryReporter({ outDir: env.outDir }),
];
if (!env.quiet) reporters.unshift(['default', { summary: false }]);

export default defineConfig({
  test: {
    root: REPO_ROOT,
    dir: env.checksDir,
    include: [join(env.checksDir, CHECK_FILE_GLOB)],
    pool: 'forks',
    maxWorkers: env.workers,
    fileParallelism: true,
    sequence: { concurrent: false },
    testTimeout: CHECK_TIMEOUT_MS,
    hookTimeout: HOOK_TIMEOUT_MS,
    passWithNoTests: true,
    isolate: false,
    reporters,
  },
});
