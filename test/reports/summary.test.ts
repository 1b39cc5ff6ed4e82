// summary.json helpers: totals, commit lookup, round trip.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countTotals, currentCommit, readSummary, writeSummary, type Summary, type SummaryTest } from '../../reports/summary.ts';

const t = (status: SummaryTest['status']): SummaryTest => ({ id: status, title: '', area: '', spec: '', specRows: [], status, durationMs: 0, message: '', file: '', attachments: [] });

describe('summary', () => {
  it('counts every status', () => {
    expect(countTotals([t('passed'), t('failed'), t('failed'), t('broken'), t('skipped')])).toEqual({ passed: 1, failed: 2, broken: 1, skipped: 1 });
    expect(countTotals([])).toEqual({ passed: 0, failed: 0, broken: 0, skipped: 0 });
  });

  it('currentCommit is unknown outside a git checkout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpb-nogit-'));
    try {
      expect(currentCommit(dir)).toBe('unknown');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes and reads back, creating folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpb-sum-'));
    try {
      const s: Summary = { iut: { name: 'n', version: 'v', command: 'c' }, rig: { error: 'e' }, commit: 'x', startedAt: 's', durationMs: 1, totals: countTotals([t('passed')]), tests: [t('passed')], errors: [] };
      const file = join(dir, 'a', 'b', 'summary.json');
      writeSummary(file, s);
      expect(readSummary(file)).toEqual(s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
