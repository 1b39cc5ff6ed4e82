// Lab setup (adapters/lab/prepare.ts): simulated serial gear comes up on socat pairs, answers
// HELLO, and its pty path replaces `simulated` in the rig the drivers see (a simulated relay with
// nothing of the lab to cut is left to the checks); a rig whose
// microphone the pusher's ffmpeg cannot capture is refused naming the ffmpeg to use; a leased
// resource is refused naming the holder; close() leaves nothing behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsLab, prepareLab } from '../../../adapters/lab/prepare.ts';
import { acquireLeases, LEASE_DIR_ENV } from '../../../adapters/lab/lease.ts';
import { validateRig } from '../../../rig/load.ts';
import { findExecutable } from '../../../bench/doctor/find-executable.ts';
import { hardwareBinding, SerialGear } from '../../../adapters/serial/serial-gear.ts';
import { PACTL } from '../../../adapters/microphone/pulse-virtual.ts';
import { runCommand } from '../../../adapters/process/run-to-completion.ts';

/** PulseAudio and its recorder, parec (.ci/run installs them). */
const HAS_PULSE = Boolean(findExecutable(PACTL) && findExecutable('parec'));

let leaseDir: string;
const saved = { leases: process.env[LEASE_DIR_ENV], ffmpeg: process.env.FFMPEG_PATH };
beforeEach(() => {
  leaseDir = mkdtempSync(join(tmpdir(), 'lpb-prepare-'));
  process.env[LEASE_DIR_ENV] = leaseDir;
});
afterEach(() => {
  rmSync(leaseDir, { recursive: true, force: true });
  for (const [k, v] of [[LEASE_DIR_ENV, saved.leases], ['FFMPEG_PATH', saved.ffmpeg]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('prepareLab', () => {
  it('the default rig needs no lab', () => {
    expect(needsLab(validateRig({}, '/x/rig.yaml'))).toBe(false);
  });

  it('a simulated relay with nothing of the lab to cut is left to the checks: no lab for it', () => {
    const rig = validateRig({ serial: { relay: { port: 'simulated' } } }, '/x/rig.yaml');
    expect(needsLab(rig)).toBe(false);
    expect(needsLab(validateRig({ microphone: { kind: 'pulse-virtual' }, serial: { relay: { port: 'simulated' } } }, '/x/rig.yaml'))).toBe(true);
  });

  it.skipIf(!findExecutable('socat'))('starts simulated serial gear and hands its pty to the rig; close() undoes it', async () => {
    const rig = validateRig({ serial: { relay: { port: 'simulated' }, marker: { port: 'simulated' } } }, '/x/rig.yaml');
    expect(needsLab(rig)).toBe(true);
    const lab = await prepareLab(rig, 'prepare test');
    let markerPort = '';
    try {
      markerPort = lab.rig.serial!.marker!.port;
      expect(markerPort).toMatch(/^\/.*\/bench$/);
      // this rig feeds nothing a relay could cut: the relay stays `simulated`, for the checks
      expect(lab.rig.serial!.relay!.port).toBe('simulated');
      expect(lab.notes.join('\n')).toMatch(/simulated relay: nothing in this lab for it to cut[\s\S]*simulated marker on a socat pty pair[\s\S]*serial marker at .* answers: lpbench simulated marker/);
      expect(readdirSync(leaseDir)).toEqual([]); // simulated gear is per run: nothing to lease
      // the port is free for checks to use during the run
      const g = await SerialGear.open(markerPort, await hardwareBinding());
      try {
        expect((await g.mark(7)).n).toBe(7);
        await expect(g.power('microphone', false)).rejects.toThrow('ERR not-supported a marker has no relay');
      } finally {
        await g.close();
      }
    } finally {
      await lab.close();
    }
    expect(existsSync(markerPort)).toBe(false);
    expect(readdirSync(leaseDir)).toEqual([]);
  }, 30_000);

  it.skipIf(!HAS_PULSE || !findExecutable('socat'))('the simulated relay really cuts the virtual microphone and restores it', async () => {
    const sink = `lpb_prep_relay_${process.pid}`;
    const rig = validateRig({ microphone: { kind: 'pulse-virtual', sink }, serial: { relay: { port: 'simulated' } } }, '/x/rig.yaml');
    const lab = await prepareLab(rig, 'prepare test');
    const sinks = async (): Promise<string> => (await runCommand(PACTL, ['list', 'short', 'sinks'])).stdout;
    try {
      const relay = await SerialGear.open(lab.rig.serial!.relay!.port, await hardwareBinding());
      try {
        expect(await sinks()).toContain(sink);
        await relay.power('microphone', false);
        expect(await sinks()).not.toContain(sink);
        await relay.power('microphone', true);
        expect(await sinks()).toContain(sink);
        await expect(relay.power('camera-front', false)).rejects.toThrow('device says ERR switch-failed camera-front is not a device this lab can cut');
      } finally {
        await relay.close();
      }
      expect(lab.failure()).toBeUndefined();
    } finally {
      await lab.close();
    }
    expect(await sinks()).not.toContain(sink);
  }, 40_000);

  it('refuses a virtual microphone the pusher cannot capture (no parec), naming the package', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent'; // no parec (nor pactl) on this PATH
    try {
      const rig = validateRig({ microphone: { kind: 'pulse-virtual', sink: `lpb_prep_${process.pid}` } }, '/x/rig.yaml');
      await expect(prepareLab(rig, 'prepare test')).rejects.toThrow(/rig microphone pulse-virtual: the pusher cannot capture it: parec is not installed: .*apt-get install pulseaudio-utils/);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(readdirSync(leaseDir)).toEqual([]);
  });

  it('refuses a rig whose device another run holds', async () => {
    const other = acquireLeases(['alsa:hw:7,0'], { dir: leaseDir, purpose: 'the other run' });
    try {
      const rig = validateRig({ microphone: { kind: 'alsa', device: 'hw:7,0' } }, '/x/rig.yaml');
      await expect(prepareLab(rig, 'prepare test')).rejects.toThrow(/alsa:hw:7,0 is leased by .*\(the other run\)/);
    } finally {
      other.close();
    }
  });
});
