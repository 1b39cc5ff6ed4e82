// Check × date across nightly runs (README "Nightly regression"; `lpbench report --history
// <dir>`): every summary.json under <dir> is one run, columns ordered by start time; rows list
// each check's status per run, the checks that newly fail (passed in the previous run that ran
// them, failed or broke in the latest) first, then the newly passing, then the rest by id.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readSummary, type Summary, type TestStatus } from './summary.ts';

const SUMMARY_NAME = 'summary.json';
/** Folders walked below <dir> when looking for summaries. */
const MAX_DEPTH = 3;
const STATUS_MARK: Record<TestStatus | 'none', string> = { passed: 'pass', failed: 'FAIL', broken: 'BROKEN', skipped: 'skip', none: '' };

export interface HistoryRun {
  file: string;
  startedAt: string;
  commit: string;
  statuses: Map<string, TestStatus>;
}

export type Trend = 'newly failing' | 'newly passing' | 'unchanged';

export interface HistoryRow {
  id: string;
  trend: Trend;
  statuses: (TestStatus | 'none')[];
}

export function findSummaries(dir: string, depth = 0): string[] {
  if (!existsSync(dir) || depth > MAX_DEPTH) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === SUMMARY_NAME || (name.endsWith('.json') && depth === 0 && name.includes('summary'))) out.push(path);
    else if (statSync(path).isDirectory()) out.push(...findSummaries(path, depth + 1));
  }
  return out;
}

export function historyRun(file: string, summary: Summary): HistoryRun {
  return { file, startedAt: summary.startedAt, commit: summary.commit, statuses: new Map(summary.tests.map((t) => [t.id, t.status])) };
}

const bad = (s: TestStatus | 'none' | undefined): boolean => s === 'failed' || s === 'broken';

/** The trend of one check: its latest run that judged it against the one before that judged it. */
function trendOf(statuses: (TestStatus | 'none')[]): Trend {
  const judged = statuses.filter((s) => s === 'passed' || s === 'failed' || s === 'broken');
  if (judged.length < 2) return 'unchanged';
  const [prev, last] = judged.slice(-2);
  if (bad(last) && prev === 'passed') return 'newly failing';
  if (last === 'passed' && bad(prev)) return 'newly passing';
  return 'unchanged';
}

const TREND_ORDER: Record<Trend, number> = { 'newly failing': 0, 'newly passing': 1, unchanged: 2 };

export function computeHistory(runs: readonly HistoryRun[]): { runs: HistoryRun[]; rows: HistoryRow[] } {
  const ordered = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const ids = [...new Set(ordered.flatMap((r) => [...r.statuses.keys()]))];
  const rows = ids.map((id) => {
    const statuses = ordered.map((r) => r.statuses.get(id) ?? 'none');
    return { id, trend: trendOf(statuses), statuses };
  });
  rows.sort((a, b) => TREND_ORDER[a.trend] - TREND_ORDER[b.trend] || a.id.localeCompare(b.id));
  return { runs: ordered, rows };
}

export function historyMarkdown(h: { runs: HistoryRun[]; rows: HistoryRow[] }): string {
  const head = h.runs.map((r) => `${r.startedAt.slice(0, 10)} ${r.commit.slice(0, 7)}`);
  const lines = [
    `# Check history (${h.runs.length} runs)`,
    '',
    `newly failing: ${h.rows.filter((r) => r.trend === 'newly failing').length}, newly passing: ${h.rows.filter((r) => r.trend === 'newly passing').length}`,
    '',
    `| check | trend | ${head.join(' | ')} |`,
    `|---|---|${head.map(() => '---').join('|')}|`,
    ...h.rows.map((r) => `| ${r.id} | ${r.trend === 'unchanged' ? '' : r.trend} | ${r.statuses.map((s) => STATUS_MARK[s]).join(' | ')} |`),
  ];
  return lines.join('\n') + '\n';
}

/** Reads every summary under dir into a history. */
export function readHistory(dir: string): { runs: HistoryRun[]; rows: HistoryRow[] } {
  return computeHistory(findSummaries(dir).map((file) => historyRun(file, readSummary(file))));
}
