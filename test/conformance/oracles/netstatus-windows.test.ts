// The netstatus report-window oracle (conformance/tests/netstatus/report-windows.ts) on
// synthetic packet lists of known rate: a reader burst at the start, a steady CBR stream after.
import { describe, expect, it } from 'vitest';
import type { Packet } from '../../../conformance/oracles/packets.ts';
import {
  arrivedPackets,
  caughtUpAtMs,
  figureBand,
  intervalsMs,
  liveOffsetMs,
  livePackets,
  unionBand,
  windowFigures,
  withinBand,
} from '../../../conformance/tests/netstatus/report-windows.ts';

const EPOCH = 1_700_000_000_000;
const FPS = 20;
const FRAME_MS = 1000 / FPS;
const VIDEO_BYTES = 2500; // 20 fps x 2500 B = 400 kbps
const AUDIO_MS = 64;
const AUDIO_BYTES = 256; // 15.625 packets/s x 256 B = 32 kbps
const SECONDS = 10;
/** The server had cached this much stream when the reader connected; it came in one burst. */
const BURST_MS = 2000;
/** The reader's steady latency behind the live edge. */
const LATENCY_MS = 40;

/** A steady stream whose first BURST_MS arrive all at once when reading starts. */
function stream(): Packet[] {
  const packets: Packet[] = [];
  const arrival = (dts: number): number => EPOCH + Math.max(dts, BURST_MS) + LATENCY_MS + (dts % 7);
  for (let t = 0; t < SECONDS * 1000; t += FRAME_MS) {
    packets.push({ stream: 'video', ptsMs: t, dtsMs: t, size: VIDEO_BYTES, keyframe: t % 2000 === 0, arrivedAtMs: arrival(t) });
  }
  for (let t = 0; t < SECONDS * 1000; t += AUDIO_MS) {
    packets.push({ stream: 'audio', ptsMs: t, dtsMs: t, size: AUDIO_BYTES, keyframe: false, arrivedAtMs: arrival(t) });
  }
  return packets;
}

describe('liveOffsetMs', () => {
  it('is the smallest arrival − dts: the packets that came as soon as they were sent, not the burst', () => {
    expect(liveOffsetMs(stream())).toBe(EPOCH + LATENCY_MS);
  });

  it('is null when no packet was read live', () => {
    const offline = stream().map(({ arrivedAtMs: _, ...p }) => p);
    expect(liveOffsetMs(offline)).toBeNull();
  });
});

describe('windowFigures', () => {
  const live = livePackets(stream(), EPOCH + LATENCY_MS);

  it('measures the known rates in a 2 s window after the burst', () => {
    const from = EPOCH + LATENCY_MS + 4000;
    const w = windowFigures(live, from, from + 2000);
    expect(w.videoKbps).toBeCloseTo(400, 6);
    expect(w.fps).toBe(FPS);
    expect(w.audioKbps).toBeGreaterThan(30);
    expect(w.audioKbps).toBeLessThan(34);
    expect(w.totalKbps).toBeCloseTo(w.videoKbps + w.audioKbps, 6);
  });

  it('places the burst at its stream time, so a window inside it reads the steady rate', () => {
    const from = EPOCH + LATENCY_MS + 200;
    expect(windowFigures(live, from, from + 1000).videoKbps).toBeCloseTo(400, 6);
  });

  it('rejects an empty window', () => {
    expect(() => windowFigures(live, EPOCH, EPOCH)).toThrow(RangeError);
  });
});

describe('arrival placement', () => {
  it('finds when the reader caught up with the live edge (the end of the burst)', () => {
    const caughtUp = caughtUpAtMs(stream(), EPOCH + LATENCY_MS, 10);
    expect(caughtUp).toBeGreaterThanOrEqual(EPOCH + BURST_MS + LATENCY_MS);
    expect(caughtUp).toBeLessThan(EPOCH + BURST_MS + LATENCY_MS + FRAME_MS);
  });

  it('crowds the burst into its arrival instant, and reads the steady rate after it', () => {
    const arrived = arrivedPackets(stream());
    const atBurst = EPOCH + BURST_MS + LATENCY_MS;
    expect(windowFigures(arrived, atBurst - 100, atBurst + 100).videoKbps).toBeGreaterThan(400 * 5);
    expect(windowFigures(arrived, atBurst + 2000, atBurst + 4000).videoKbps).toBeCloseTo(400, 0);
  });

  it('unionBand holds both bands', () => {
    expect(unionBand({ min: 10, max: 12 }, { min: 11, max: 15 })).toEqual({ min: 10, max: 15 });
  });
});

describe('figureBand and withinBand', () => {
  const live = livePackets(stream(), EPOCH + LATENCY_MS);
  const opts = { windowMs: 2000, slackMs: 300, stepMs: 50 };
  const end = EPOCH + LATENCY_MS + 6000;

  it('spans the figure over window ends ± slack (one frame more or less at the edges)', () => {
    const band = figureBand(live, end, opts, (w) => w.fps);
    expect(band.min).toBeGreaterThanOrEqual(FPS - 0.5);
    expect(band.max).toBeLessThanOrEqual(FPS + 0.5);
  });

  it('admits the truth and rejects alternating lies whose mean is right', () => {
    const band = figureBand(live, end, opts, (w) => w.videoKbps);
    expect(withinBand(400, band, 0.2)).toBe(true);
    expect(withinBand(400 * 1.6, band, 0.2)).toBe(false);
    expect(withinBand(400 * 0.4, band, 0.2)).toBe(false);
    expect(withinBand(Number.NaN, band, 0.2)).toBe(false);
  });

  it('widens a ratio tolerance to an absolute floor for figures in whole units', () => {
    const band = { min: 1.5, max: 1.5 };
    expect(withinBand(2, band, 0.2)).toBe(false);
    expect(withinBand(2, band, 0.2, 1)).toBe(true);
    expect(withinBand(64, band, 0.2, 1)).toBe(false);
  });

  it('rejects a bad step', () => {
    expect(() => figureBand(live, end, { ...opts, stepMs: 0 }, (w) => w.fps)).toThrow(RangeError);
  });
});

describe('intervalsMs', () => {
  it('gives the gaps between receive times', () => {
    expect(intervalsMs([1000, 3000, 5002, 6000])).toEqual([2000, 2002, 998]);
    expect(intervalsMs([1000])).toEqual([]);
  });
});
