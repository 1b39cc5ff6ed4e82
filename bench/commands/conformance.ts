// `lpbench conformance`: runs the conformance suite against an IUT and writes the reports
// (README "Reports"), then prints the totals and the skipped checks grouped by reason.
// Exit codes: 0 every check that ran passed (and at least one ran), 1 some check failed or broke
// (or a report could not be written), 2 bad usage, 3 no check ran (none matched, or all skipped).
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { loadRig } from '../../rig/load.ts';
import { checkConcurrency, checkShard, MAX_CONCURRENCY, runConformance, type ConformanceResult } from '../../conformance/run.ts';
import { ENV_WORKERS, workersFrom } from '../../conformance/env.ts';
import { redactSecrets } from '../../protocol/redact-secrets.ts';

export const USAGE = `usage: lpbench conformance [--iut "<command>"] [--rig <file>] [--grep <pattern>] [--out <dir>] [--no-html] [--concurrency <n>] [--shard <i>/<n>] [--file <path>]...

  --iut "<command>"   the IUT driver command (default: the reference pusher, lpbench driver)
  --rig <file>        rig file (default: rig/default.yaml)
  --grep <pattern>    run only the checks whose id matches this pattern
  --out <dir>         output folder (default: results)
  --no-html           skip the Allure HTML report
  --concurrency <n>   checks run at once inside each check file (1 to 8; default 1)
  --shard <i>/<n>     run only the i-th of n shards of the check files (vitest --shard; merge with lpbench report --merge)
  --file <path>       load only check files whose path contains this (repeatable); --grep still picks the checks

exit codes: 0 all checks that ran passed, 1 some failed or broke, 2 bad usage,
            3 no check ran (none matched --grep, or every check was skipped)`;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOTHING_RAN = 3;
/** Above this share of skipped checks the console warns that the run judged little. */
const MOSTLY_SKIPPED_SHARE = 0.5;

interface Parsed {
  iut?: string;
  rig?: string;
  grep?: string;
  out?: string;
  html: boolean;
  concurrency?: number;
  shard?: string;
  files?: string[];
}

function parse(argv: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      iut: { type: 'string' },
      rig: { type: 'string' },
      grep: { type: 'string' },
      out: { type: 'string' },
      'no-html': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      shard: { type: 'string' },
      file: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) throw new HelpRequested();
  if (positionals.length) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`);
  for (const key of ['iut', 'rig', 'grep', 'out'] as const) {
    if (values[key] !== undefined && values[key].trim() === '') throw new Error(`--${key} needs a value`);
  }
  if (values.grep !== undefined) {
    try {
      new RegExp(values.grep);
    } catch (err) {
      throw new Error(`--grep is not a valid pattern: ${(err as Error).message}`);
    }
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    const text = values.concurrency.trim();
    if (!/^\d+$/.test(text)) throw new Error(`--concurrency ${JSON.stringify(values.concurrency)} is not legal; expected an integer from 1 to ${MAX_CONCURRENCY}`);
    concurrency = checkConcurrency(Number(text), '--concurrency');
  }
  if (values.shard !== undefined) checkShard(values.shard);
  for (const f of values.file ?? []) if (f.trim() === '') throw new Error('--file needs a value');
  return {
    iut: values.iut,
    rig: values.rig,
    grep: values.grep,
    out: values.out,
    html: !values['no-html'],
    ...(concurrency ? { concurrency } : {}),
    ...(values.shard ? { shard: values.shard } : {}),
    ...(values.file?.length ? { files: values.file } : {}),
  };
}

class HelpRequested extends Error {}

function where(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** The skipped checks, grouped: one line per reason with its count, then the check ids. */
export function skipLines(result: Pick<ConformanceResult, 'skips' | 'totals' | 'ran'>): string[] {
  const total = result.ran + result.totals.skipped;
  if (result.totals.skipped === 0) return [];
  const lines = [`skipped: ${result.totals.skipped} of ${total} checks, by reason:`];
  for (const g of result.skips) lines.push(`  ${g.count} x ${g.reason.split('\n')[0]}`, `      ${g.checks.join(', ')}`);
  if (result.totals.skipped > total * MOSTLY_SKIPPED_SHARE) {
    lines.push(`warning: only ${result.ran} of ${total} checks ran; the other ${result.totals.skipped} were skipped, so this run judges little of the IUT`);
  }
  return lines;
}

export function report(result: ConformanceResult): string {
  const t = result.totals;
  const lines = [
    '',
    `IUT: ${result.iut.name} ${result.iut.version} (${result.iut.command})`,
    `checks: ${t.passed} passed, ${t.failed} failed, ${t.broken} broken, ${t.skipped} skipped (not applicable) in ${(result.durationMs / 1000).toFixed(1)} s`,
    ...skipLines(result),
  ];
  if (result.notice) lines.push(`note: ${result.notice}`);
  for (const e of result.errors) lines.push(`error: ${e}`);
  lines.push(
    'reports:',
    `  summary   ${where(result.reports.summary)}`,
    `  coverage  ${where(result.reports.coverage)}`,
    `  matrix    ${where(result.reports.matrix)}`,
    `  allure    ${where(result.reports.allureResults)}`,
  );
  if (result.reports.html) lines.push(`  html      ${where(result.reports.html)}`);
  return lines.join('\n') + '\n';
}

/** The exit code of a finished run (see the header). */
export function exitCodeOf(result: Pick<ConformanceResult, 'totals' | 'errors' | 'ran'>): number {
  if (result.totals.failed + result.totals.broken + result.errors.length > 0) return EXIT_FAILED;
  return result.ran === 0 ? EXIT_NOTHING_RAN : EXIT_OK;
}

export async function run(argv: string[]): Promise<number> {
  let args: Parsed;
  try {
    args = parse(argv);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(USAGE + '\n');
      return EXIT_OK;
    }
    process.stderr.write(`lpbench conformance: ${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  try {
    workersFrom(process.env[ENV_WORKERS]);
  } catch (err) {
    process.stderr.write(`lpbench conformance: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (args.rig !== undefined) {
    try {
      loadRig(args.rig);
    } catch (err) {
      process.stderr.write(`lpbench conformance: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
  }
  const result = await runConformance({
    ...(args.iut ? { iut: args.iut } : {}),
    ...(args.rig ? { rig: args.rig } : {}),
    ...(args.grep ? { grep: args.grep } : {}),
    ...(args.out ? { outDir: args.out } : {}),
    html: args.html,
    ...(args.concurrency ? { concurrency: args.concurrency } : {}),
    ...(args.shard ? { shard: args.shard } : {}),
    ...(args.files ? { files: args.files } : {}),
    log: (line) => process.stdout.write(`${redactSecrets(line)}\n`),
  });
  process.stdout.write(redactSecrets(report(result)));
  return exitCodeOf(result);
}
