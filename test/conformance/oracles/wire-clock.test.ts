// Wire-clock oracles on synthetic packet lists and counter samples of known properties: a
// cached burst on connect, then packets arriving live at a known pace, size and clock.
import { describe, expect, it } from 'vitest';
import type { MediaKind, Packet } from '../../../conformance/oracles/packets.ts';
import { LIVE_SETTLE_MS, clockDrift, counterRate, liveFrom, livePackets, wireKbps, wireWindows } from '../../../conformance/oracles/wire-clock.ts';

const T0 = 1_700_000_000_000;
const BURST_FRAMES = 10;

interface StreamSpec {
  fps: number;
  seconds: number;
  bytes: number;
  /** Stream time per wall time (1: honest). */
  clock?: number;
  /** Keyframe every N frames, with this many bytes. */
  gop?: number;
  keyBytes?: number;
  /** Arrival jitter of frame i (ms). */
  jitter?: (i: number) => number;
  stream?: MediaKind;
}

/** A cached burst of BURST_FRAMES (all arriving at T0, older stream time), then one frame per
 *  1/fps s of wall time, stamped at `clock` x its real time. */
function stream(spec: StreamSpec): Packet[] {
  const period = 1000 / spec.fps;
  const clock = spec.clock ?? 1;
  const out: Packet[] = [];
  for (let i = 0; i < BURST_FRAMES; i++) {
    out.push({ stream: spec.stream ?? 'video', ptsMs: i * period, dtsMs: i * period, size: spec.bytes, keyframe: i === 0, arrivedAtMs: T0 });
  }
  const liveFrames = Math.round(spec.seconds * spec.fps);
  for (let i = 0; i < liveFrames; i++) {
    const n = BURST_FRAMES + i;
    const key = spec.gop !== undefined && n % spec.gop === 0;
    const wall = (i + 1) * period;
    out.push({
      stream: spec.stream ?? 'video',
      ptsMs: BURST_FRAMES * period + wall * clock,
      dtsMs: BURST_FRAMES * period + wall * clock,
      size: key ? (spec.keyBytes ?? spec.bytes) : spec.bytes,
      keyframe: key,
      arrivedAtMs: T0 + wall + (spec.jitter?.(i) ?? 0),
    });
  }
  return out;
}

describe('liveFrom / livePackets', () => {
  it('leaves out what arrived within LIVE_SETTLE_MS of the first packet (the cached burst)', () => {
    const packets = stream({ fps: 10, seconds: 3, bytes: 100 });
    expect(liveFrom(packets)).toBe(T0 + LIVE_SETTLE_MS);
    const live = livePackets(packets, 'video');
    expect(live.every((p) => p.arrivedAtMs >= T0 + LIVE_SETTLE_MS)).toBe(true);
    expect(live).toHaveLength(30 - 4);
  });

  it('is null / empty without arrival times', () => {
    const packets = stream({ fps: 10, seconds: 1, bytes: 100 }).map(({ arrivedAtMs: _, ...p }) => p);
    expect(liveFrom(packets)).toBeNull();
    expect(livePackets(packets, 'video')).toEqual([]);
    expect(wireKbps(packets, 'video')).toBeNull();
    expect(clockDrift(packets, 'video')).toBeNull();
  });
});

describe('wireWindows / wireKbps', () => {
  it('reads a constant 1000-byte, 25 fps stream as 200 kbps in every window, burst excluded', () => {
    const packets = stream({ fps: 25, seconds: 5, bytes: 1000 });
    const windows = wireWindows(packets, 'video', 1000);
    expect(windows).toHaveLength(4);
    for (const w of windows) expect(w.kbps).toBeCloseTo(200, 5);
    expect(wireKbps(packets, 'video')).toBeCloseTo(200, 0);
  });

  it('shows a keyframe burst in its window even when the mean is right', () => {
    const packets = stream({ fps: 10, seconds: 5, bytes: 750, gop: 20, keyBytes: 750 + 5000 });
    const windows = wireWindows(packets, 'video', 1000);
    const key = windows.filter((w) => w.keyframe);
    expect(key.length).toBeGreaterThan(0);
    for (const w of key) expect(w.kbps).toBeCloseTo(100, 5);
    for (const w of windows.filter((x) => !x.keyframe)) expect(w.kbps).toBeCloseTo(60, 5);
  });

  it('counts only the asked track', () => {
    const packets = [...stream({ fps: 25, seconds: 3, bytes: 1000 }), ...stream({ fps: 50, seconds: 3, bytes: 100, stream: 'audio' })];
    expect(wireWindows(packets, 'audio', 1000)[0]!.kbps).toBeCloseTo(40, 5);
    expect(wireWindows(packets, 'video', 1000)[0]!.kbps).toBeCloseTo(200, 5);
  });

  it('paces a drained backlog by the stream time it delivered, and live windows by the wall clock', () => {
    // 25 fps, 1000 bytes a frame (200 kbps); 1.5 s in, a 500 ms backlog drains at twice the pace over 1 s.
    const packets = stream({ fps: 25, seconds: 6, bytes: 1000, jitter: (i) => { const t = (i + 1) * 40; return t < 1500 ? 500 : t < 2500 ? 500 - (t - 1500) / 2 : 0; } });
    const windows = wireWindows(packets, 'video', 1000);
    expect(Math.max(...windows.map((w) => w.kbps))).toBeGreaterThan(260);
    for (const w of windows) expect(w.pacedKbps).toBeLessThan(210);
    const steady = windows.at(-1)!;
    expect(steady.streamMs).toBeCloseTo(1000, -1);
    expect(steady.pacedKbps).toBeCloseTo(steady.kbps, 5);
  });

  it('never paces a window above its wall rate, and an empty window delivers no stream time', () => {
    const packets = stream({ fps: 25, seconds: 5, bytes: 1000, clock: 0.5 });
    for (const w of wireWindows(packets, 'video', 1000)) {
      expect(w.pacedKbps).toBeCloseTo(w.kbps, 5);
      expect(w.streamMs).toBeLessThan(600);
    }
    const gap = stream({ fps: 25, seconds: 5, bytes: 1000, jitter: (i) => (i < 50 ? 0 : 2500) });
    const empty = wireWindows(gap, 'video', 1000).filter((w) => w.bytes === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const w of empty) expect([w.streamMs, w.pacedKbps]).toEqual([0, 0]);
  });

  it('rejects a bad window', () => {
    expect(() => wireWindows([], 'video', 0)).toThrow(RangeError);
  });
});

