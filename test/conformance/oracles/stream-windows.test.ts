// Window measures of conformance/tests/support/windows.ts on synthetic observations of known
// timing: a tone that stops for a known stretch, video packets with a known hole, frames whose
// live edge is known.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../conformance/oracles/observe.ts';
import type { RgbFrame } from '../../../conformance/oracles/frame.ts';
import type { Packet } from '../../../conformance/oracles/packets.ts';
import { AUDIO_SLICE_MS, audioDbfsBetween, largestVideoGapMs, liveOffset, medianAudioDbfs } from '../../../conformance/tests/support/windows.ts';

const RATE = 8000;
const TONE_HZ = 1000;
const AMPLITUDE = 0.25;
/** Wall time of stream time 0 (the live edge offset every frame below shares). */
const WALL0 = 1_000_000;
const FRAME_MS = 100;
const SECONDS = 6;
/** The tone is off over this stretch of stream time. */
const QUIET = { from: 2000, to: 4000 };
/** No video packet over this stretch of stream time. */
const HOLE = { from: 3000, to: 4500 };

function frame(ptsMs: number, lateMs = 0): RgbFrame {
  return { width: 1, height: 1, data: new Uint8Array(3), ptsMs, receivedAt: WALL0 + ptsMs + lateMs };
}

function observation(): Observation {
  const samples = new Float32Array(RATE * SECONDS);
  for (let i = 0; i < samples.length; i++) {
    const ms = (i / RATE) * 1000;
    samples[i] = ms >= QUIET.from && ms < QUIET.to ? 0 : AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * i) / RATE);
  }
  const packets: Packet[] = [];
  for (let t = 0; t < SECONDS * 1000; t += FRAME_MS) {
    if (!(t >= HOLE.from && t < HOLE.to)) packets.push({ stream: 'video', ptsMs: t, dtsMs: t, size: 1000, keyframe: t === 0 });
    packets.push({ stream: 'audio', ptsMs: t, dtsMs: t, size: 100, keyframe: true });
  }
  // Frames: one exactly at the live edge, the others decoded late (the edge is the smallest lag).
  const frames = [frame(0, 300), frame(1000, 0), frame(2000, 150), frame(5000, 80)];
  return {
    url: 'rtmp://test/live/x', streams: [], packets, frames, audio: { sampleRate: RATE, samples },
    firstPacketAtMs: 0, startedAtEpochMs: WALL0, observedMs: SECONDS * 1000, endedEarly: false, probeOutput: '{}', stderr: '',
  };
}

describe('stream windows', () => {
  const o = observation();

  it('puts stream time on the wall clock at the live edge (the smallest decode lag)', () => {
    expect(liveOffset(o.frames)).toBe(WALL0);
    expect(liveOffset([])).toBeNull();
  });

  it('reads the tone level inside and silence outside, by wall time', () => {
    expect(audioDbfsBetween(o, WALL0 + 500, WALL0 + 1500)).toBeCloseTo(20 * Math.log10(AMPLITUDE / Math.SQRT2), 1);
    expect(audioDbfsBetween(o, WALL0 + QUIET.from, WALL0 + QUIET.to)).toBeLessThan(-100);
    expect(audioDbfsBetween(o, WALL0, WALL0 + AUDIO_SLICE_MS - 100)).toBeNull();
  });

  it('the median of slices ignores one loud slice at the edge of a quiet window', () => {
    expect(medianAudioDbfs(o, WALL0 + QUIET.from - AUDIO_SLICE_MS, WALL0 + QUIET.to)).toBeLessThan(-100);
    expect(medianAudioDbfs(o, WALL0 + 4000, WALL0 + 6000)).toBeGreaterThan(-20);
    expect(medianAudioDbfs(o, WALL0 + 100, WALL0 + 200)).toBeNull();
  });

  it('finds the hole in the video packets, counting from the last packet before the window', () => {
    const inside = largestVideoGapMs(o, WALL0 + 2500, WALL0 + 5000);
    expect(inside.gapMs).toBe(HOLE.to - HOLE.from + FRAME_MS);
    const steady = largestVideoGapMs(o, WALL0 + 500, WALL0 + 2500);
    expect(steady.gapMs).toBe(FRAME_MS);
    expect(steady.packets).toBe(20);
    const none = largestVideoGapMs(o, WALL0 + 3100, WALL0 + 4400);
    expect(none).toEqual({ gapMs: 4400 - 2900, packets: 0 });
  });
});
