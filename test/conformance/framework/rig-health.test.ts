// Rig health (conformance/rig-health.ts, conformance/lab-run.ts): the golden push passes on the
// synthetic rig, and a rig whose camera delivers black, or that cannot push at all, is a broken
// rig whose detail says why; on a broken rig runOnLab never calls the run's body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRigHealth } from '../../../conformance/rig-health.ts';
import { runOnLab, ENV_RIG_HEALTH } from '../../../conformance/lab-run.ts';
import { validateRig } from '../../../rig/load.ts';
import { runCommand } from '../../../adapters/process/run-to-completion.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { LEASE_DIR_ENV } from '../../../adapters/lab/lease.ts';

const PUSH_TIMEOUT_MS = 60_000;
let dir: string;
let blackClip: string;
const saved = { health: process.env[ENV_RIG_HEALTH], leases: process.env[LEASE_DIR_ENV] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lpb-health-'));
  blackClip = join(dir, 'black.mp4');
  const r = await runCommand(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=640x360:r=30:d=4', '-f', 'lavfi', '-i', 'sine=f=1000:d=4', '-c:v', 'libx264', '-c:a', 'aac', '-shortest', '-y', blackClip], 30_000);
  expect(r.code).toBe(0);
  process.env[LEASE_DIR_ENV] = join(dir, 'leases');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of [[ENV_RIG_HEALTH, saved.health], [LEASE_DIR_ENV, saved.leases]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('rig health', () => {
  it('the synthetic rig passes its golden push (pattern and tone recognised)', async () => {
    const health = await checkRigHealth(validateRig({}, '/x/rig.yaml'), []);
    expect(health.detail).toMatch(/^golden push healthy: \d+ frames and \d+ ms of sound/);
    expect(health.ok).toBe(true);
  }, PUSH_TIMEOUT_MS);

  it('a camera that delivers only black is a broken rig', async () => {
    const health = await checkRigHealth(validateRig({ camera: { front: { kind: 'file', path: blackClip } } }, '/x/rig.yaml'), []);
    expect(health.ok).toBe(false);
    expect(health.detail).toContain('every frame is black: the camera is covered, off or unlit');
  }, PUSH_TIMEOUT_MS);

  it('a camera that is not there: the rig cannot push, and runOnLab runs no check', async () => {
    process.env[ENV_RIG_HEALTH] = 'always';
    const rig = validateRig({ camera: { front: { kind: 'v4l2', device: '/dev/video-lpb-missing' } } }, '/x/rig.yaml');
    let ran = false;
    const errors: string[] = [];
    const health = await runOnLab(rig, 'health test', () => undefined, errors, async () => {
      ran = true;
    });
    expect(ran).toBe(false);
    expect(health?.ok).toBe(false);
    expect(health?.detail).toMatch(/the reference pusher could not push on this rig: .*\/dev\/video-lpb-missing/);
  }, PUSH_TIMEOUT_MS);
});
