// The conformance matrix (README "Reports": attribute x IUT): for each attribute of the spec,
// the outcome of the checks covering it (specRows attribute:<name> or attribute:<name>=<value>)
// in each IUT's latest run, read from <reports>/runs/<iut>.json.
import { redactSecrets } from '../protocol/redact-secrets.ts';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LivePusherSpec } from '../spec/index.ts';
import { readSummary, TEST_STATUSES, type Summary, type TestStatus } from './summary.ts';

export const RUNS_DIR = 'runs';
const UNSAFE_FILE_CHARS = /[^A-Za-z0-9._-]+/g;

export type CellStatus = TestStatus | 'none';

export interface MatrixCell {
  /** broken > failed > passed > skipped; 'none' when no check covers it. */
  status: CellStatus;
  counts: Record<TestStatus, number>;
  checks: string[];
}

export interface MatrixIut {
  name: string;
  version: string;
  commit: string;
  startedAt: string;
}

export interface Matrix {
  iuts: MatrixIut[];
  rows: { attribute: string; cells: Record<string, MatrixCell> }[];
}

/** The file a run's summary is kept under: runs/<iut name>.json. */
export function runFileName(iutName: string): string {
  return `${iutName.replace(UNSAFE_FILE_CHARS, '_') || 'unknown'}.json`;
}

/** Every run summary in <dir>, newest of each IUT name last wins; unreadable files are skipped. */
export function readRuns(dir: string): Summary[] {
  if (!existsSync(dir)) return [];
  const byName = new Map<string, Summary>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    try {
      const s = readSummary(join(dir, file));
      const prev = byName.get(s.iut.name);
      if (!prev || prev.startedAt <= s.startedAt) byName.set(s.iut.name, s);
    } catch {
      continue;
    }
  }
  return [...byName.values()].sort((a, b) => a.iut.name.localeCompare(b.iut.name));
}

function covers(specRowsOfTest: readonly string[], attribute: string): boolean {
  const key = `attribute:${attribute}`;
  return specRowsOfTest.some((r) => r === key || r.startsWith(`${key}=`));
}

function cellOf(summary: Summary, attribute: string): MatrixCell {
  const counts: Record<TestStatus, number> = { passed: 0, failed: 0, broken: 0, skipped: 0 };
  const checks: string[] = [];
  for (const t of summary.tests) {
    if (!covers(t.specRows, attribute)) continue;
    counts[t.status] += 1;
    checks.push(t.id);
  }
  const status: CellStatus = counts.broken ? 'broken' : counts.failed ? 'failed' : counts.passed ? 'passed' : counts.skipped ? 'skipped' : 'none';
  return { status, counts, checks };
}

export function computeMatrix(spec: LivePusherSpec, runs: readonly Summary[]): Matrix {
  return {
    iuts: runs.map((r) => ({ name: r.iut.name, version: r.iut.version, commit: r.commit, startedAt: r.startedAt })),
    rows: spec.attributes.map((a) => ({
      attribute: a.name,
      cells: Object.fromEntries(runs.map((r) => [r.iut.name, cellOf(r, a.name)])),
    })),
  };
}

function cellText(c: MatrixCell | undefined): string {
  if (!c || c.status === 'none') return '—';
  const total = TEST_STATUSES.reduce((n, s) => n + c.counts[s], 0);
  switch (c.status) {
    case 'passed':
      return `pass ${c.counts.passed}/${total}`;
    case 'failed':
      return `FAIL ${c.counts.failed}/${total}`;
    case 'broken':
      return `BROKEN ${c.counts.broken}/${total}`;
    case 'skipped':
      return `n/a ${c.counts.skipped}/${total}`;
  }
}

export function matrixMarkdown(m: Matrix): string {
  const lines = ['# Conformance matrix', '', 'Attribute x IUT, from the latest run of each IUT (runs/).', ''];
  if (m.iuts.length === 0) return [...lines, 'No runs yet.'].join('\n') + '\n';
  for (const i of m.iuts) lines.push(`- **${i.name}** ${i.version}, commit ${i.commit}, run ${i.startedAt}`);
  lines.push('', `| attribute | ${m.iuts.map((i) => i.name).join(' | ')} |`, `|---|${m.iuts.map(() => '---').join('|')}|`);
  for (const row of m.rows) lines.push(`| ${row.attribute} | ${m.iuts.map((i) => cellText(row.cells[i.name])).join(' | ')} |`);
  lines.push('', 'pass n/m: all m covering checks passed or were not applicable; FAIL / BROKEN: how many of m; n/a: not applicable; —: no check yet.');
  return lines.join('\n') + '\n';
}

/** Writes <base>.md and <base>.json. */
export function writeMatrix(base: string, m: Matrix): void {
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}.md`, redactSecrets(matrixMarkdown(m)));
  writeFileSync(`${base}.json`, redactSecrets(JSON.stringify(m, null, 2)) + '\n');
}
