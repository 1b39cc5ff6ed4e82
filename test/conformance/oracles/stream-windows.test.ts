// Window measures of conformance/tests/support/windows.ts on synthetic observations of known
// timing: a tone that stops for a known stretch, video packets with a known hole, frames whose
// live edge is known.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../conformance/oracles/observe.ts';
import type { RgbFrame } from '../../../conformance/oracles/frame.ts';
import type { Packet } from '../../../conformance/oracles/packets.ts';
import { AUDIO_SLICE_MS, audioDbfsBetween, framesArrivedBetween, largestVideoArrivalGapMs, largestVideoGapMs, liveOffset, medianAudioDbfs, medianAudioDbfsArrived } from '../../../conformance/tests/support/windows.ts';

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

describe('stream windows placed by arrival', () => {
  // 6 s of stream whose clock left out a 2 s restart at stream time 3000 (wall 3000..5000): the
  // tone stops at stream time 3000 (the restart brought silence), every packet arrives 20 ms
  // after it was sent; a frame every 250 ms of stream time, sampled on a grid 40 ms off the packets.
  const RESTART_AT = 3000;
  const LOST = 2000;
  const wallOf = (pts: number): number => WALL0 + pts + (pts >= RESTART_AT ? LOST : 0) + 20;
  const samples = new Float32Array(RATE * SECONDS);
  for (let i = 0; i < samples.length; i++) samples[i] = (i / RATE) * 1000 < RESTART_AT ? AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * i) / RATE) : 0;
  const packets: Packet[] = [];
  for (let t = 0; t < SECONDS * 1000; t += FRAME_MS) {
    packets.push({ stream: 'video', ptsMs: t, dtsMs: t, size: 1000, keyframe: t === 0, arrivedAtMs: wallOf(t) });
    // Audio arrives in bursts of three packets, on the third one's arrival.
    packets.push({ stream: 'audio', ptsMs: t, dtsMs: t, size: 100, keyframe: true, arrivedAtMs: wallOf(t - (t % 300) + 200) });
  }
  const frames: RgbFrame[] = [];
  for (let t = 40; t < SECONDS * 1000; t += 250) frames.push({ ...frame(t), ptsMs: t });
  const o: Observation = {
    url: 'rtmp://test/live/x', streams: [], packets, frames, audio: { sampleRate: RATE, samples },
    firstPacketAtMs: 0, startedAtEpochMs: WALL0, observedMs: (SECONDS * 1000) + LOST, endedEarly: false, probeOutput: '{}', stderr: '',
  };

  it('hears the tone before the restart and silence after it, where the live edge would place it 2 s early', () => {
    const tone = 20 * Math.log10(AMPLITUDE / Math.SQRT2);
    expect(medianAudioDbfsArrived(o, WALL0 + 500, WALL0 + 2900)).toBeCloseTo(tone, 1);
    expect(medianAudioDbfsArrived(o, WALL0 + 5300, WALL0 + 8000)).toBeLessThan(-100);
    // At the live edge, wall 3300..5000 is stream time 3300..5000 (after the restart, silent),
    // while by arrival nothing at all came then: the restart.
    expect(medianAudioDbfs(o, WALL0 + 3300, WALL0 + 5000)).toBeLessThan(-100);
    expect(medianAudioDbfsArrived(o, WALL0 + 3300, WALL0 + 5000)).toBeNull();
  });

  it('places a frame sampled on a grid by the packet presented nearest it', () => {
    const late = framesArrivedBetween(o, WALL0 + 5000, WALL0 + 9000).map((f) => f.ptsMs);
    expect(late[0]).toBe(3040);
    expect(Math.max(...framesArrivedBetween(o, WALL0, WALL0 + 5000).map((f) => f.ptsMs))).toBe(2790);
  });

  it('measures the largest gap between packets arriving, the restart included', () => {
    expect(largestVideoArrivalGapMs(o, WALL0 + 2000, WALL0 + 6000).gapMs).toBeCloseTo(LOST + FRAME_MS, 5);
    expect(largestVideoArrivalGapMs(o, WALL0 + 5200, WALL0 + 7000).gapMs).toBeCloseTo(FRAME_MS, 5);
  });
});
