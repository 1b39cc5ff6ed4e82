// The skipped checks of a run grouped by reason (summary.skips, the console) and the count of
// checks that ran, which decides the "no check ran" outcome.
import { describe, expect, it } from 'vitest';
import { countTotals, groupSkips, ranCount, type SummaryTest } from '../../reports/summary.ts';

const t = (id: string, status: SummaryTest['status'], message = ''): SummaryTest => ({
  id, title: id, area: '', spec: '', specRows: [], status, durationMs: 0, message, file: '', attachments: [],
});

describe('groupSkips', () => {
  it('groups skipped checks by reason, most checks first, ignoring the others', () => {
    const tests = [
      t('a', 'skipped', 'IUT x 1 does not claim attributes mirror'),
      t('b', 'passed'),
      t('c', 'skipped', 'the rig has no back camera'),
      t('d', 'skipped', 'IUT x 1 does not claim attributes mirror'),
      t('e', 'failed', 'IUT x 1 does not claim attributes mirror'),
      t('f', 'skipped'),
    ];
    expect(groupSkips(tests)).toEqual([
      { reason: 'IUT x 1 does not claim attributes mirror', count: 2, checks: ['a', 'd'] },
      { reason: 'no reason given', count: 1, checks: ['f'] },
      { reason: 'the rig has no back camera', count: 1, checks: ['c'] },
    ]);
  });

  it('is empty when nothing was skipped', () => {
    expect(groupSkips([t('a', 'passed'), t('b', 'broken')])).toEqual([]);
  });
});

describe('ranCount', () => {
  it('counts passed, failed and broken, never skipped', () => {
    expect(ranCount(countTotals([t('a', 'passed'), t('b', 'failed'), t('c', 'broken'), t('d', 'skipped')]))).toBe(3);
    expect(ranCount(countTotals([t('a', 'skipped'), t('b', 'skipped')]))).toBe(0);
    expect(ranCount(countTotals([]))).toBe(0);
  });
});
