// Rig health (issue 11 "Rig health and sharing"): before a suite runs on a lab rig, one golden
// push — the reference pusher (reference-pusher/live-pusher.ts) through the rig's own camera,
// microphone and server — must reach the server with a picture and sound, read back by the same
// independent observer the checks use (conformance/oracles/observe.ts). Where the rig feeds a
// known source (the synthetic pattern or a v4l2loopback fed with it; the synthetic tone or the
// PulseAudio virtual microphone playing it, or the rig's speaker playing it to a physical
// microphone) the golden push must also carry that pattern and tone. If it does not, the rig is broken: the run is reported as a broken rig and no check is
// run, so nothing is blamed on the IUT.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSpeaker } from '../adapters/microphone/speaker.ts';
import { DEFAULT_TONE } from '../adapters/microphone/synthetic.ts';
import { LivePusher } from '../reference-pusher/live-pusher.ts';
import type { Rig } from '../rig/types.ts';
import { patternKnown, toneKnown, toneThroughAir } from '../rig/known-sources.ts';
import { toneFrequency } from './oracles/audio.ts';
import { observeStream } from './oracles/observe.ts';
import { identifyPattern, isBlack } from './oracles/video.ts';
import { startConformanceServer } from './server.ts';

/** How long the golden push is watched once its first bytes arrive. */
export const GOLDEN_OBSERVE_MS = 3_000;
const GOLDEN_START_TIMEOUT_MS = 20_000;
const GOLDEN_FRAME_EVERY_MS = 500;
/** At least this many sampled frames (of ~6 in GOLDEN_OBSERVE_MS) must arrive. */
const MIN_FRAMES = 3;
/** At least this much decoded sound must arrive. */
const MIN_AUDIO_MS = 1_000;
/** The tone must be heard within this fraction of its frequency. */
const TONE_FREQUENCY_TOLERANCE = 0.02;
const MS_PER_S = 1000;

export interface RigHealth {
  ok: boolean;
  checkedAt: string;
  durationMs: number;
  /** What the golden push showed, or why the rig is broken. */
  detail: string;
  /** What the lab setup did (leases, feeds, virtual devices, serial gear). */
  lab: string[];
}

/** One push on the rig, judged at the server; resolves with the problems found ([] = healthy). */
export async function goldenPush(rig: Rig): Promise<{ problems: string[]; seen: string }> {
  const workDir = mkdtempSync(join(tmpdir(), 'lpb-golden-'));
  const server = await startConformanceServer(rig.server);
  const stream = `lpb-golden-${process.pid}-${Date.now()}`;
  const url = server.rtmpUrl(stream);
  const pusher = new LivePusher({ rig, workDir: join(workDir, 'pusher') });
  const codes: number[] = [];
  pusher.on('statechange', (d: { code: number }) => codes.push(d.code));
  const problems: string[] = [];
  let seen = '';
  try {
    try {
      await pusher.create({ url });
      await pusher.start();
      if (server.kind === 'embedded') await server.waitForPublish(stream, GOLDEN_START_TIMEOUT_MS);
    } catch (err) {
      problems.push(`the reference pusher could not push on this rig: ${(err as Error).message} (status codes ${codes.join(', ') || 'none'})`);
      return { problems, seen };
    }
    const obs = await observeStream(url, { durationMs: GOLDEN_OBSERVE_MS, startTimeoutMs: GOLDEN_START_TIMEOUT_MS, frames: { everyMs: GOLDEN_FRAME_EVERY_MS }, workDir });
    const audioMs = obs.audio ? (obs.audio.samples.length / obs.audio.sampleRate) * MS_PER_S : 0;
    seen = `${obs.frames.length} frames and ${Math.round(audioMs)} ms of sound in ${Math.round(obs.observedMs)} ms`;
    if (obs.frames.length < MIN_FRAMES) problems.push(`only ${obs.frames.length} frames reached the server (at least ${MIN_FRAMES} expected): the camera delivers no picture`);
    else if (obs.frames.every((f) => isBlack(f))) problems.push('every frame is black: the camera is covered, off or unlit');
    else if (patternKnown(rig, 'front')) {
      const front = obs.frames.filter((f) => identifyPattern(f).camera === 'front').length;
      if (front * 2 <= obs.frames.length) problems.push(`the front pattern was recognised in ${front} of ${obs.frames.length} frames: the ${rig.camera.front.kind} camera does not carry it`);
    }
    if (audioMs < MIN_AUDIO_MS) problems.push(`only ${Math.round(audioMs)} ms of sound reached the server (at least ${MIN_AUDIO_MS} ms expected): the microphone delivers nothing`);
    else if (toneKnown(rig) || toneThroughAir(rig)) {
      const hz = toneFrequency(obs.audio!.samples, obs.audio!.sampleRate);
      if (hz === null || Math.abs(hz - DEFAULT_TONE.frequencyHz) > DEFAULT_TONE.frequencyHz * TONE_FREQUENCY_TOLERANCE) {
        const why = toneThroughAir(rig) ? `the ${rig.microphone.kind} microphone does not hear the speaker (${describeSpeaker(rig.speaker!)}): too far, muted, or another device` : `the ${rig.microphone.kind} microphone does not carry it`;
        problems.push(`the ${DEFAULT_TONE.frequencyHz} Hz tone was not heard (${hz === null ? 'silence' : `${hz.toFixed(1)} Hz`}): ${why}`);
      }
    }
    return { problems, seen };
  } finally {
    await pusher.stop().catch(() => undefined);
    await pusher.dispose().catch(() => undefined);
    await server.close().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The rig's health from a golden push (never throws: a failure to judge is a broken rig too). */
export async function checkRigHealth(rig: Rig, lab: string[]): Promise<RigHealth> {
  const started = Date.now();
  let problems: string[];
  let seen = '';
  try {
    ({ problems, seen } = await goldenPush(rig));
  } catch (err) {
    problems = [`the golden push could not be judged: ${(err as Error).message}`];
  }
  return {
    ok: problems.length === 0,
    checkedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    detail: problems.length === 0 ? `golden push healthy: ${seen}` : `${problems.join('; ')}${seen ? ` (seen: ${seen})` : ''}`,
    lab,
  };
}