describe('clockDrift', () => {
  it('is 0 for an honest clock, even with arrival jitter', () => {
    const packets = stream({ fps: 30, seconds: 4, bytes: 100, jitter: (i) => ((i * 37) % 41) - 20 });
    const d = clockDrift(packets, 'video')!;
    expect(Math.abs(d.drift)).toBeLessThan(0.01);
    expect(d.packets).toBe(livePackets(packets, 'video').length);
  });

  it('keeps the pace through a passing 400 ms stall and catch-up burst', () => {
    const stall = (i: number) => (i >= 45 && i < 57 ? 400 - (i - 45) * 33.3 : 0);
    const d = clockDrift(stream({ fps: 30, seconds: 4.5, bytes: 100, jitter: stall }), 'video')!;
    expect(Math.abs(d.drift)).toBeLessThan(0.02);
  });

  it('measures stretched (x1.1), compressed (x0.9) and half-rate (x0.5) stream time', () => {
    for (const clock of [1.1, 0.9, 0.5]) {
      expect(clockDrift(stream({ fps: 15, seconds: 4, bytes: 100, clock }), 'video')!.slope).toBeCloseTo(clock, 3);
    }
  });
});

describe('counterRate', () => {
  const samples = (fps: number, seconds: number, counterOf: (i: number) => number | null) =>
    Array.from({ length: Math.round(fps * seconds) }, (_, i) => ({ arrivedAtMs: T0 + (i * 1000) / fps, counter: counterOf(i) }));

  it('counts captured frames per wall-clock second', () => {
    const r = counterRate(samples(15, 4, (i) => 100 + i), T0);
    expect(r.fps).toBeCloseTo(15, 5);
    expect(r).toMatchObject({ frames: 60, unreadable: 0, distinct: 60 });
  });

  it('does not count repeated pictures (duplicated frames)', () => {
    expect(counterRate(samples(30, 4, (i) => Math.floor(i / 2)), T0).fps).toBeCloseTo(15, 0);
  });

  it('counts a wrapped counter and skips unreadable frames and those before the start', () => {
    const r = counterRate(samples(10, 3, (i) => (i === 5 ? null : (65_530 + i) % 65_536)), T0 + 500);
    expect(r.frames).toBe(25);
    expect(r.unreadable).toBe(1);
    expect(r.distinct).toBe(24);
    expect(r.fps).toBeCloseTo(10, 5);
  });

  it('is null with fewer than three distinct counters', () => {
    expect(counterRate(samples(10, 2, () => 7), T0).fps).toBeNull();
    expect(counterRate(samples(10, 2, (i) => (i < 10 ? 1 : 2)), T0).fps).toBeNull();
  });

  it('keeps the pace through a passing stall and catch-up burst', () => {
    const list = samples(30, 4.5, (i) => i);
    for (let i = 45; i < 57; i++) list[i]!.arrivedAtMs += 400 - (i - 45) * 33.3;
    expect(Math.abs(counterRate(list, T0).fps! - 30) / 30).toBeLessThan(0.02);
  });

  it('barely moves when the last frame arrives a frame period late (5 fps over 4 s)', () => {
    const list = samples(5, 4, (i) => i);
    list[list.length - 1]!.arrivedAtMs += 200;
    expect(Math.abs(counterRate(list, T0).fps! - 5) / 5).toBeLessThan(0.03);
  });
});
