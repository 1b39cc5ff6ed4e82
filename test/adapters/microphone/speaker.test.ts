// The tone through the air (adapters/microphone/speaker.ts): the rig file's `speaker`, the lab
// playing the tone on it, and the golden push requiring the physical microphone to hear it.
// Here the "room" is a PulseAudio null sink: the speaker plays into it and the microphone (kind
// pulse, as a lab's USB microphone would be named) records its monitor. Needs PulseAudio and
// parec (pulseaudio-utils), both installed by .ci/run; skipped with the reason without them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePulseServer, PACTL, type PulseServer } from '../../../adapters/microphone/pulse-virtual.ts';
import { devicesListAlsaOutput, playToneOn, SpeakerError } from '../../../adapters/microphone/speaker.ts';
import { prepareLab } from '../../../adapters/lab/prepare.ts';
import { runCommand } from '../../../adapters/process/run-to-completion.ts';
import { findExecutable } from '../../../bench/doctor/find-executable.ts';
import { checkRigHealth } from '../../../conformance/rig-health.ts';
import { validateRig } from '../../../rig/load.ts';
import { toneKnown, toneThroughAir } from '../../../rig/known-sources.ts';
import type { Rig } from '../../../rig/types.ts';

const FILE = '/labs/speaker.yaml';
const hasPulse = Boolean(findExecutable(PACTL) && findExecutable('pulseaudio') && findExecutable('pacat')) && findExecutable('parec');
const GOLDEN_TIMEOUT_MS = 60_000;

const base = { camera: { front: { kind: 'synthetic' }, back: { kind: 'synthetic' } } };

describe('the rig file\'s speaker', () => {
  it('is read with its kind and sink or device', () => {
    const rig = validateRig({ ...base, microphone: { kind: 'alsa', device: 'hw:1,0' }, speaker: { kind: 'alsa', device: 'plughw:CARD=Speaker' } }, FILE);
    expect(rig.speaker).toEqual({ kind: 'alsa', device: 'plughw:CARD=Speaker' });
    expect(validateRig({ ...base, speaker: { kind: 'pulse', sink: 'alsa_output.usb-1' } }, FILE).speaker).toEqual({ kind: 'pulse', sink: 'alsa_output.usb-1' });
    expect(validateRig(base, FILE).speaker).toBeUndefined();
  });

  it('a bad speaker is refused naming the key, the value and what is legal', () => {
    expect(() => validateRig({ ...base, speaker: { kind: 'bluetooth' } }, FILE)).toThrow(/speaker\.kind.*"bluetooth" is not legal; legal values: pulse, alsa/);
    expect(() => validateRig({ ...base, speaker: { kind: 'pulse', sink: 'my sink' } }, FILE)).toThrow(/speaker\.sink.*"my sink".*PulseAudio sink name/);
    expect(() => validateRig({ ...base, speaker: { kind: 'pulse', sink: 'a', device: 'hw:0' } }, FILE)).toThrow(/speaker.*device/);
    expect(() => validateRig({ ...base, speaker: { kind: 'alsa' } }, FILE)).toThrow(/speaker\.device/);
  });

  it('a physical microphone with a speaker hears the tone through the air; a digital tone needs none', () => {
    const withSpeaker = validateRig({ ...base, microphone: { kind: 'pulse', source: 'usb_mic' }, speaker: { kind: 'pulse', sink: 'usb_speaker' } }, FILE);
    expect([toneThroughAir(withSpeaker), toneKnown(withSpeaker)]).toEqual([true, false]);
    expect(toneThroughAir(validateRig({ ...base, microphone: { kind: 'pulse', source: 'usb_mic' } }, FILE))).toBe(false);
    expect(toneThroughAir(validateRig({ ...base, speaker: { kind: 'pulse', sink: 's' } }, FILE))).toBe(false);
  });

  it('reads ffmpeg\'s -devices listing for the ALSA output', () => {
    expect(devicesListAlsaOutput(' DE alsa            ALSA audio output\n D  lavfi           Libavfilter virtual input device\n')).toBe(true);
    expect(devicesListAlsaOutput(' D  alsa            ALSA audio input\n')).toBe(false);
    expect(devicesListAlsaOutput(' D  lavfi           Libavfilter virtual input device\n')).toBe(false);
  });
});

describe.skipIf(!hasPulse)('the tone on a speaker (needs PulseAudio: apt-get install pulseaudio pulseaudio-utils)', () => {
  const room = `lpb_room_${process.pid}`;
  const elsewhere = `lpb_elsewhere_${process.pid}`;
  const modules: string[] = [];
  // The run's server (test/pulse-global-setup.ts), or one of this file's own when run alone.
  let server: PulseServer | undefined;
  beforeAll(async () => {
    server = await ensurePulseServer();
  });
  afterAll(async () => {
    for (const m of modules) await runCommand(PACTL, ['unload-module', m]);
    await server?.close();
  });
  const nullSink = async (name: string): Promise<void> => {
    const r = await runCommand(PACTL, ['load-module', 'module-null-sink', `sink_name=${name}`, 'rate=48000', 'channels=1']);
    expect(r.code, r.stderr).toBe(0);
    modules.push(r.stdout.trim());
  };
  const rigWith = (speakerSink: string): Rig =>
    validateRig({ ...base, microphone: { kind: 'pulse', source: `${room}.monitor` }, speaker: { kind: 'pulse', sink: speakerSink } }, FILE);

  it('a sink PulseAudio does not have is refused naming it and the sinks it has', async () => {
    const err = await playToneOn({ kind: 'pulse', sink: `lpb_absent_${process.pid}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpeakerError);
    expect((err as Error).message).toMatch(new RegExp(`speaker\\.sink lpb_absent_${process.pid}: PulseAudio has no such sink; its sinks: `));
  });

  it('the lab plays the tone on the speaker; the golden push hears it in the room, not from a speaker elsewhere', { timeout: GOLDEN_TIMEOUT_MS }, async () => {
    await nullSink(room);
    await nullSink(elsewhere);
    for (const [speaker, heard] of [[room, true], [elsewhere, false]] as const) {
      const lab = await prepareLab(rigWith(speaker), 'speaker.test.ts');
      try {
        expect(lab.notes.join('\n')).toContain(`playing the tone on the speaker (PulseAudio sink ${speaker}) for the pulse microphone to hear`);
        const health = await checkRigHealth(lab.rig, lab.notes);
        expect(health.ok, health.detail).toBe(heard);
        if (!heard) expect(health.detail).toMatch(new RegExp(`1000 Hz tone was not heard .*does not hear the speaker \\(PulseAudio sink ${elsewhere}\\)`));
      } finally {
        await lab.close();
      }
      // The player is gone with the lab: no pacat plays into the speaker any more.
      const players = await runCommand('pgrep', ['-f', `pacat.*--device=${speaker}`]);
      expect(players.stdout.trim()).toBe('');
    }
  });
});
