// The machine-readable summary of one conformance run (README "Reports": results/summary.json
// per test id, status, duration, IUT, rig, commit). Written by the summary reporter, read by the
// matrix and the CLI.
import { redactSecrets } from '../protocol/redact-secrets.ts';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Rig } from '../rig/types.ts';

export type TestStatus = 'passed' | 'failed' | 'broken' | 'skipped';
export const TEST_STATUSES: readonly TestStatus[] = ['passed', 'failed', 'broken', 'skipped'];

export interface SummaryAttachment {
  name: string;
  contentType: string;
  /** Relative to the folder holding summary.json. */
  path: string;
}

export interface SummaryTest {
  id: string;
  title: string;
  /** The check's area, or 'unknown' for a test not declared with check(). */
  area: string;
  feature?: string;
  story?: string;
  spec: string;
  specRows: string[];
  tolerance?: string;
  status: TestStatus;
  durationMs: number;
  /** Why it was skipped, or the failure / breakage message; '' when it passed. */
  message: string;
  file: string;
  attachments: SummaryAttachment[];
}

/** What the IUT claimed in its hello (conformance/iut-client.ts IutCapabilities). */
export interface SummaryCapabilities {
  attributes: string[];
  methods: string[];
  events: string[];
}

/** The skipped checks of a run that share one reason. */
export interface SkipGroup {
  reason: string;
  count: number;
  checks: string[];
}

export interface Summary {
  iut: { name: string; version: string; command: string; capabilities?: SummaryCapabilities };
  rig: Rig | { error: string };
  commit: string;
  startedAt: string;
  durationMs: number;
  totals: Record<TestStatus, number>;
  tests: SummaryTest[];
  /** Errors outside any test (a check file that failed to load, an unhandled rejection). */
  errors: string[];
  /** The skipped checks grouped by reason, most checks first (written by conformance/run.ts). */
  skips?: SkipGroup[];
  /** A lab rig's golden push before the checks (conformance/rig-health.ts); ok=false: a broken rig, no check ran. */
  rigHealth?: { ok: boolean; checkedAt: string; durationMs: number; detail: string; lab: string[] };
}

export const UNKNOWN = 'unknown';
const GIT_TIMEOUT_MS = 5_000;

/** git rev-parse HEAD of this checkout, or 'unknown'. */
export function currentCommit(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

export function countTotals(tests: readonly SummaryTest[]): Record<TestStatus, number> {
  const totals: Record<TestStatus, number> = { passed: 0, failed: 0, broken: 0, skipped: 0 };
  for (const t of tests) totals[t.status] += 1;
  return totals;
}

/** Checks that ran (passed, failed or broken): a run where this is 0 judged nothing. */
export function ranCount(totals: Record<TestStatus, number>): number {
  return totals.passed + totals.failed + totals.broken;
}

/** The skipped tests grouped by their reason, most checks first, then by reason. */
export function groupSkips(tests: readonly SummaryTest[]): SkipGroup[] {
  const byReason = new Map<string, string[]>();
  for (const t of tests) {
    if (t.status !== 'skipped') continue;
    const reason = t.message || 'no reason given';
    byReason.set(reason, [...(byReason.get(reason) ?? []), t.id]);
  }
  return [...byReason]
    .map(([reason, checks]) => ({ reason, count: checks.length, checks }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function writeSummary(file: string, summary: Summary): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, redactSecrets(JSON.stringify(summary, null, 2)) + '\n');
}

export function readSummary(file: string): Summary {
  return JSON.parse(readFileSync(file, 'utf8')) as Summary;
}
