// The PulseAudio virtual microphone (adapters/microphone/pulse-virtual.ts): the null sink's
// monitor, recorded with parec (not ffmpeg: the npm ffmpeg has no pulse input), carries the
// synthetic tone at its frequency, level and gating, and close() leaves no sink, feeder or
// daemon behind; the reference pusher's own pulse input args, run by Debian's ffmpeg (.ci/run
// installs it), capture the same tone. Skipped with the reason where PulseAudio is not installed.
import { describe, expect, it } from 'vitest';
import {
  createVirtualMic,
  devicesListPulseInput,
  ffmpegPulseSupport,
  PACTL,
  VIRTUAL_MIC_RATE,
} from '../../../adapters/microphone/pulse-virtual.ts';
import { SupervisedProcess } from '../../../adapters/process/supervised.ts';
import { runCommand, runToCompletion } from '../../../adapters/process/run-to-completion.ts';
import { pulseMicrophone } from '../../../adapters/microphone/devices.ts';
import { alignTone, toneFrequency } from '../../../conformance/oracles/audio.ts';
import { DEFAULT_TONE } from '../../../adapters/microphone/synthetic.ts';
import { findExecutable } from '../../../bench/doctor/find-executable.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';

const RECORD_MS = 3_000;
const FIRST_BYTES_TIMEOUT_MS = 10_000;
/** The pulse capture runs this long; at least MIN_JUDGED_S of it after the first sound is judged. */
const CAPTURE_S = 6;
const MIN_JUDGED_S = 2.5;
/** A sample above this (about -80 dBFS) is sound, not the capture's opening silence. */
const CAPTURE_ONSET_LEVEL = 1e-4;
/** The tone's RMS in its on-windows: peak −3.01 dB, ±0.5 dB (s16 → float, no resampling: 48 kHz end to end). */
const ON_RMS_DBFS = DEFAULT_TONE.levelDbfs - 3.01;
const LEVEL_TOLERANCE_DB = 0.5;
const FREQUENCY_TOLERANCE_HZ = 5;
/** The gaps are digital silence; anything above this is leakage. */
const GAP_MAX_DBFS = -60;
const S16_FULL_SCALE = 32768;
const hasPulse = Boolean(findExecutable(PACTL) && findExecutable('pulseaudio') && findExecutable('parec'));
/** An ffmpeg with PulseAudio input (Debian's, in .ci/run's packages); the npm one has none. */
const DEBIAN_FFMPEG = '/usr/bin/ffmpeg';
const PULSE_FFMPEG = hasPulse && (await ffmpegPulseSupport(DEBIAN_FFMPEG).catch(() => ({ ok: false }))).ok ? DEBIAN_FFMPEG : undefined;

describe('ffmpeg pulse support', () => {
  it('reads the -devices listing', () => {
    expect(devicesListPulseInput(' D  lavfi           Libavfilter virtual input device\n DE pulse           Pulse audio output\n')).toBe(true);
    expect(devicesListPulseInput(' DE alsa            ALSA audio output\n D  lavfi           Libavfilter\n')).toBe(false);
  });

  it('says which ffmpeg to use and why when the bench\'s has no pulse input', async () => {
    const support = await ffmpegPulseSupport(ffmpegPath());
    if (!support.ok) expect(support.reason).toMatch(/has no pulse input device: the npm ffmpeg .* FFMPEG_PATH=\/usr\/bin\/ffmpeg/);
    const debian = findExecutable('ffmpeg', '/usr/bin');
    if (debian) expect(await ffmpegPulseSupport(debian)).toEqual({ ok: true });
  });
});

