// The HTML report (README "Reports": Allure 3, no Java, one self-contained file, no analytics
// or third-party scripts). Runs the `allure` package's CLI with the awesome plugin in single-file
// mode, then strips what the template embeds from outside (its Google Analytics tag) and proves
// that no external script, stylesheet or analytics call is left.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SupervisedProcess } from '../adapters/process/supervised.ts';

const require = createRequire(import.meta.url);

export const REPORT_FILE = 'index.html';
const GENERATE_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 2_000;
const DEFAULT_REPORT_NAME = 'live-pusher conformance';
/** The report's tree: area (epic) > spec name (feature) > value (story), as check() labels them. */
const TREE_GROUPING = ['epic', 'feature', 'story'];

/** A script or stylesheet loaded from http(s), with its tag. */
const EXTERNAL_SCRIPT = /<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\/[^>]*>\s*<\/script\s*>/gi;
const EXTERNAL_LINK = /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\/[^>]*>/gi;
const INLINE_SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi;
/** Inline code that only exists to feed an analytics service. */
const ANALYTICS_CODE = /\bgtag\s*\(|\bdataLayer\b|googletagmanager|google-analytics/i;
const EXTERNAL_MARKERS: readonly RegExp[] = [
  /<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\//i,
  /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\//i,
  /googletagmanager/i,
  /google-analytics/i,
  /\bgtag\s*\(/,
];

export class AllureHtmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllureHtmlError';
  }
}

/** Removes external scripts and stylesheets and inline analytics code. */
export function stripExternalResources(html: string): string {
  return html
    .replace(EXTERNAL_SCRIPT, '')
    .replace(EXTERNAL_LINK, '')
    .replace(INLINE_SCRIPT, (tag: string, body: string) => (ANALYTICS_CODE.test(body) ? '' : tag));
}

/** What in this HTML would reach outside the file: external script/link tags, analytics code. */
export function findExternalResources(html: string): string[] {
  const found: string[] = [];
  for (const marker of EXTERNAL_MARKERS) {
    const m = marker.exec(html);
    if (m) found.push(html.slice(m.index, m.index + 120));
  }
  return found;
}

function allureCli(): string {
  // The package exports only its API (dist/index.js); its bin (cli.js) sits one folder up.
  return join(dirname(require.resolve('allure')), '..', 'cli.js');
}

export interface AllureHtmlOptions {
  resultsDir: string;
  /** The report folder; the report is <outDir>/index.html. */
  outDir: string;
  reportName?: string;
  /** A history file (JSON lines) kept between runs: each report appends its run and draws trend charts from it. */
  historyPath?: string;
}

/** Generates the single-file Allure report and returns the path of index.html. */
export async function generateAllureHtml(opts: AllureHtmlOptions): Promise<string> {
  if (!existsSync(opts.resultsDir)) mkdirSync(opts.resultsDir, { recursive: true });
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(opts.outDir, { recursive: true });
  const configDir = mkdtempSync(join(tmpdir(), 'lpb-allure-'));
  try {
    const name = opts.reportName ?? DEFAULT_REPORT_NAME;
    const config = { name, output: opts.outDir, ...(opts.historyPath ? { historyPath: resolve(opts.historyPath) } : {}), plugins: { awesome: { options: { singleFile: true, reportName: name, groupBy: TREE_GROUPING } } } };
    const configFile = join(configDir, 'allurerc.json');
    writeFileSync(configFile, JSON.stringify(config));
    const proc = await SupervisedProcess.start({
      name: 'allure generate',
      command: process.execPath,
      args: [allureCli(), 'generate', opts.resultsDir, '-c', configFile],
      cwd: configDir,
      stdoutMode: 'ignore',
      stdin: false,
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), GENERATE_TIMEOUT_MS);
    });
    const outcome = await Promise.race([proc.waitExit(), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await proc.close('SIGTERM', KILL_GRACE_MS);
      throw new AllureHtmlError(`allure generate took longer than ${GENERATE_TIMEOUT_MS} ms`);
    }
    if (outcome.code !== 0) throw new AllureHtmlError(`allure generate exited ${outcome.code ?? outcome.signal}: ${proc.stderrTail()}`);
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
  const file = join(opts.outDir, REPORT_FILE);
  if (!existsSync(file)) throw new AllureHtmlError(`allure generate wrote no ${file}`);
  const html = stripExternalResources(readFileSync(file, 'utf8'));
  const left = findExternalResources(html);
  if (left.length) throw new AllureHtmlError(`the report still loads from outside after stripping: ${left.join(' | ')}`);
  writeFileSync(file, html);
  return file;
}
