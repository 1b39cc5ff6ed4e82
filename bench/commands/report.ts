// `lpbench report --merge <dir> [<dir> ...] [--out <dir>] [--no-html] [--allure-history <file>]`
// and `lpbench report --history <dir> [--out <file>]` (README "Nightly regression"): merges the
// results folders of a suite run in shards (lpbench conformance --shard i/n) into one — summary,
// coverage, allure-results, evidence and the single-file HTML, with Allure's trend history kept
// in --allure-history between runs — or prints check × date over the summaries under a folder,
// newly failing and newly passing first. Exit codes: 0 merged run all passed (or history
// printed), 1 something failed, broke or could not be merged, 2 bad usage.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spec } from '../../spec/index.ts';
import { computeCoverage, writeCoverage } from '../../reports/coverage.ts';
import { generateAllureHtml } from '../../reports/allure-html.ts';
import { ALLURE_RESULTS_NAME, MergeError, mergeResultFolders, mergeSummaries, readShards, SUMMARY_NAME } from '../../reports/merge.ts';
import { historyMarkdown, readHistory } from '../../reports/history.ts';
import { ranCount, writeSummary } from '../../reports/summary.ts';
import { NOT_APPLICABLE_ROWS } from '../../conformance/not-applicable/index.ts';

export const USAGE = `usage: lpbench report --merge <dir> [<dir> ...] [--out <dir>] [--no-html] [--allure-history <file>]
       lpbench report --history <dir> [--out <file>]

  --merge <dir> ...         results folders of lpbench conformance --shard runs, merged into --out (default: results-merged)
  --allure-history <file>   Allure history (JSON lines) kept between runs for trend charts; appended to
  --history <dir>           check x date over every summary.json under <dir>, newly failing first (markdown; --out writes it to a file)`;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const DEFAULT_MERGE_OUT = 'results-merged';

export async function run(argv: string[]): Promise<number> {
  let values: { merge?: boolean; history?: string; out?: string; 'no-html'?: boolean; 'allure-history'?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        merge: { type: 'boolean' },
        history: { type: 'string' },
        out: { type: 'string' },
        'no-html': { type: 'boolean' },
        'allure-history': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return EXIT_OK;
    }
    if (Boolean(values.merge) === Boolean(values.history)) throw new Error('give exactly one of --merge <dir> ... or --history <dir>');
    if (values.merge && positionals.length === 0) throw new Error('--merge needs at least one results folder');
    if (values.history && positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`);
  } catch (err) {
    process.stderr.write(`lpbench report: ${(err as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }

  if (values.history) {
    const history = readHistory(values.history);
    if (history.runs.length === 0) {
      process.stderr.write(`lpbench report: no summary.json under ${values.history}\n`);
      return EXIT_FAILED;
    }
    const text = historyMarkdown(history);
    if (values.out) {
      mkdirSync(dirname(resolve(values.out)), { recursive: true });
      writeFileSync(values.out, text);
      process.stdout.write(`history of ${history.runs.length} runs written to ${values.out}\n`);
    } else process.stdout.write(text);
    return EXIT_OK;
  }

  const outDir = resolve(values.out ?? DEFAULT_MERGE_OUT);
  let shards;
  try {
    shards = readShards(positionals);
  } catch (err) {
    if (!(err instanceof MergeError)) throw err;
    process.stderr.write(`lpbench report: ${err.message}\n`);
    return EXIT_FAILED;
  }
  for (const stale of [SUMMARY_NAME, ALLURE_RESULTS_NAME, 'allure-report', 'evidence']) rmSync(join(outDir, stale), { recursive: true, force: true });
  const summary = mergeSummaries(shards);
  mergeResultFolders(shards, outDir);
  writeSummary(join(outDir, SUMMARY_NAME), summary);
  try {
    writeCoverage(join(outDir, 'coverage'), computeCoverage(spec, summary, NOT_APPLICABLE_ROWS));
    if (!values['no-html']) {
      await generateAllureHtml({ resultsDir: join(outDir, ALLURE_RESULTS_NAME), outDir: join(outDir, 'allure-report'), ...(values['allure-history'] ? { historyPath: values['allure-history'] } : {}) });
    }
  } catch (err) {
    summary.errors.push(`report: ${(err as Error).message}`);
    writeSummary(join(outDir, SUMMARY_NAME), summary);
  }
  const t = summary.totals;
  process.stdout.write(
    `merged ${shards.length} shard(s) into ${outDir}: ${t.passed} passed, ${t.failed} failed, ${t.broken} broken, ${t.skipped} skipped\n` +
      summary.errors.map((e) => `error: ${e}\n`).join(''),
  );
  return t.failed + t.broken + summary.errors.length > 0 || ranCount(t) === 0 ? EXIT_FAILED : EXIT_OK;
}
