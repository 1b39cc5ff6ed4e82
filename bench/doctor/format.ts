// Text rendering of doctor's reports: one line per check (status, what, what was found) and,
// when not ok, an indented line saying what to do.
import type { CheckReport, CheckStatus } from './checks.ts';

const STATUS_LABEL: Record<CheckStatus, string> = {
  ok: '  ok   ',
  warn: ' warn  ',
  missing: 'MISSING',
};

export function formatReports(reports: readonly CheckReport[]): string {
  const width = Math.max(...reports.map((r) => r.title.length));
  const lines: string[] = [];
  for (const r of reports) {
    const required = r.required ? ' (required)' : '';
    lines.push(`[${STATUS_LABEL[r.status]}] ${r.title.padEnd(width)}  ${r.detail}${r.status === 'ok' ? '' : required}`);
    if (r.status !== 'ok' && r.fix) lines.push(`${' '.repeat(STATUS_LABEL.ok.length + 3)}fix: ${r.fix}`);
  }
  return lines.join('\n');
}