describe.skipIf(!hasPulse)('virtual microphone (needs PulseAudio: apt-get install pulseaudio pulseaudio-utils)', () => {
  it('its monitor carries the tone; close() removes the sink', async () => {
    const sink = `lpb_test_vmic_${process.pid}`;
    const mic = await createVirtualMic(sink);
    let recorder: SupervisedProcess | undefined;
    const chunks: Buffer[] = [];
    try {
      expect(mic.source).toBe(`${sink}.monitor`);
      recorder = await SupervisedProcess.start({
        name: 'parec',
        command: 'parec',
        args: [`--device=${mic.source}`, '--raw', '--format=s16le', `--rate=${VIRTUAL_MIC_RATE}`, '--channels=1', '--latency-msec=20'],
        stdin: false,
      });
      // parec takes a moment (up to ~2 s on a loaded 2-core machine) before its first bytes; record RECORD_MS from then.
      const first = new Promise<void>((resolve) => recorder!.stdout.once('data', () => resolve()));
      recorder.stdout.on('data', (c: Buffer) => chunks.push(c));
      await Promise.race([first, new Promise((r) => setTimeout(r, FIRST_BYTES_TIMEOUT_MS))]);
      expect(chunks.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, RECORD_MS));
      expect(mic.failure()).toBeUndefined();
    } finally {
      await recorder?.close();
      await mic.close();
    }
    const pcm = Buffer.concat(chunks);
    const samples = new Float32Array(Math.floor(pcm.length / 2));
    for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(i * 2) / S16_FULL_SCALE;
    // skip the first 200 ms (the feeder's start)
    const steady = samples.subarray(Math.round(VIRTUAL_MIC_RATE * 0.2));
    const aligned = alignTone(steady, VIRTUAL_MIC_RATE)!;
    expect(aligned.periods).toBeGreaterThan(2);
    expect(Math.abs(aligned.onRmsDbfs - ON_RMS_DBFS)).toBeLessThan(LEVEL_TOLERANCE_DB);
    expect(aligned.gapRmsDbfs).toBeLessThan(GAP_MAX_DBFS);
    expect(Math.abs(toneFrequency(steady, VIRTUAL_MIC_RATE)! - DEFAULT_TONE.frequencyHz)).toBeLessThan(FREQUENCY_TOLERANCE_HZ);
    const sinks = await runCommand(PACTL, ['list', 'short', 'sinks']);
    expect(sinks.stdout).not.toContain(sink);
  }, 30_000);

  it.skipIf(!PULSE_FFMPEG)('the pusher\'s own pulse input (Debian ffmpeg) captures the tone from the monitor', async () => {
    const sink = `lpb_test_cap_${process.pid}`;
    const mic = await createVirtualMic(sink);
    let pcm: Buffer;
    try {
      const input = await pulseMicrophone(mic.source).inputArgs({ sampleRate: VIRTUAL_MIC_RATE });
      ({ stdout: pcm } = await runToCompletion({
        name: 'ffmpeg pulse capture',
        command: PULSE_FFMPEG!,
        args: ['-hide_banner', '-loglevel', 'error', ...input, '-t', String(CAPTURE_S), '-f', 'f32le', '-ac', '1', '-ar', String(VIRTUAL_MIC_RATE), 'pipe:1'],
        timeoutMs: 30_000,
      }));
    } finally {
      await mic.close();
    }
    const all = new Float32Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + Math.floor(pcm.length / 4) * 4));
    // The capture may open with silence before PulseAudio delivers (longer on a loaded machine): judge from the first sound.
    const first = all.findIndex((x) => Math.abs(x) > CAPTURE_ONSET_LEVEL);
    const samples = all.subarray(Math.max(0, first));
    expect(samples.length / VIRTUAL_MIC_RATE).toBeGreaterThan(MIN_JUDGED_S);
    const aligned = alignTone(samples, VIRTUAL_MIC_RATE)!;
    expect(aligned.periods).toBeGreaterThan(2);
    expect(Math.abs(aligned.onRmsDbfs - ON_RMS_DBFS)).toBeLessThan(LEVEL_TOLERANCE_DB);
    expect(Math.abs(toneFrequency(samples, VIRTUAL_MIC_RATE)! - DEFAULT_TONE.frequencyHz)).toBeLessThan(FREQUENCY_TOLERANCE_HZ);
  }, 40_000);

  it('refuses a sink name already taken, naming it', async () => {
    const sink = `lpb_test_dup_${process.pid}`;
    const a = await createVirtualMic(sink);
    try {
      await expect(createVirtualMic(sink)).rejects.toThrow(`PulseAudio already has a sink named ${sink}`);
    } finally {
      await a.close();
    }
  }, 30_000);
});
