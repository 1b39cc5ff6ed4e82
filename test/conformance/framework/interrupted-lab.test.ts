// A lab run interrupted (SIGTERM, as a CI timeout or Ctrl-C sends it) undoes its lab before it
// exits (conformance/lab-run.ts, adapters/process/interrupt.ts): the PulseAudio null sink is
// unloaded and the lease released, so the next run on the rig is not refused with "PulseAudio
// already has a sink named …". Needs PulseAudio and parec (pulseaudio-utils, installed by
// .ci/run); skipped with the reason without them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACTL } from '../../../adapters/microphone/pulse-virtual.ts';
import { runCommand } from '../../../adapters/process/run-to-completion.ts';
import { findExecutable } from '../../../bench/doctor/find-executable.ts';
import { REPO_ROOT } from '../../../conformance/env.ts';

const hasPulse = Boolean(findExecutable(PACTL) && findExecutable('pulseaudio')) && findExecutable('parec');
/** From the start to the lab's first note, and from SIGTERM to the exit (ms). */
const LAB_UP_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 20_000;

async function sinks(): Promise<string[]> {
  const r = await runCommand(PACTL, ['list', 'short', 'sinks']);
  return r.stdout.split('\n').map((l) => l.split('\t')[1] ?? '').filter(Boolean);
}

describe.skipIf(!hasPulse)('an interrupted lab run (needs PulseAudio: apt-get install pulseaudio pulseaudio-utils)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lpb-interrupted-lab-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGTERM during the run unloads the virtual microphone and releases its lease, exit 143', async () => {
    const sink = `lpb_interrupt_${process.pid}`;
    const rig = join(dir, 'rig.yaml');
    writeFileSync(rig, `camera:\n  front: {kind: synthetic}\n  back: {kind: synthetic}\nmicrophone: {kind: pulse-virtual, sink: ${sink}}\nserver: {kind: embedded}\n`);
    const leases = join(dir, 'leases');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/lpbench.js'), 'conformance', '--rig', rig, '--no-html', '--out', join(dir, 'out'), '--grep', '^attributes/url/rtmp$'], {
      env: { ...process.env, LPB_LEASE_DIR: leases },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      // The lab is up (sink loaded, lease taken) once it logs its notes.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no lab note within ${LAB_UP_TIMEOUT_MS} ms; stderr: ${stderr}`)), LAB_UP_TIMEOUT_MS);
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('lab: virtual microphone')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(await sinks()).toContain(sink);
      expect(readdirSync(leases).length).toBeGreaterThan(0);
      child.kill('SIGTERM');
      const exit = await Promise.race([ended, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit after SIGTERM')), EXIT_TIMEOUT_MS))]);
      expect(exit, stderr).toEqual({ code: 143, signal: null });
      expect(stderr).toContain('SIGTERM: cleaning up');
      expect(await sinks()).not.toContain(sink);
      expect(readdirSync(leases)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      // Whatever the verdict, no sink of this test outlives it.
      const r = await runCommand(PACTL, ['list', 'short', 'modules']);
      for (const line of r.stdout.split('\n').filter((l) => l.includes(`sink_name=${sink}`))) await runCommand(PACTL, ['unload-module', line.split('\t')[0]!]);
    }
  });
});
