// How `lpbench conformance` hands its choices to the vitest workers: environment variables with
// defaults, so `npx vitest run -c conformance/vitest.config.ts` works on its own too.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The IUT driver command. */
export const ENV_IUT = 'LPB_IUT';
/** The rig file (empty: the default rig). */
export const ENV_RIG = 'LPB_RIG';
/** The output folder (summary.json, allure-results, evidence). */
export const ENV_OUT = 'LPB_OUT';
/** The folder holding the *.check.ts files (default conformance/tests). */
export const ENV_CHECKS_DIR = 'LPB_CHECKS_DIR';

/** '1': no console reporter (the caller prints its own summary). */
export const ENV_QUIET = 'LPB_QUIET';
/** Check files run at once, each in its own worker (default DEFAULT_WORKERS). */
export const ENV_WORKERS = 'LPB_WORKERS';
/**
 * Three workers by default: a check mostly waits on real time (a paced push, a retry slot), so
 * on the two-core reference machine a full run keeps the CPU about half busy with three pushes
 * at once, and finishes in two thirds of the time two workers take.
 */
export const DEFAULT_WORKERS = 3;
export const MAX_WORKERS = 8;

export const DEFAULT_IUT_COMMAND = `node ${join(REPO_ROOT, 'bin', 'lpbench.js')} driver`;
/** The run output's default folder name (summary.json, evidence, ...); kept apart from the report code in reports/. */
export const DEFAULT_OUT_FOLDER = 'results';
export const DEFAULT_OUT_DIR = join(REPO_ROOT, DEFAULT_OUT_FOLDER);
export const DEFAULT_CHECKS_DIR = join(REPO_ROOT, 'conformance', 'tests');
export const CHECK_FILE_GLOB = '**/*.check.ts';

export interface ConformanceEnv {
  iutCommand: string;
  rigFile: string | undefined;
  outDir: string;
  checksDir: string;
  quiet: boolean;
  workers: number;
}

/** LPB_WORKERS read and checked: an integer from 1 to MAX_WORKERS, or an error saying so. */
export function workersFrom(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_WORKERS;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > MAX_WORKERS) throw new Error(`${ENV_WORKERS}=${JSON.stringify(value)} is not legal; expected an integer from 1 to ${MAX_WORKERS}`);
  return n;
}

export function readConformanceEnv(env: NodeJS.ProcessEnv = process.env): ConformanceEnv {
  return {
    iutCommand: env[ENV_IUT] || DEFAULT_IUT_COMMAND,
    rigFile: env[ENV_RIG] || undefined,
    outDir: resolve(env[ENV_OUT] || DEFAULT_OUT_DIR),
    checksDir: resolve(env[ENV_CHECKS_DIR] || DEFAULT_CHECKS_DIR),
    quiet: env[ENV_QUIET] === '1',
    workers: workersFrom(env[ENV_WORKERS]),
  };
}
