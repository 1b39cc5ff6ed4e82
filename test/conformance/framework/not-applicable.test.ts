import { describe, expect, it } from 'vitest';
import { NOT_APPLICABLE_ROWS } from '../../../conformance/not-applicable/index.ts';
import { computeCoverage, coverageMarkdown } from '../../../reports/coverage.ts';
import { specRows } from '../../../reports/spec-rows.ts';
import type { Summary } from '../../../reports/summary.ts';
import { spec } from '../../../spec/index.ts';

const MIN_REASON_CHARS = 40;

function summaryOf(tests: Summary['tests']): Summary {
  return { iut: { name: 'x', version: '1' }, commit: 'c', tests } as unknown as Summary;
}

describe('not-applicable rows', () => {
  it('every key is a spec row, named once, with a specific reason', () => {
    const keys = new Set(specRows(spec).map((r) => r.key));
    const seen = new Set<string>();
    for (const row of NOT_APPLICABLE_ROWS) {
      expect(keys.has(row.key), row.key).toBe(true);
      expect(seen.has(row.key), `${row.key} declared twice`).toBe(false);
      seen.add(row.key);
      expect(row.reason.length, row.key).toBeGreaterThanOrEqual(MIN_REASON_CHARS);
    }
  });

  it('the coverage table shows the reason for a row no check judged, and a judging check wins', () => {
    const c = computeCoverage(
      spec,
      summaryOf([{ id: 'a/x', status: 'passed', specRows: ['status:1018'], message: '' }] as unknown as Summary['tests']),
      [
        { key: 'status:1018', reason: 'reason one that is long enough to be specific' },
        { key: 'status:1019', reason: 'reason two that is long enough to be specific' },
      ],
    );
    expect(c.totals.notApplicable).toBe(1);
    const md = coverageMarkdown(c);
    expect(md).toContain('| `status:1019` | not applicable: reason two');
    expect(md).toContain('| `status:1018` | a/x (passed) |');
  });

  it('a key that is not a spec row is an error naming it', () => {
    expect(() => computeCoverage(spec, summaryOf([]), [{ key: 'status:99999', reason: 'r' }])).toThrow(/status:99999/);
  });
});
