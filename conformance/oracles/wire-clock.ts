// Rates on the wall clock (live-pusher.zh.md 通用属性 fps, min-bitrate, max-bitrate): what
// reached the reader per wall-clock second, from each packet's arrival time (observe.ts), never
// from the stream's own timestamps, which an implementation writes itself. fps counts distinct
// values of the synthetic camera's frame counter (a repeated picture is no new frame); bitrate
// sums packet bytes by arrival; drift compares the stream's clock with the wall clock.
// The server sends its cached GOP in one burst when a reader connects: everything that arrived
// within LIVE_SETTLE_MS of the first packet is left out, so every rate is judged on packets that
// arrived live, as they were sent.
import type { MediaKind, Packet } from './packets.ts';

/** Packets that arrived within this long of the first are the server's cached burst. */
export const LIVE_SETTLE_MS = 500;
/** Least wall time between the two points of a pair the median slope uses. */
export const MIN_PAIR_SPAN_MS = 1_000;
const BITS_PER_BYTE = 8;
const BITS_PER_KBIT = 1000;
const MS_PER_S = 1000;

type Arrived = Packet & { arrivedAtMs: number };

function arrived(packets: readonly Packet[], stream?: MediaKind): Arrived[] {
  return packets
    .filter((p): p is Arrived => p.arrivedAtMs !== undefined && Number.isFinite(p.arrivedAtMs) && (stream === undefined || p.stream === stream))
    .sort((a, b) => a.arrivedAtMs - b.arrivedAtMs);
}

/** Wall time (epoch ms) from which packets count as live: LIVE_SETTLE_MS after the first
 *  packet (of any track) arrived. Null when no packet has an arrival time. */
export function liveFrom(packets: readonly Packet[], settleMs = LIVE_SETTLE_MS): number | null {
  const all = arrived(packets);
  return all.length ? all[0]!.arrivedAtMs + settleMs : null;
}

/** The packets of a track that arrived live (at or after liveFrom), in arrival order. */
export function livePackets(packets: readonly Packet[], stream: MediaKind, settleMs = LIVE_SETTLE_MS): Arrived[] {
  const from = liveFrom(packets, settleMs);
  if (from === null) return [];
  return arrived(packets, stream).filter((p) => p.arrivedAtMs >= from);
}

export interface WireWindow {
  /** Window start and end, epoch ms. */
  fromMs: number;
  toMs: number;
  bytes: number;
  /** The window's bytes over its wall time. */
  kbps: number;
  /** Stream time the window delivered: from the timestamp of its first packet to that of the
   *  first packet after it (0 for an empty window). */
  streamMs: number;
  /** The window's bytes over its wall time or the stream time it delivered, whichever is longer:
   *  a sender draining a backlog (catching up after a stall) delivers more than a second of
   *  stream in a second, which is no higher bitrate. Only as honest as the stream's clock: judge
   *  it beside the wall-clock mean (wireKbps) or the clock's drift. */
  pacedKbps: number;
  /** A keyframe arrived in the window. */
  keyframe: boolean;
}

/** Bytes of one track received in consecutive wall-clock windows of windowMs, from liveFrom;
 *  whole windows only (those ending by the last arrival). */
export function wireWindows(packets: readonly Packet[], stream: MediaKind, windowMs: number, settleMs = LIVE_SETTLE_MS): WireWindow[] {
  if (!(windowMs > 0)) throw new RangeError(`wireWindows: bad window ${windowMs}`);
  const from = liveFrom(packets, settleMs);
  const live = livePackets(packets, stream, settleMs);
  if (from === null || live.length === 0) return [];
  const count = Math.floor((live[live.length - 1]!.arrivedAtMs - from) / windowMs);
  const windows: WireWindow[] = Array.from({ length: count }, (_, i) => ({
    fromMs: from + i * windowMs,
    toMs: from + (i + 1) * windowMs,
    bytes: 0,
    kbps: 0,
    streamMs: 0,
    pacedKbps: 0,
    keyframe: false,
  }));
  /** The first packet (arrival order) of each window, and the first after the last window. */
  const firsts: (Arrived | undefined)[] = new Array<Arrived | undefined>(count + 1).fill(undefined);
  for (const p of live) {
    const i = Math.floor((p.arrivedAtMs - from) / windowMs);
    if (i <= count && firsts[i] === undefined) firsts[i] = p;
    const w = windows[i];
    if (!w) continue;
    w.bytes += p.size;
    w.keyframe ||= p.keyframe;
  }
  const kbit = (bytes: number, ms: number): number => (bytes * BITS_PER_BYTE) / BITS_PER_KBIT / (ms / MS_PER_S);
  windows.forEach((w, i) => {
    const next = firsts.slice(i + 1).find((p) => p !== undefined);
    w.streamMs = firsts[i] !== undefined && next !== undefined ? Math.max(0, next.dtsMs - firsts[i]!.dtsMs) : 0;
    w.kbps = kbit(w.bytes, windowMs);
    w.pacedKbps = kbit(w.bytes, Math.max(windowMs, w.streamMs));
  });
  return windows;
}

