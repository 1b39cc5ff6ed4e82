// The timeline helpers the runtime update checks judge with, on synthetic frames and packets
// of known timing: the live-time bound of decoded frames, the arrival bound of a presentation
// time, and rates over a window's packets.
import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../../conformance/oracles/frame.ts';
import type { Packet } from '../../../conformance/oracles/packets.ts';
import { bitrateKbps, packetsPerSecond } from '../../../conformance/oracles/packets.ts';
import { arrivalOfPts, liveTimesFromFuture } from '../../../conformance/tests/support/runtime-steps.ts';

const T0 = 1_000_000;

function frame(ptsMs: number, receivedAt: number): RgbFrame {
  return { width: 2, height: 2, data: new Uint8Array(12), ptsMs, receivedAt };
}

function packet(ptsMs: number, size: number, arrivedAtMs?: number): Packet {
  return { stream: 'video', ptsMs, dtsMs: ptsMs, size, keyframe: false, ...(arrivedAtMs === undefined ? {} : { arrivedAtMs }) };
}

describe('liveTimesFromFuture', () => {
  it('pulls a burst of cached frames back to their live times', () => {
    // Frames 0..400 ms arrive together at +500 ms (the server's cache), then live every 100 ms.
    const frames = [0, 100, 200, 300, 400, 500, 600].map((pts) => frame(pts, T0 + Math.max(500, pts) + 20));
    expect(liveTimesFromFuture(frames)).toEqual([0, 100, 200, 300, 400, 500, 600].map((pts) => T0 + pts + 20));
  });

  it('keeps frames at their own arrival when timestamps fall behind the wall clock', () => {
    // The stream's clock stops for 800 ms (an encoder restart): the frames after come later on
    // the wall clock than their timestamps say; the frames before keep their own arrivals.
    const frames = [frame(0, T0), frame(100, T0 + 100), frame(200, T0 + 1000), frame(300, T0 + 1100)];
    expect(liveTimesFromFuture(frames)).toEqual([T0, T0 + 100, T0 + 1000, T0 + 1100]);
  });

  it('keeps frames without a presentation time at their arrival', () => {
    const frames = [frame(Number.NaN, T0 + 50), frame(100, T0 + 100)];
    expect(liveTimesFromFuture(frames)).toEqual([T0 + 50, T0 + 100]);
  });
});

describe('arrivalOfPts', () => {
  it('is the earliest arrival among the packets at or after the time', () => {
    const video = [packet(0, 1, T0), packet(100, 1, T0 + 900), packet(200, 1, T0 + 300), packet(300, 1)];
    expect(arrivalOfPts(video, 50)).toBe(T0 + 300);
    expect(arrivalOfPts(video, 0)).toBe(T0);
    expect(arrivalOfPts(video, 250)).toBeNaN();
  });
});

describe('packetsPerSecond and bitrateKbps over the packets of a runtime step', () => {
  it('measures frames per second and kbit/s over the packets of a window', () => {
    const packets = Array.from({ length: 11 }, (_, i) => packet(i * 200, 1250));
    expect(packetsPerSecond(packets, 'video')).toBeCloseTo(5, 6);
    // 10 packets of 1250 bytes over 2 s: 50 kbit/s (the last packet's bytes are outside the span).
    expect(bitrateKbps(packets, 'video')).toBeCloseTo(50, 6);
    expect(packetsPerSecond([packet(0, 1)], 'video')).toBeNull();
    expect(bitrateKbps([], 'video')).toBeNull();
  });
});
