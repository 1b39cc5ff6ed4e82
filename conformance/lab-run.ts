// A conformance run on a lab rig (issue 11 "Rig health and sharing"; docs/architecture.md "A
// conformance run"): before the checks, the lab is set up (adapters/lab/prepare.ts: leases,
// loopback feeds, the virtual microphone, serial gear) and a golden push must pass
// (conformance/rig-health.ts); only then do the checks run, on the rig as set up (written to a
// file the workers read through LPB_RIG). A rig that cannot be set up or fails its golden push is
// a broken rig: no check runs and nothing is blamed on the IUT. The all-synthetic default rig
// needs none of this unless LPB_RIG_HEALTH=always. Interrupted (Ctrl-C, SIGTERM), the run undoes
// its lab before it exits (adapters/process/interrupt.ts), so the sink and leases do not outlive it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsLab, prepareLab, type PreparedLab } from '../adapters/lab/prepare.ts';
import { onInterrupt } from '../adapters/process/interrupt.ts';
import type { Rig } from '../rig/types.ts';
import { checkRigHealth, type RigHealth } from './rig-health.ts';

export const ENV_RIG_HEALTH = 'LPB_RIG_HEALTH';
const HEALTH_MODES = ['auto', 'always', 'never'] as const;
type HealthMode = (typeof HEALTH_MODES)[number];

function healthMode(): HealthMode {
  const v = process.env[ENV_RIG_HEALTH] || 'auto';
  if (!(HEALTH_MODES as readonly string[]).includes(v)) throw new Error(`${ENV_RIG_HEALTH}=${v} is not legal; legal: ${HEALTH_MODES.join(', ')}`);
  return v as HealthMode;
}

/**
 * Runs `body` on the rig as set up (its file path given when the lab changed the rig), after a
 * healthy golden push. Resolves with the health (undefined when none was needed); a broken rig
 * resolves with ok=false and body not called. Lab processes that die during the run are added
 * to `errors`.
 */
export async function runOnLab(rig: Rig, purpose: string, log: (line: string) => void, errors: string[], body: (rigFile: string | undefined) => Promise<void>): Promise<RigHealth | undefined> {
  const mode = healthMode();
  if (mode === 'never' || (mode === 'auto' && !needsLab(rig))) {
    await body(undefined);
    return undefined;
  }
  let lab: PreparedLab;
  const started = Date.now();
  try {
    lab = await prepareLab(rig, purpose);
  } catch (err) {
    return { ok: false, checkedAt: new Date(started).toISOString(), durationMs: Date.now() - started, detail: `the rig could not be set up: ${(err as Error).message}`, lab: [] };
  }
  const dir = mkdtempSync(join(tmpdir(), 'lpb-lab-rig-'));
  const undo = async (): Promise<void> => {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  };
  // Ctrl-C or SIGTERM mid-run: the sink, the leases and the feeders go with the run.
  const unregister = onInterrupt(undo);
  try {
    for (const note of lab.notes) log(`lab: ${note}`);
    log('rig health: golden push');
    const health = await checkRigHealth(lab.rig, lab.notes);
    log(`rig health: ${health.ok ? 'ok' : 'BROKEN'}: ${health.detail}`);
    if (!health.ok) return health;
    const rigFile = join(dir, 'rig.json');
    writeFileSync(rigFile, JSON.stringify(lab.rig, null, 2));
    await body(rigFile);
    const died = lab.failure();
    if (died) errors.push(`the lab rig lost a device during the run (checks after it may be broken): ${died.message}`);
    return health;
  } finally {
    unregister();
    await undo();
  }
}
