// The conformance matrix: cell precedence, latest run per IUT, file names.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spec } from '../../spec/index.ts';
import { computeMatrix, matrixMarkdown, readRuns, runFileName } from '../../reports/matrix.ts';
import type { Summary, SummaryTest } from '../../reports/summary.ts';

function t(id: string, rows: string[], status: SummaryTest['status']): SummaryTest {
  return { id, title: id, area: 'attributes', spec: '', specRows: rows, status, durationMs: 1, message: '', file: 'f', attachments: [] };
}

function run(name: string, startedAt: string, tests: SummaryTest[]): Summary {
  return { iut: { name, version: '1', command: 'c' }, rig: { error: 'x' }, commit: 'c', startedAt, durationMs: 1, totals: { passed: 0, failed: 0, broken: 0, skipped: 0 }, tests, errors: [] };
}

describe('computeMatrix', () => {
  it('a cell is broken > failed > passed > skipped, none without checks', () => {
    const m = computeMatrix(spec, [
      run('a', '2026-01-01', [
        t('m1', ['attribute:mirror=true'], 'passed'),
        t('m2', ['attribute:mirror=false'], 'failed'),
        t('u1', ['attribute:url'], 'passed'),
        t('u2', ['attribute:url'], 'broken'),
        t('z', ['attribute:zoom=true'], 'skipped'),
        t('b', ['attribute:beauty'], 'passed'),
      ]),
    ]);
    const cell = (attr: string) => m.rows.find((r) => r.attribute === attr)!.cells.a!;
    expect(cell('mirror')).toEqual({ status: 'failed', counts: { passed: 1, failed: 1, broken: 0, skipped: 0 }, checks: ['m1', 'm2'] });
    expect(cell('url').status).toBe('broken');
    expect(cell('zoom').status).toBe('skipped');
    expect(cell('beauty').status).toBe('passed');
    expect(cell('whiteness').status).toBe('none');
    expect(m.rows).toHaveLength(spec.attributes.length);
    const md = matrixMarkdown(m);
    expect(md).toContain('| mirror | FAIL 1/2 |');
    expect(md).toContain('| url | BROKEN 1/2 |');
    expect(md).toContain('| zoom | n/a 1/1 |');
    expect(md).toContain('| whiteness | — |');
  });

  it('says so when there are no runs', () => {
    expect(matrixMarkdown(computeMatrix(spec, []))).toContain('No runs yet.');
  });
});

describe('readRuns', () => {
  it('keeps the newest run of each IUT, sorted by name, and skips unreadable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpb-runs-'));
    try {
      writeFileSync(join(dir, 'b-old.json'), JSON.stringify(run('b', '2026-01-01T00:00:00Z', [])));
      writeFileSync(join(dir, 'b.json'), JSON.stringify(run('b', '2026-02-01T00:00:00Z', [t('x', [], 'passed')])));
      writeFileSync(join(dir, 'a.json'), JSON.stringify(run('a', '2026-01-01T00:00:00Z', [])));
      writeFileSync(join(dir, 'junk.json'), '{not json');
      const runs = readRuns(dir);
      expect(runs.map((r) => [r.iut.name, r.startedAt])).toEqual([
        ['a', '2026-01-01T00:00:00Z'],
        ['b', '2026-02-01T00:00:00Z'],
      ]);
      expect(readRuns(join(dir, 'missing'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names run files safely', () => {
    expect(runFileName('reference')).toBe('reference.json');
    expect(runFileName('../evil name')).toBe('.._evil_name.json');
    expect(runFileName('')).toBe('unknown.json');
  });
});
