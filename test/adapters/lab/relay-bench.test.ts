// The relay as checks use it (adapters/lab/relay-bench.ts): with `port: simulated` and a synthetic
// front camera the check gets its own simulated relay on a socat pair whose camera-front channel
// powers a camera fed through a named pipe (adapters/lab/fed-camera.ts); the IUT's rig names the
// pipe; a relay the lab serves (a pty path) in front of a synthetic camera, which has no power to
// cut, gets the check its own relay too; a channel not wired is refused by the relay itself; a rig the relay cannot serve is
// refused with the reason; close() leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { relayBench, RelayUnusableError } from '../../../adapters/lab/relay-bench.ts';
import { startFedCamera } from '../../../adapters/lab/fed-camera.ts';
import { validateRig } from '../../../rig/load.ts';
import { findExecutable } from '../../../bench/doctor/find-executable.ts';
import { runCommand } from '../../../adapters/process/run-to-completion.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';

describe('relayBench', () => {
  it('refuses a rig without a relay, and a simulated relay in front of a camera it cannot cut', async () => {
    await expect(relayBench(validateRig({}, '/x/rig.yaml'))).rejects.toThrow(RelayUnusableError);
    const v4l2 = validateRig({ camera: { front: { kind: 'v4l2', device: '/dev/video0' } }, serial: { relay: { port: 'simulated' } } }, '/x/rig.yaml');
    await expect(relayBench(v4l2)).rejects.toThrow(/a simulated relay cuts the bench's own synthetic camera; the front camera is v4l2/);
  });

  it.skipIf(!findExecutable('socat'))('wires a simulated relay to a fed camera the rig names; POWER switches it', async () => {
    const bench = await relayBench(validateRig({ serial: { relay: { port: 'simulated' } } }, '/x/rig.yaml'));
    const front = bench.rig.camera.front as { kind: string; path: string };
    try {
      expect(front.kind).toBe('file');
      expect(existsSync(front.path)).toBe(true);
      expect(bench.patternOnFront).toBe(true);
      expect(bench.notes.join('\n')).toMatch(/relay at .* answers: lpbench simulated relay/);
      await bench.power('camera-front', false);
      await bench.power('camera-front', true);
      await expect(bench.power('microphone', false)).rejects.toThrow('ERR switch-failed microphone is not wired to this simulated relay');
    } finally {
      await bench.close();
    }
    expect(existsSync(front.path)).toBe(false);
  }, 30_000);

  it.skipIf(!findExecutable('socat'))('a relay the lab serves in front of a synthetic front camera: the check wires its own, and says why', async () => {
    // the virtual-mic rig: the lab's simulated relay cuts the virtual microphone, its port a pty path
    const rig = validateRig({ serial: { relay: { port: '/tmp/lpb-lab-relay-that-is-not-used' } } }, '/x/rig.yaml');
    const bench = await relayBench(rig);
    const front = bench.rig.camera.front as { kind: string; path: string };
    try {
      expect(front.kind).toBe('file');
      expect(bench.notes.join('\n')).toMatch(/the rig's relay at \/tmp\/lpb-lab-relay-that-is-not-used cannot cut the synthetic front camera \(it has no power\): this check wires its own/);
      await bench.power('camera-front', false);
      await bench.power('camera-front', true);
    } finally {
      await bench.close();
    }
    expect(existsSync(front.path)).toBe(false);
  }, 30_000);
});

describe('startFedCamera', () => {
  it('gives frames while powered and an end of input when the power is cut', async () => {
    const camera = await startFedCamera('front');
    try {
      await camera.power(true);
      // a reader gets the pattern; while it reads, the power goes: its input ends (it exits by itself)
      const reading = runCommand(ffmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'info', '-i', camera.path, '-f', 'null', '-'], 15_000);
      await new Promise((r) => setTimeout(r, 1_500));
      await camera.power(false);
      const r = await reading;
      expect(r.stderr).toMatch(/Video: h264.*720x1280/);
      const frames = [...r.stderr.matchAll(/frame=\s*(\d+)/g)].map((m) => Number(m[1]));
      expect(r.code).toBe(0); // the input ended: the reader finished on its own
      expect(frames[frames.length - 1]).toBeGreaterThan(5);
      expect(camera.powered).toBe(false);
    } finally {
      await camera.close();
    }
    expect(existsSync(camera.path)).toBe(false);
  }, 30_000);
});
