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
}

export function readConformanceEnv(env: NodeJS.ProcessEnv = process.env): ConformanceEnv {
  return {
    iutCommand: env[ENV_IUT] || DEFAULT_IUT_COMMAND,
    rigFile: env[ENV_RIG] || undefined,
    outDir: resolve(env[ENV_OUT] || DEFAULT_OUT_DIR),
    checksDir: resolve(env[ENV_CHECKS_DIR] || DEFAULT_CHECKS_DIR),
    quiet: env[ENV_QUIET] === '1',
  };
}