/** Mean kbit/s of one track received live: bytes that arrived from the first live packet up to
 *  (not including) the last, over that wall time. Null with fewer than two live packets. */
export function wireKbps(packets: readonly Packet[], stream: MediaKind, settleMs = LIVE_SETTLE_MS): number | null {
  const live = livePackets(packets, stream, settleMs);
  if (live.length < 2) return null;
  const from = live[0]!.arrivedAtMs;
  const to = live[live.length - 1]!.arrivedAtMs;
  if (!(to > from)) return null;
  const bytes = live.slice(0, -1).reduce((s, p) => s + p.size, 0);
  return (bytes * BITS_PER_BYTE) / BITS_PER_KBIT / ((to - from) / MS_PER_S);
}

/** A decoded frame reduced to what the counter rate needs. */
export interface CounterSample {
  /** Wall time its packet arrived (epoch ms). */
  arrivedAtMs: number;
  /** The synthetic camera's frame counter, null when unreadable. */
  counter: number | null;
}

export interface CounterRate {
  /** Live frames judged (arrived at or after the start) and how many had no readable counter. */
  frames: number;
  unreadable: number;
  /** Distinct counter values among them: the pictures really captured. */
  distinct: number;
  /** Wall time from the first to the last new picture's arrival. */
  spanMs: number;
  /** New pictures per wall-clock second: the median pairwise slope (medianSlope) of the
   *  running count of distinct counters over their arrival times (a late frame or a stall
   *  moves it far less than a first/last ratio); null with fewer than three or no pair a
   *  MIN_PAIR_SPAN_MS apart. */
  fps: number | null;
}

/**
 * Median slope of y over x across all pairs of points at least MIN_PAIR_SPAN_MS apart in x
 * (Theil–Sen): a stall followed by a catch-up burst (load on the sender or the reader) bends
 * only the pairs that start or end inside it, so the median keeps the pace of the rest, while a
 * pace that is wrong throughout (stretched stamps, repeated frames) moves every pair. Pairs
 * that far apart keep each slope's share of arrival jitter small. Null with no such pair.
 */
function medianSlope(points: readonly { x: number; y: number }[]): number | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j]!.x - points[i]!.x;
      if (Math.abs(dx) >= MIN_PAIR_SPAN_MS) slopes.push((points[j]!.y - points[i]!.y) / dx);
    }
  }
  if (slopes.length === 0) return null;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
}
const MIN_FIT_POINTS = 3;

/** Captured frames per wall-clock second: the pace at which new counter values arrive among
 *  the frames that arrived at or after fromMs. A repeated picture (duplicated frame) adds
 *  nothing. */
export function counterRate(samples: readonly CounterSample[], fromMs: number): CounterRate {
  const live = samples.filter((s) => Number.isFinite(s.arrivedAtMs) && s.arrivedAtMs >= fromMs).sort((a, b) => a.arrivedAtMs - b.arrivedAtMs);
  const seen = new Set<number>();
  const fresh: { x: number; y: number }[] = [];
  let unreadable = 0;
  for (const s of live) {
    if (s.counter === null) unreadable++;
    else if (!seen.has(s.counter)) {
      seen.add(s.counter);
      fresh.push({ x: s.arrivedAtMs, y: fresh.length });
    }
  }
  const spanMs = fresh.length > 1 ? fresh[fresh.length - 1]!.x - fresh[0]!.x : 0;
  const slope = fresh.length >= MIN_FIT_POINTS ? medianSlope(fresh) : null;
  return { frames: live.length, unreadable, distinct: seen.size, spanMs, fps: slope === null ? null : slope * MS_PER_S };
}

export interface ClockDrift {
  /** Live packets fitted. */
  packets: number;
  /** Wall time they span. */
  spanMs: number;
  /** Median pairwise slope of stream time (dts) against arrival time: 1 when the stream's clock
   *  runs at the wall clock's pace. */
  slope: number;
  /** slope - 1 (0.1: stream time runs 10 % fast). */
  drift: number;
}

/** How fast one track's timestamps advance against the wall clock of their arrival: the
 *  median pairwise slope (medianSlope) of dts over arrival time of the live packets. Null with
 *  fewer than three live packets or no pair MIN_PAIR_SPAN_MS apart. */
export function clockDrift(packets: readonly Packet[], stream: MediaKind, settleMs = LIVE_SETTLE_MS): ClockDrift | null {
  const live = livePackets(packets, stream, settleMs);
  if (live.length < MIN_FIT_POINTS) return null;
  const slope = medianSlope(live.map((p) => ({ x: p.arrivedAtMs, y: p.dtsMs })));
  if (slope === null) return null;
  return { packets: live.length, spanMs: live[live.length - 1]!.arrivedAtMs - live[0]!.arrivedAtMs, slope, drift: slope - 1 };
}
