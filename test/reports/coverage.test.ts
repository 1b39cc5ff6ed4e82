// Spec coverage: every spec row, value rows covering their attribute, "not yet", unknown rows;
// only checks that judged (passed or failed) cover a row, the skipped and broken ones are apart.
import { describe, expect, it } from 'vitest';
import { spec } from '../../spec/index.ts';
import { computeCoverage, coverageMarkdown, NOT_JUDGED, NOT_YET } from '../../reports/coverage.ts';
import { specRows } from '../../reports/spec-rows.ts';
import type { Summary, SummaryTest } from '../../reports/summary.ts';

function test(id: string, specRowsOfTest: string[], status: SummaryTest['status'] = 'passed', message = ''): SummaryTest {
  return { id, title: id, area: 'attributes', spec: '', specRows: specRowsOfTest, status, durationMs: 1, message, file: 'f', attachments: [] };
}

function summary(tests: SummaryTest[]): Summary {
  return {
    iut: { name: 'ref', version: '1', command: 'c' },
    rig: { error: 'none' },
    commit: 'c0ffee',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    totals: { passed: 0, failed: 0, broken: 0, skipped: 0 },
    tests,
    errors: [],
  };
}

describe('specRows', () => {
  it('lists every attribute, legal value, code, netstatus key, event and method', () => {
    const keys = specRows(spec).map((r) => r.key);
    expect(keys).toContain('attribute:mode=QVGA');
    expect(keys).toContain('attribute:mirror=true');
    expect(keys).toContain('attribute:mirror=false');
    expect(keys).toContain('attribute:picture-in-picture-mode=[]');
    expect(keys).toContain('status:1002');
    expect(keys).toContain('status:-1307');
    expect(keys).toContain('error:10004');
    expect(keys).toContain('netstatus:videoBitrate');
    expect(keys).toContain('event:statechange');
    expect(keys).toContain('method:switchCamera');
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => /^attribute:[^=]+$/.test(k))).toHaveLength(spec.attributes.length);
    expect(keys.filter((k) => k.startsWith('status:'))).toHaveLength(spec.statusCodes.length);
    expect(keys.filter((k) => k.startsWith('method:'))).toHaveLength(spec.methods.length);
  });
});

describe('computeCoverage', () => {
  const c = computeCoverage(
    spec,
    summary([test('attributes/mirror/true', ['attribute:mirror=true', 'status:1002']), test('s/1002', ['status:1002'], 'failed'), test('typo', ['attribute:mirorr'])]),
  );
  const row = (key: string) => c.rows.find((r) => r.key === key)!;

  it('maps rows to the checks naming them, a value row covering its attribute', () => {
    expect(row('attribute:mirror=true').checks).toEqual([{ id: 'attributes/mirror/true', status: 'passed' }]);
    expect(row('attribute:mirror').checks).toEqual([{ id: 'attributes/mirror/true', status: 'passed' }]);
    expect(row('attribute:mirror=false').checks).toEqual([]);
    expect(row('status:1002').checks.map((k) => k.id)).toEqual(['attributes/mirror/true', 's/1002']);
    expect(c.totals).toEqual({ rows: specRows(spec).length, covered: 3, onlyNotJudged: 0, notApplicable: 0 });
  });

  it('lists rows the spec does not have', () => {
    expect(c.unknownRows).toEqual([{ key: 'attribute:mirorr', checks: ['typo'] }]);
  });

  it('renders markdown with not-yet rows and statuses', () => {
    const md = coverageMarkdown(c);
    expect(md).toContain('| mirror = false | `attribute:mirror=false` | not yet |');
    expect(md).toContain('attributes/mirror/true (passed), s/1002 (failed)');
    expect(md).toContain('`attribute:mirorr`');
    expect(md.split('\n').filter((l) => l.endsWith(`| ${NOT_YET} |`)).length).toBe(c.totals.rows - 3);
  });
});

describe('computeCoverage with checks that did not judge', () => {
  const c = computeCoverage(
    spec,
    summary([
      test('attributes/mirror/true', ['attribute:mirror=true'], 'skipped', 'IUT x 1 does not claim attributes mirror'),
      test('attributes/mirror/false', ['attribute:mirror=false'], 'broken', 'IUT driver broken: the driver died (exit code 1, signal -)\n--- driver stderr (tail) ---\nboom'),
      test('status/1002', ['status:1002'], 'skipped', 'the rig has no embedded server'),
      test('status/1002/again', ['status:1002'], 'failed'),
    ]),
  );
  const row = (key: string) => c.rows.find((r) => r.key === key)!;

  it('a skipped or broken check covers nothing; it is kept apart with its reason (first line)', () => {
    expect(row('attribute:mirror=true').checks).toEqual([]);
    expect(row('attribute:mirror=true').notJudged).toEqual([{ id: 'attributes/mirror/true', status: 'skipped', reason: 'IUT x 1 does not claim attributes mirror' }]);
    expect(row('attribute:mirror=false').notJudged).toEqual([{ id: 'attributes/mirror/false', status: 'broken', reason: 'IUT driver broken: the driver died (exit code 1, signal -)' }]);
    expect(row('attribute:mirror').notJudged.map((k) => k.id)).toEqual(['attributes/mirror/true', 'attributes/mirror/false']);
  });

  it('a row judged by one check and skipped by another is covered', () => {
    expect(row('status:1002').checks).toEqual([{ id: 'status/1002/again', status: 'failed' }]);
    expect(row('status:1002').notJudged.map((k) => k.id)).toEqual(['status/1002']);
    expect(c.totals).toEqual({ rows: specRows(spec).length, covered: 1, onlyNotJudged: 3, notApplicable: 0 });
  });

  it('renders not-judged rows apart with statuses and reasons', () => {
    const md = coverageMarkdown(c);
    expect(md).toContain(`| mirror = true | \`attribute:mirror=true\` | ${NOT_JUDGED} |`);
    expect(md).toContain('1 of');
    expect(md).toContain('(3 more named only by checks that were skipped or broke;');
    expect(md).toContain('## Rows named only by checks that did not judge them in this run');
    expect(md).toContain('| `attribute:mirror=true` | attributes/mirror/true (skipped: IUT x 1 does not claim attributes mirror) |');
    expect(md).not.toMatch(/`status:1002` \| [^|]*skipped/);
  });
});
