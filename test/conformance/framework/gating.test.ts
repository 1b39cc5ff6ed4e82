// End to end: capability gating and honest reporting, runConformance on the toy gating checks
// (test/conformance/framework/gating-checks) against claims-driver.mjs hello shapes. A check
// needing only core names runs whatever the IUT claims; a check needing an unclaimed non-core
// name is skipped with the reason, grouped in summary.skips; a run where every check is skipped
// says so; coverage counts only checks that judged; a malformed hello breaks every check.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConformance, type ConformanceResult } from '../../../conformance/run.ts';
import type { Coverage } from '../../../reports/coverage.ts';
import type { Summary } from '../../../reports/summary.ts';
import { liveProcessCount } from '../../../adapters/process/supervised.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CHECKS = join(HERE, 'gating-checks');
const RIG_CHECKS = join(HERE, 'rig-checks');
const claims = (shape: string) => `node ${join(HERE, '..', 'drivers', 'claims-driver.mjs')} ${shape}`;
const E2E_TIMEOUT_MS = 120_000;

const outRoot = mkdtempSync(join(tmpdir(), 'lpb-gating-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

async function runWith(shape: string, grep?: string): Promise<{ r: ConformanceResult; out: string }> {
  const out = join(outRoot, `${shape}-${grep ? 'grep' : 'all'}`);
  const r = await runConformance({ iut: claims(shape), checksDir: CHECKS, outDir: out, html: false, quiet: true, ...(grep ? { grep } : {}) });
  return { r, out };
}

const statuses = (r: ConformanceResult) => Object.fromEntries(r.tests.map((t) => [t.id, t.status]));

describe('rig requirements end to end', () => {
  it(
    'a check whose rig requirement is unmet is skipped with the reason and no IUT is ever spawned for it',
    async () => {
      const dir = mkdtempSync(join(outRoot, 'rig-'));
      const rigFile = join(dir, 'rig.yaml');
      writeFileSync(join(dir, 'tone.wav'), '');
      writeFileSync(rigFile, `microphone:\n  kind: file\n  path: ${join(dir, 'tone.wav')}\n`);
      const marker = join(dir, 'spawned');
      const iut = `sh -c 'touch ${marker}; exec ${claims('core-only')}'`;
      const r = await runConformance({ iut, rig: rigFile, checksDir: RIG_CHECKS, outDir: join(dir, 'out'), html: false, quiet: true, grep: '^gate/rig/synthetic' });
      expect(statuses(r)).toEqual({ 'gate/rig/synthetic-microphone': 'skipped' });
      expect(r.skips[0]?.reason).toMatch(/^rig: needs the synthetic microphone/);
      expect(existsSync(marker)).toBe(false);
      expect(liveProcessCount()).toBe(0);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'with the rig requirement met, an unclaimed capability is found on the probe, before the check spawns its own IUT',
    async () => {
      const dir = mkdtempSync(join(outRoot, 'probe-'));
      const log = join(dir, 'spawns');
      const iut = `sh -c 'echo x >> ${log}; exec ${claims('core-only')}'`;
      const r = await runConformance({ iut, checksDir: RIG_CHECKS, outDir: join(dir, 'out'), html: false, quiet: true });
      expect(statuses(r)).toEqual({ 'gate/rig/synthetic-microphone': 'skipped', 'gate/rig/snapshot-only': 'skipped' });
      expect(r.skips.map((g) => g.reason)).toEqual(['IUT claims 0.0.1 does not claim methods snapshot']);
      // One probe per worker (one worker: one file), none for the checks themselves.
      const spawns = readFileSync(log, 'utf8').trim().split('\n').length;
      expect(spawns).toBe(1);
    },
    E2E_TIMEOUT_MS,
  );
});

describe('capability gating end to end (claims-driver)', () => {
  it(
    'an IUT that omits core claims: the core check still runs, non-core checks skip, skips grouped by reason',
    async () => {
      const { r, out } = await runWith('no-netstatus-fps');
      expect(statuses(r)).toEqual({ 'gate/core/netstatus-fps': 'passed', 'gate/non-core/mirror': 'skipped', 'gate/non-core/snapshot': 'skipped' });
      expect(r.ran).toBe(1);
      expect(r.notice).toBeUndefined();
      expect(r.skips).toEqual([
        { reason: 'IUT claims 0.0.1 does not claim attributes mirror', count: 1, checks: ['gate/non-core/mirror'] },
        { reason: 'IUT claims 0.0.1 does not claim methods snapshot', count: 1, checks: ['gate/non-core/snapshot'] },
      ]);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
      expect(summary.skips).toEqual(r.skips);
      expect(summary.iut.capabilities?.events).toEqual(['statechange', 'error']);
      const coverage = JSON.parse(readFileSync(join(out, 'coverage.json'), 'utf8')) as Coverage;
      const row = (key: string) => coverage.rows.find((x) => x.key === key)!;
      expect(row('event:netstatus').checks).toEqual([{ id: 'gate/core/netstatus-fps', status: 'passed' }]);
      expect(row('attribute:mirror=true').checks).toEqual([]);
      expect(row('attribute:mirror=true').notJudged).toEqual([{ id: 'gate/non-core/mirror', status: 'skipped', reason: 'IUT claims 0.0.1 does not claim attributes mirror' }]);
      expect(coverage.totals.covered).toBe(2);
      expect(coverage.totals.onlyNotJudged).toBe(3);
      const md = readFileSync(join(out, 'coverage.md'), 'utf8');
      expect(md).toContain('## Rows named only by checks that did not judge them in this run');
      expect(md).toContain('| `method:snapshot` | gate/non-core/snapshot (skipped: IUT claims 0.0.1 does not claim methods snapshot) |');
      expect(liveProcessCount()).toBe(0);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'an IUT claiming only the core, run on non-core checks: nothing ran, and the result says so',
    async () => {
      const { r } = await runWith('core-only', '^gate/non-core/');
      expect(r.ran).toBe(0);
      expect(r.totals).toEqual({ passed: 0, failed: 0, broken: 0, skipped: 2 });
      expect(r.notice).toBe('no check ran: all 2 checks were skipped');
      expect(r.skips.map((g) => g.count)).toEqual([1, 1]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'look-alike claims ("Mirror", " remote-mirror ") claim nothing: the mirror check skips',
    async () => {
      const { r } = await runWith('look-alikes', '^gate/non-core/mirror$');
      expect(statuses(r)).toEqual({ 'gate/non-core/mirror': 'skipped' });
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'a malformed hello breaks every check, naming what is malformed; nothing is skipped',
    async () => {
      const { r } = await runWith('list-not-array');
      expect(r.totals).toEqual({ passed: 0, failed: 0, broken: 3, skipped: 0 });
      for (const t of r.tests) expect(t.message).toContain('malformed hello (protocol violation): capabilities.methods is not an array');
    },
    E2E_TIMEOUT_MS,
  );
});
