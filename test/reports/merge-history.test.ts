// Sharded runs merged (reports/merge.ts) and check × date history (reports/history.ts) on
// summaries of known content: totals recomputed, a check in two shards and shards of different
// IUTs or commits are errors, result files are gathered; history orders newly failing first.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeResultFolders, mergeSummaries, readShards, MergeError } from '../../reports/merge.ts';
import { computeHistory, historyMarkdown, historyRun, readHistory } from '../../reports/history.ts';
import type { Summary, SummaryTest, TestStatus } from '../../reports/summary.ts';

function test(id: string, status: TestStatus, message = ''): SummaryTest {
  return { id, title: id, area: id.split('/')[0]!, spec: 's', specRows: [], status, durationMs: 1, message, file: 'f', attachments: [] };
}

function summary(tests: SummaryTest[], over: Partial<Summary> = {}): Summary {
  return {
    iut: { name: 'reference', version: '0.1.0', command: 'x' },
    rig: { camera: { front: { kind: 'synthetic' }, back: { kind: 'synthetic' } }, microphone: { kind: 'synthetic' }, permissions: { camera: 'granted', record: 'granted' }, server: { kind: 'embedded' }, assets: {}, network: {} },
    commit: 'abc1234',
    startedAt: '2026-12-01T01:00:00.000Z',
    durationMs: 1000,
    totals: { passed: 0, failed: 0, broken: 0, skipped: 0 },
    tests,
    errors: [],
    ...over,
  };
}

describe('merge', () => {
  it('concatenates the shards, recomputes totals and skips, spans the wall time', () => {
    const m = mergeSummaries([
      { dir: 'a', summary: summary([test('x/1', 'passed'), test('x/2', 'skipped', 'needs y')]) },
      { dir: 'b', summary: summary([test('x/3', 'failed'), test('x/4', 'skipped', 'needs y')], { startedAt: '2026-12-01T01:00:05.000Z', durationMs: 2000, errors: ['late'] }) },
    ]);
    expect(m.tests.map((t) => t.id)).toEqual(['x/1', 'x/2', 'x/3', 'x/4']);
    expect(m.totals).toEqual({ passed: 1, failed: 1, broken: 0, skipped: 2 });
    expect(m.skips).toEqual([{ reason: 'needs y', count: 2, checks: ['x/2', 'x/4'] }]);
    expect(m.durationMs).toBe(7000);
    expect(m.errors).toEqual(['[b] late']);
  });

  it('names a check run twice, another IUT and another commit', () => {
    const m = mergeSummaries([
      { dir: 'a', summary: summary([test('x/1', 'passed')]) },
      { dir: 'b', summary: summary([test('x/1', 'failed')], { iut: { name: 'other', version: '2', command: 'y' }, commit: 'def5678' }) },
    ]);
    expect(m.tests).toHaveLength(1);
    expect(m.tests[0]!.status).toBe('passed');
    expect(m.errors).toEqual([
      'shard b ran other 2, shard a ran reference 0.1.0',
      'shard b ran commit def5678, shard a ran abc1234',
      'check x/1 ran in two shards (a and b); the first result is kept',
    ]);
  });

  it('a broken rig in any shard is the merged rig health', () => {
    const bad = { ok: false, checkedAt: 't', durationMs: 1, detail: 'no picture', lab: [] };
    const m = mergeSummaries([{ dir: 'a', summary: summary([]) }, { dir: 'b', summary: summary([], { rigHealth: bad }) }]);
    expect(m.rigHealth).toEqual(bad);
  });

  it('reads shard folders, refuses one without a summary, gathers result files', () => {
    const root = mkdtempSync(join(tmpdir(), 'lpb-merge-'));
    try {
      for (const [dir, id] of [['s1', 'x/1'], ['s2', 'x/2']] as const) {
        mkdirSync(join(root, dir, 'allure-results'), { recursive: true });
        mkdirSync(join(root, dir, 'evidence', id), { recursive: true });
        writeFileSync(join(root, dir, 'summary.json'), JSON.stringify(summary([test(id, 'passed')])));
        writeFileSync(join(root, dir, 'allure-results', `${dir}-result.json`), '{}');
        writeFileSync(join(root, dir, 'evidence', id, 'log.txt'), 'x');
      }
      expect(() => readShards([join(root, 'nope')])).toThrow(MergeError);
      expect(() => readShards([join(root, 'nope')])).toThrow('has no summary.json');
      const shards = readShards([join(root, 's1'), join(root, 's2')]);
      const out = join(root, 'out');
      mergeResultFolders(shards, out);
      expect(readdirSync(join(out, 'allure-results')).sort()).toEqual(['s1-result.json', 's2-result.json']);
      expect(existsSync(join(out, 'evidence', 'x/1', 'log.txt')) && existsSync(join(out, 'evidence', 'x/2', 'log.txt'))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('history', () => {
  const runs = [
    historyRun('d3', summary([test('a/new-fail', 'failed'), test('b/new-pass', 'passed'), test('c/steady', 'passed'), test('d/skip-then-fail', 'broken')], { startedAt: '2026-12-03T01:00:00.000Z' })),
    historyRun('d1', summary([test('a/new-fail', 'passed'), test('b/new-pass', 'failed'), test('c/steady', 'passed'), test('d/skip-then-fail', 'passed')], { startedAt: '2026-12-01T01:00:00.000Z' })),
    historyRun('d2', summary([test('a/new-fail', 'skipped'), test('b/new-pass', 'failed'), test('c/steady', 'passed'), test('d/skip-then-fail', 'skipped')], { startedAt: '2026-12-02T01:00:00.000Z' })),
  ];

  it('orders runs by date and checks newly failing, newly passing, then the rest; skips do not count as a judgement', () => {
    const h = computeHistory(runs);
    expect(h.runs.map((r) => r.file)).toEqual(['d1', 'd2', 'd3']);
    expect(h.rows.map((r) => [r.id, r.trend])).toEqual([
      ['a/new-fail', 'newly failing'],
      ['d/skip-then-fail', 'newly failing'],
      ['b/new-pass', 'newly passing'],
      ['c/steady', 'unchanged'],
    ]);
    const md = historyMarkdown(h);
    expect(md).toContain('newly failing: 2, newly passing: 1');
    expect(md).toContain('| a/new-fail | newly failing | pass | skip | FAIL |');
  });

  it('finds the summaries under a folder of nightly runs', () => {
    const root = mkdtempSync(join(tmpdir(), 'lpb-history-'));
    try {
      for (const [day, status] of [['2026-12-01', 'passed'], ['2026-12-02', 'failed']] as const) {
        mkdirSync(join(root, day), { recursive: true });
        writeFileSync(join(root, day, 'summary.json'), JSON.stringify(summary([test('x/1', status)], { startedAt: `${day}T01:00:00.000Z` })));
      }
      const h = readHistory(root);
      expect(h.rows).toEqual([{ id: 'x/1', trend: 'newly failing', statuses: ['passed', 'failed'] }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
