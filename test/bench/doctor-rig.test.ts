// `lpbench doctor --rig` (bench/doctor/rig-checks.ts): what a rig asks for, found or missing with
// the fix, on this machine (no V4L2, no ALSA): every missing item is named with a fix, simulated
// serial gear and synthetic sources are ok, and the command exits 1 / 2 as documented.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rigChecks } from '../../bench/doctor/rig-checks.ts';
import { runChecks } from '../../bench/doctor/checks.ts';
import { validateRig } from '../../rig/load.ts';
import { runCommand } from '../../adapters/process/run-to-completion.ts';
import { rigResources as rigResourcesOf } from '../../adapters/lab/lease.ts';

const CLI = fileURLToPath(new URL('../../bin/lpbench.js', import.meta.url));
const CLI_TIMEOUT_MS = 50_000;

describe('doctor --rig', () => {
  it('names each missing device with its fix; synthetic, embedded and simulated items are ok', async () => {
    const rig = validateRig(
      {
        camera: { front: { kind: 'v4l2', device: '/dev/video-lpb-missing' }, back: { kind: 'file', path: '/nonexistent/clip.mp4' } },
        microphone: { kind: 'synthetic' },
        serial: { relay: { port: 'simulated' }, marker: { port: '/dev/ttyLPBMISSING' } },
        assets: { bgm: '/nonexistent/bgm.mp3' },
      },
      '/x/rig.yaml',
    );
    const reports = await runChecks(rigChecks(rig));
    const by = Object.fromEntries(reports.map((r) => [r.id, r]));
    expect(Object.keys(by)).toEqual(['rig-camera-front', 'rig-camera-back', 'rig-microphone', 'rig-server', 'rig-serial-relay', 'rig-serial-marker', 'rig-asset-bgm', 'rig-leases']);
    expect(by['rig-camera-front']).toMatchObject({ status: 'missing', detail: 'V4L2 camera: /dev/video-lpb-missing does not exist' });
    expect(by['rig-camera-front']!.fix).toContain('v4l2-ctl --list-devices');
    expect(by['rig-camera-back']).toMatchObject({ status: 'missing', detail: 'video file /nonexistent/clip.mp4 does not exist' });
    expect(by['rig-microphone']!.status).toBe('ok');
    expect(by['rig-server']!.status).toBe('ok');
    expect(by['rig-serial-relay']!.detail).toMatch(/simulated relay on a socat pty pair|needs socat/);
    expect(by['rig-serial-marker']).toMatchObject({ status: 'missing', detail: '/dev/ttyLPBMISSING does not exist' });
    expect(by['rig-asset-bgm']!.status).toBe('missing');
    expect(by['rig-leases']).toMatchObject({ status: 'ok', detail: 'free: serial:/dev/ttyLPBMISSING, v4l2:/dev/video-lpb-missing' });
    for (const r of reports.filter((r) => r.status !== 'ok')) expect(r.fix, r.id).toBeTruthy();
  });

  it('a speaker the bench cannot play on is named with the fix: the sinks there are, or ALSA to plug in', async () => {
    const base = { microphone: { kind: 'alsa', device: 'hw:1,0' } };
    const pulse = validateRig({ ...base, speaker: { kind: 'pulse', sink: `lpb_doctor_absent_${process.pid}` } }, '/x/rig.yaml');
    const alsa = validateRig({ ...base, speaker: { kind: 'alsa', device: 'hw:2,0' } }, '/x/rig.yaml');
    for (const rig of [pulse, alsa]) {
      const reports = await runChecks(rigChecks(rig));
      const speaker = reports.find((r) => r.id === 'rig-speaker');
      expect(reports.map((r) => r.id).slice(0, 4)).toEqual(['rig-camera-front', 'rig-camera-back', 'rig-microphone', 'rig-speaker']);
      // This machine has no ALSA; PulseAudio may or may not run, and has no such sink either way.
      expect(speaker?.status, speaker?.detail).toBe('missing');
      expect(speaker?.fix).toMatch(rig === pulse ? /pactl list short sinks|pulseaudio/ : /plug in the USB speaker|snd-aloop|Debian's ffmpeg/);
    }
    expect(rigResourcesOf(pulse)).toContain(`pulse-sink:lpb_doctor_absent_${process.pid}`);
    expect(rigResourcesOf(alsa)).toContain('alsa-out:hw:2,0');
  });

  it('a v4l2loopback that is not loaded says which module to load', async () => {
    const rig = validateRig({ camera: { front: { kind: 'v4l2loopback', device: '/dev/video-lpb-missing' } } }, '/x/rig.yaml');
    const [front] = await runChecks(rigChecks(rig).slice(0, 1));
    expect(front).toMatchObject({ status: 'missing' });
    expect(front!.fix).toContain('modprobe v4l2loopback');
  });

  it('the command exits 1 on a missing device and 2 on an invalid rig file, naming file and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpb-doctor-rig-'));
    try {
      const missing = join(dir, 'missing.yaml');
      writeFileSync(missing, 'camera: {front: {kind: v4l2, device: /dev/video-lpb-missing}}\n');
      const r1 = await runCommand(process.execPath, [CLI, 'doctor', '--rig', missing], CLI_TIMEOUT_MS);
      expect(r1.code).toBe(1);
      expect(r1.stdout).toContain('rig camera.front');
      expect(r1.stdout).toContain('fix: plug the camera in');
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'microphone:\n  kind: jack\n');
      const r2 = await runCommand(process.execPath, [CLI, 'doctor', '--rig', bad], CLI_TIMEOUT_MS);
      expect(r2.code).toBe(2);
      expect(r2.stderr).toContain(`rig ${bad}:2:9: microphone.kind: "jack" is not legal; legal values: synthetic, pulse, pulse-virtual, alsa, file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 2 * CLI_TIMEOUT_MS);
});
