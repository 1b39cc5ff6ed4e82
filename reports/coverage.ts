// Spec coverage (README "Reports"): every spec row (reports/spec-rows.ts) mapped to the checks
// of a run that cover it through CheckMeta.specRows, or "not yet". Only a check that judged the
// IUT in this run (passed or failed) covers a row; rows named only by checks that were skipped or
// broke are listed apart with the reasons, so an IUT that claims little cannot look covered. A
// check naming a value row also covers its attribute row. Rows a check names that the spec does
// not have are listed, so a typo in a check does not pass as coverage.
import { redactSecrets } from '../protocol/redact-secrets.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LivePusherSpec } from '../spec/index.ts';
import { specRows, type SpecRowKind } from './spec-rows.ts';
import type { Summary, TestStatus } from './summary.ts';

export const NOT_YET = 'not yet';
export const NOT_JUDGED = 'not judged in this run';
export const NOT_APPLICABLE = 'not applicable';

/** A spec row the suite declares it cannot judge on a desk, and why (conformance/not-applicable.ts). */
export interface NotApplicableRow {
  key: string;
  reason: string;
}

export interface CoveringCheck {
  id: string;
  status: TestStatus;
}

/** A check that names a row but did not judge it in this run (skipped or broken), and why. */
export interface UnjudgedCheck extends CoveringCheck {
  reason: string;
}

/** The verdicts of a check that judged the IUT; only these cover a row. */
const JUDGED: ReadonlySet<TestStatus> = new Set<TestStatus>(['passed', 'failed']);

export interface CoverageRow {
  key: string;
  kind: SpecRowKind;
  label: string;
  /** Checks that ran and judged the row (passed or failed). */
  checks: CoveringCheck[];
  /** Checks that name the row but were skipped or broke in this run. */
  notJudged: UnjudgedCheck[];
  /** Why no check can judge the row on a desk; only for rows no check judged in this run. */
  notApplicable?: string;
}

export interface Coverage {
  iut: string;
  commit: string;
  /**
   * covered: rows with a judging check; onlyNotJudged: rows whose checks were all skipped or
   * broken; notApplicable: rows no check judged that the suite declares not applicable.
   */
  totals: { rows: number; covered: number; onlyNotJudged: number; notApplicable: number };
  rows: CoverageRow[];
  /** specRows named by checks that are not rows of the spec. */
  unknownRows: { key: string; checks: string[] }[];
}

/**
 * Maps the checks of a run onto the spec rows. `notApplicable` declares rows no check can judge
 * on a desk; a declared key that is not a spec row is an error (a typo must not hide a row).
 */
export function computeCoverage(spec: LivePusherSpec, summary: Summary, notApplicable: readonly NotApplicableRow[] = []): Coverage {
  const rows: CoverageRow[] = specRows(spec).map((r) => ({ key: r.key, kind: r.kind, label: r.label, checks: [], notJudged: [] }));
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const parentOf = new Map(specRows(spec).flatMap((r) => (r.parent ? [[r.key, r.parent] as const] : [])));
  const unknown = new Map<string, string[]>();
  for (const test of summary.tests) {
    const covered = new Set<string>();
    for (const key of test.specRows) {
      if (!byKey.has(key)) {
        unknown.set(key, [...(unknown.get(key) ?? []), test.id]);
        continue;
      }
      covered.add(key);
      const parent = parentOf.get(key);
      if (parent) covered.add(parent);
    }
    for (const key of covered) {
      const row = byKey.get(key);
      if (!row) continue;
      if (JUDGED.has(test.status)) row.checks.push({ id: test.id, status: test.status });
      else row.notJudged.push({ id: test.id, status: test.status, reason: test.message.split('\n')[0] ?? '' });
    }
  }
  for (const na of notApplicable) {
    const row = byKey.get(na.key);
    if (!row) throw new Error(`not-applicable row ${JSON.stringify(na.key)} is not a row of the spec (reports/spec-rows.ts keys)`);
    if (row.checks.length === 0) row.notApplicable = na.reason;
  }
  return {
    iut: `${summary.iut.name} ${summary.iut.version}`,
    commit: summary.commit,
    totals: {
      rows: rows.length,
      covered: rows.filter((r) => r.checks.length > 0).length,
      onlyNotJudged: rows.filter((r) => r.checks.length === 0 && r.notJudged.length > 0).length,
      notApplicable: rows.filter((r) => r.notApplicable !== undefined).length,
    },
    rows,
    unknownRows: [...unknown].map(([key, checks]) => ({ key, checks })),
  };
}

const KIND_TITLES: Record<SpecRowKind, string> = {
  attribute: 'Attributes',
  'attribute value': 'Attribute values',
  'status code': 'Status codes (code)',
  'error code': 'Error codes (errCode)',
  netstatus: 'netstatus (info)',
  event: 'Events',
  method: 'Context methods',
};

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function coverageMarkdown(c: Coverage): string {
  const lines = [
    '# Spec coverage',
    '',
    `Checks of the run against ${c.iut} at commit ${c.commit}: ${c.totals.covered} of ${c.totals.rows} spec rows covered` +
      ` (${c.totals.onlyNotJudged} more named only by checks that were skipped or broke;` +
      ` ${c.totals.notApplicable} not applicable on a desk, with the reason).`,
    'Each row lists the checks that judged it in this run (passed or failed) among those naming it in their specRows; a value row also covers its attribute.',
    `A row whose checks were all skipped or broken is "${NOT_JUDGED}" and listed apart with the reasons.`,
  ];
  for (const kind of Object.keys(KIND_TITLES) as SpecRowKind[]) {
    const rows = c.rows.filter((r) => r.kind === kind);
    if (rows.length === 0) continue;
    lines.push('', `## ${KIND_TITLES[kind]}`, '', '| row | key | checks |', '|---|---|---|');
    for (const r of rows) {
      const checks = r.checks.length
        ? r.checks.map((k) => `${k.id} (${k.status})`).join(', ')
        : r.notApplicable !== undefined
          ? `${NOT_APPLICABLE}: ${r.notApplicable}`
          : r.notJudged.length
            ? NOT_JUDGED
            : NOT_YET;
      lines.push(`| ${cell(r.label)} | \`${r.key}\` | ${cell(checks)} |`);
    }
  }
  const unjudged = c.rows.filter((r) => r.checks.length === 0 && r.notJudged.length > 0);
  if (unjudged.length) {
    lines.push('', '## Rows named only by checks that did not judge them in this run', '', '| row | key | checks (status: reason) |', '|---|---|---|');
    for (const r of unjudged) {
      lines.push(`| ${cell(r.label)} | \`${r.key}\` | ${cell(r.notJudged.map((k) => `${k.id} (${k.status}: ${k.reason})`).join('; '))} |`);
    }
  }
  if (c.unknownRows.length) {
    lines.push('', '## Rows named by checks that the spec does not have', '', '| key | checks |', '|---|---|');
    for (const u of c.unknownRows) lines.push(`| \`${cell(u.key)}\` | ${cell(u.checks.join(', '))} |`);
  }
  return lines.join('\n') + '\n';
}

/** Writes <base>.md and <base>.json. */
export function writeCoverage(base: string, c: Coverage): void {
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}.md`, redactSecrets(coverageMarkdown(c)));
  writeFileSync(`${base}.json`, redactSecrets(JSON.stringify(c, null, 2)) + '\n');
}
