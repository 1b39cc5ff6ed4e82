// End to end: runConformance on the toy checks (test/conformance/framework/checks) against a toy
// driver that really pushes with ffmpeg to the embedded server. Asserts the summary, the Allure
// results (labels, statuses, attachments), the single-file HTML, coverage and matrix.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConformance, type ConformanceResult } from '../../../conformance/run.ts';
import { findExternalResources } from '../../../reports/allure-html.ts';
import type { Summary, SummaryTest } from '../../../reports/summary.ts';
import { liveProcessCount } from '../../../adapters/process/supervised.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CHECKS = join(HERE, 'checks');
const TOY = `node ${join(HERE, '..', 'drivers', 'ffmpeg-toy-driver.mjs')}`;
const E2E_TIMEOUT_MS = 180_000;

interface AllureResult {
  name: string;
  status: string;
  statusDetails?: { message?: string };
  labels: { name: string; value: string }[];
  parameters: { name: string; value: string }[];
  attachments: { name: string; source: string }[];
  steps: { attachments: { name: string; source: string }[] }[];
  testCaseId?: string;
}

let out: string;
let result: ConformanceResult;
let wallMs: number;

const byId = (id: string): SummaryTest => {
  const t = result.tests.find((x) => x.id === id);
  if (!t) throw new Error(`no test ${id} in summary`);
  return t;
};

