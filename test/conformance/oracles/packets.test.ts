// Packet oracles on packet lists of known timing and size.
import { describe, expect, it } from 'vitest';
import type { Packet } from '../../../conformance/oracles/packets.ts';
import { bitrateKbps, bitrateSeries, fps, frameCount, gopSeconds, keyframeTimes, timestampsMonotonic } from '../../../conformance/oracles/packets.ts';

/** 15 fps video, keyframe every 30 frames, 500 kbit/s exactly; 48 kHz AAC (1024 samples). */
function stream(seconds: number): Packet[] {
  const out: Packet[] = [];
  const frameMs = 1000 / 15;
  const videoBytes = 500_000 / 8 / 15;
  for (let i = 0; i < seconds * 15; i++) out.push({ stream: 'video', ptsMs: 100 + i * frameMs, dtsMs: 100 + i * frameMs, size: videoBytes, keyframe: i % 30 === 0 });
  const aacMs = (1024 / 48000) * 1000;
  for (let i = 0; i * aacMs < seconds * 1000; i++) out.push({ stream: 'audio', ptsMs: 100 + i * aacMs, dtsMs: 100 + i * aacMs, size: 200, keyframe: true });
  return out;
}

describe('packet oracles', () => {
  const packets = stream(6);

  it('reads fps, GOP and keyframe times from timestamps and flags', () => {
    expect(fps(packets)).toBeCloseTo(15, 9);
    expect(gopSeconds(packets)).toBeCloseTo(2, 9);
    expect(keyframeTimes(packets).map(Math.round)).toEqual([100, 2100, 4100]);
    expect(frameCount(packets)).toBe(90);
    expect(frameCount(packets, 'audio')).toBe(282);
  });

  it('reads the bitrate over the whole stream and over a window', () => {
    expect(bitrateKbps(packets, 'video')).toBeCloseTo(500, 6);
    expect(bitrateKbps(packets, 'video', 100, 2100)).toBeCloseTo(500, 6);
    expect(bitrateKbps(packets, 'audio')).toBeCloseTo((200 * 8 * 48000) / 1024 / 1000, 1);
    const series = bitrateSeries(packets, 'video', 1000);
    expect(series).toHaveLength(5);
    for (const p of series) expect(p.kbps).toBeCloseTo(500, 6);
    expect(() => bitrateSeries(packets, 'video', 0)).toThrow(RangeError);
  });

  it('has no answer where there is too little to measure', () => {
    expect(fps([])).toBeNull();
    expect(gopSeconds(packets.slice(0, 5))).toBeNull();
    expect(bitrateKbps([], 'video')).toBeNull();
    expect(bitrateSeries([], 'audio', 1000)).toEqual([]);
  });

  it('detects decode timestamps going backwards', () => {
    expect(timestampsMonotonic(packets)).toBe(true);
    const broken = [...packets];
    broken.splice(3, 0, { ...packets[1]! });
    expect(timestampsMonotonic(broken, 'video')).toBe(false);
    expect(timestampsMonotonic(broken, 'audio')).toBe(true);
  });
});