function allureResults(): AllureResult[] {
  const dir = join(out, 'allure-results');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as AllureResult);
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'lpb-e2e-'));
  // An earlier run of another IUT, so the matrix has two columns.
  const earlier: Summary = {
    iut: { name: 'earlier-iut', version: '9', command: 'x' },
    rig: { error: 'n/a' },
    commit: 'abc',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    totals: { passed: 1, failed: 0, broken: 0, skipped: 0 },
    tests: [{ id: 'attributes/mirror/true', title: 't', area: 'attributes', spec: 's', specRows: ['attribute:mirror=true'], status: 'passed', durationMs: 1, message: '', file: 'f', attachments: [] }],
    errors: [],
  };
  mkdirSync(join(out, 'runs'));
  writeFileSync(join(out, 'runs', 'earlier-iut.json'), JSON.stringify(earlier));
  const t0 = Date.now();
  result = await runConformance({ iut: TOY, checksDir: CHECKS, outDir: out, quiet: true });
  wallMs = Date.now() - t0;
  process.stdout.write(`e2e runConformance wall time: ${wallMs} ms\n`);
}, E2E_TIMEOUT_MS);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('runConformance end to end (toy checks, ffmpeg toy driver)', () => {
  it('writes summary.json with IUT, rig, commit, totals and one entry per check', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.iut).toEqual({ name: 'ffmpeg-toy', version: '0.0.1', command: TOY, capabilities: { attributes: ['url'], methods: ['start', 'stop', 'crash', 'fail'], events: ['statechange'] } });
    expect(summary.rig).toMatchObject({ server: { kind: 'embedded' }, permissions: { camera: 'granted', record: 'granted' } });
    expect(summary.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(Date.parse(summary.startedAt)).not.toBeNaN();
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(summary.totals).toEqual({ passed: 1, failed: 2, broken: 1, skipped: 2 });
    expect(summary.tests.map((t) => t.id).sort()).toEqual(
      ['toy/driver/dies', 'toy/fail-payload', 'toy/not-applicable', 'toy/push/publishes', 'toy/requires/teleport', 'toy/status/9999'].sort(),
    );
    for (const t of summary.tests) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(['id', 'title', 'area', 'spec', 'status', 'durationMs', 'message']));
    }
    expect(summary.errors).toEqual([]);
    expect(result.totals).toEqual(summary.totals);
  });

  it('records each outcome with its reason', () => {
    expect(byId('toy/push/publishes')).toMatchObject({ status: 'passed', area: 'context', spec: 'context-api.md start', message: '' });
    expect(byId('toy/status/9999')).toMatchObject({ status: 'failed', message: expect.stringContaining('9999') });
    expect(byId('toy/fail-payload')).toMatchObject({ status: 'failed', message: expect.stringContaining('errCode -2') });
    const broken = byId('toy/driver/dies');
    expect(broken.status).toBe('broken');
    expect(broken.message).toContain('died (exit code 5');
    expect(broken.message).toContain('crashing on purpose');
    expect(byId('toy/requires/teleport')).toMatchObject({ status: 'skipped', message: 'IUT ffmpeg-toy 0.0.1 does not claim methods teleport' });
    expect(byId('toy/not-applicable')).toMatchObject({ status: 'skipped', message: 'the rig has no v4l2 back camera' });
  });

  it('keeps evidence files for every check: event log, driver stderr, check attachments', () => {
    const pushed = byId('toy/push/publishes');
    expect(pushed.attachments.map((a) => a.name)).toEqual(['evidence note', 'IUT event log', 'driver stderr', 'check log']);
    const events = JSON.parse(readFileSync(join(out, pushed.attachments[1]!.path), 'utf8')) as { event: string; detail: { code: number } }[];
    expect(events.map((e) => e.detail.code)).toEqual(expect.arrayContaining([1001, 1002]));
    expect(readFileSync(join(out, pushed.attachments[2]!.path), 'utf8')).toMatch(/Output #0, flv/);
    const broken = byId('toy/driver/dies');
    expect(readFileSync(join(out, broken.attachments.find((a) => a.name === 'driver stderr')!.path), 'utf8')).toContain('crashing on purpose');
  });

  it('writes Allure results with labels, verdicts, skip reasons and attachments', () => {
    const results = allureResults();
    expect(results).toHaveLength(6);
    const get = (name: string) => results.find((r) => r.name === name)!;
    const pushed = get('toy/push/publishes');
    const label = (r: AllureResult, n: string) => r.labels.filter((l) => l.name === n).map((l) => l.value);
    expect(label(pushed, 'epic')).toEqual(['context']);
    expect(label(pushed, 'feature')).toEqual(['start']);
    expect(label(pushed, 'story')).toEqual(['publishes']);
    expect(label(pushed, 'severity')).toEqual(['critical']);
    expect(label(pushed, 'checkId')).toEqual(['toy/push/publishes']);
    expect(pushed.testCaseId).toBe('toy/push/publishes');
    expect(pushed.parameters).toEqual(expect.arrayContaining([{ name: 'spec', value: 'context-api.md start' }, { name: 'tolerance', value: 'publish within 10 s' }]));
    expect(label(get('toy/status/9999'), 'epic')).toEqual(['status codes']);
    expect(label(get('toy/fail-payload'), 'epic')).toEqual(['error codes']);
    expect(Object.fromEntries(results.map((r) => [r.name, r.status]))).toEqual({
      'toy/push/publishes': 'passed',
      'toy/status/9999': 'failed',
      'toy/fail-payload': 'failed',
      'toy/driver/dies': 'broken',
      'toy/requires/teleport': 'skipped',
      'toy/not-applicable': 'skipped',
    });
    expect(get('toy/requires/teleport').statusDetails?.message).toBe('IUT ffmpeg-toy 0.0.1 does not claim methods teleport');
    for (const r of results) {
      expect(r.labels.some((l) => l.name.startsWith('lpbench.'))).toBe(false);
      const names = [...r.attachments, ...r.steps.flatMap((s) => s.attachments)].map((a) => a.name);
      // A check whose requirements are unmet is skipped before any IUT is spawned for it.
      if (r.name === 'toy/requires/teleport') expect(names).not.toContain('IUT event log');
      else expect(names).toEqual(expect.arrayContaining(['IUT event log', 'driver stderr']));
    }
  });

  it('writes one self-contained HTML file with no external script or link', () => {
    const file = join(out, 'allure-report', 'index.html');
    expect(result.reports.html).toBe(file);
    const html = readFileSync(file, 'utf8');
    expect(html.length).toBeGreaterThan(100_000);
    expect(findExternalResources(html)).toEqual([]);
    expect(html).not.toMatch(/<script[^>]+src=["']?https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']?https?:/i);
    expect(html).not.toContain('googletagmanager');
    expect(readdirSync(join(out, 'allure-report')).filter((f) => f.endsWith('.js') || f.endsWith('.css'))).toEqual([]);
  });

  it('writes coverage with covered rows and "not yet" rows', () => {
    const md = readFileSync(join(out, 'coverage.md'), 'utf8');
    expect(md).toMatch(/\| start \| `method:start` \| toy\/push\/publishes \(passed\) \|/);
    expect(md).toMatch(/\| mirror \| `attribute:mirror` \| not yet \|/);
    expect(md).toMatch(/`status:1001` \| toy\/status\/9999 \(failed\) \|/);
    const json = JSON.parse(readFileSync(join(out, 'coverage.json'), 'utf8')) as { totals: { rows: number; covered: number } };
    expect(json.totals.covered).toBe(3);
    expect(json.totals.rows).toBeGreaterThan(100);
  });

  it('copies the run to runs/<iut>.json and builds the matrix with earlier runs', () => {
    expect(existsSync(join(out, 'runs', 'ffmpeg-toy.json'))).toBe(true);
    const md = readFileSync(join(out, 'matrix.md'), 'utf8');
    expect(md).toContain('| attribute | earlier-iut | ffmpeg-toy |');
    expect(md).toContain('| mirror | pass 1/1 | — |');
    expect(liveProcessCount()).toBe(0);
  });

  it('a grep that matches nothing says so and still writes every file', async () => {
    const out2 = mkdtempSync(join(tmpdir(), 'lpb-e2e-grep-'));
    try {
      const r = await runConformance({ iut: TOY, checksDir: CHECKS, outDir: out2, grep: 'no-such-check-id', html: false, quiet: true });
      expect(r.notice).toBe('no check matches --grep "no-such-check-id"');
      expect(r.totals).toEqual({ passed: 0, failed: 0, broken: 0, skipped: 0 });
      for (const f of ['summary.json', 'coverage.md', 'coverage.json', 'matrix.md', 'matrix.json']) expect(existsSync(join(out2, f))).toBe(true);
      expect(readFileSync(join(out2, 'matrix.md'), 'utf8')).toContain('No runs yet.');
    } finally {
      rmSync(out2, { recursive: true, force: true });
    }
  }, E2E_TIMEOUT_MS);

  it('an IUT command that does not exist: every check broken with the shell error, every file written', async () => {
    const out4 = mkdtempSync(join(tmpdir(), 'lpb-e2e-noiut-'));
    try {
      const r = await runConformance({ iut: '/nonexistent/lpb-driver', checksDir: CHECKS, outDir: out4, grep: 'toy/(push|status)', html: false, quiet: true });
      expect(r.tests.map((t) => [t.id, t.status])).toEqual([
        ['toy/push/publishes', 'broken'],
        ['toy/status/9999', 'broken'],
      ]);
      expect(r.tests[0]!.message).toMatch(/died \(exit code 127[\s\S]*(not found|No such file)/);
      expect(r.iut.name).toBe('unknown');
      for (const f of ['summary.json', 'coverage.md', 'matrix.md', 'runs/unknown.json']) expect(existsSync(join(out4, f))).toBe(true);
    } finally {
      rmSync(out4, { recursive: true, force: true });
    }
  }, E2E_TIMEOUT_MS);

  it('a rig that does not load: checks broken naming the bad key', async () => {
    const out5 = mkdtempSync(join(tmpdir(), 'lpb-e2e-badrig-'));
    try {
      const rigFile = join(out5, 'rig.yaml');
      writeFileSync(rigFile, 'server: {kind: cloud}\n');
      const r = await runConformance({ iut: TOY, rig: rigFile, checksDir: CHECKS, outDir: out5, grep: 'toy/push', html: false, quiet: true });
      expect(r.tests.map((t) => t.status)).toEqual(['broken']);
      expect(r.tests[0]!.message).toContain('server.kind');
      expect(r.rig).toEqual({ error: expect.stringContaining('legal values: embedded, external') });
      expect(existsSync(join(out5, 'coverage.md'))).toBe(true);
    } finally {
      rmSync(out5, { recursive: true, force: true });
    }
  }, E2E_TIMEOUT_MS);

  it('no check files at all: says so, writes every file including the HTML', async () => {
    const out3 = mkdtempSync(join(tmpdir(), 'lpb-e2e-empty-'));
    try {
      const r = await runConformance({ checksDir: join(out3, 'no-checks-here'), outDir: out3, quiet: true });
      expect(r.notice).toMatch(/no check files \(\*\.check\.ts\) in .*no-checks-here yet/);
      for (const f of ['summary.json', 'coverage.md', 'matrix.md', 'allure-report/index.html']) expect(existsSync(join(out3, f))).toBe(true);
      expect(r.errors).toEqual([]);
    } finally {
      rmSync(out3, { recursive: true, force: true });
    }
  }, E2E_TIMEOUT_MS);
});
