// What the server received in the window a netstatus report speaks for: the 2 s before the
// bench received the report (IutEvent.receivedAt). Spec: live-pusher.zh.md 网络状态数据（info）
// (videoBitrate, audioBitrate, videoFPS, netSpeed); context-api.md netstatus.
//
// Packets are placed on the wall clock two ways, and a report may match either:
// - live time: stream time plus the live-edge offset, the smallest (arrival − dts) over the
//   observation. Keeps the stream's own spacing, so a reader that stalls on a loaded machine
//   does not move bytes between windows.
// - arrival time, once the reader has caught up with the live edge (the server's cached GOP
//   comes first in a burst). Follows an encoder that stalls and then bursts, as the IUT's own
//   count of encoder output does.
import type { MediaKind, Packet } from '../../oracles/packets.ts';

const BITS_PER_BYTE = 8;
const BITS_PER_KBIT = 1000;
const MS_PER_S = 1000;

/** The smallest (arrival − dts) over packets read live; null when none carries an arrival time. */
export function liveOffsetMs(packets: readonly Packet[]): number | null {
  let best: number | null = null;
  for (const p of packets) {
    if (p.arrivedAtMs === undefined || !Number.isFinite(p.arrivedAtMs)) continue;
    const offset = p.arrivedAtMs - p.dtsMs;
    if (best === null || offset < best) best = offset;
  }
  return best;
}

export interface LivePacket {
  stream: MediaKind;
  size: number;
  /** Wall time (epoch ms) the packet was live at the server. */
  liveAtMs: number;
}

/** Packets on the wall clock, in live-time order. */
export function livePackets(packets: readonly Packet[], offsetMs: number): LivePacket[] {
  return packets.map((p) => ({ stream: p.stream, size: p.size, liveAtMs: p.dtsMs + offsetMs })).sort((a, b) => a.liveAtMs - b.liveAtMs);
}

/** Packets placed at their arrival time (those read live only), in arrival order. */
export function arrivedPackets(packets: readonly Packet[]): LivePacket[] {
  return packets
    .filter((p) => p.arrivedAtMs !== undefined && Number.isFinite(p.arrivedAtMs))
    .map((p) => ({ stream: p.stream, size: p.size, liveAtMs: p.arrivedAtMs! }))
    .sort((a, b) => a.liveAtMs - b.liveAtMs);
}

/**
 * When the reader had caught up with the live edge: the arrival of the first packet that came
 * within `withinMs` of its live time. Arrival windows from then on are free of the cached-GOP
 * burst. Null when no packet was read live.
 */
export function caughtUpAtMs(packets: readonly Packet[], offsetMs: number, withinMs: number): number | null {
  let first: number | null = null;
  for (const p of packets) {
    if (p.arrivedAtMs === undefined || !Number.isFinite(p.arrivedAtMs)) continue;
    if (p.arrivedAtMs - p.dtsMs - offsetMs <= withinMs && (first === null || p.arrivedAtMs < first)) first = p.arrivedAtMs;
  }
  return first;
}

/** What the server received in one wall-clock window [fromMs, toMs). */
export interface WindowFigures {
  videoKbps: number;
  audioKbps: number;
  /** Audio + video payload, kbps. */
  totalKbps: number;
  /** Video frames per second. */
  fps: number;
}

export function windowFigures(live: readonly LivePacket[], fromMs: number, toMs: number): WindowFigures {
  if (!(toMs > fromMs)) throw new RangeError(`windowFigures: empty window [${fromMs}, ${toMs})`);
  let videoBytes = 0;
  let audioBytes = 0;
  let frames = 0;
  for (const p of live) {
    if (p.liveAtMs < fromMs || p.liveAtMs >= toMs) continue;
    if (p.stream === 'video') {
      videoBytes += p.size;
      frames += 1;
    } else audioBytes += p.size;
  }
  const seconds = (toMs - fromMs) / MS_PER_S;
  const kbps = (bytes: number): number => (bytes * BITS_PER_BYTE) / BITS_PER_KBIT / seconds;
  return { videoKbps: kbps(videoBytes), audioKbps: kbps(audioBytes), totalKbps: kbps(videoBytes + audioBytes), fps: frames / seconds };
}

export interface Band {
  min: number;
  max: number;
}

export interface BandOptions {
  /** Window length, ms (the report interval). */
  windowMs: number;
  /** The window's end may lie this far either side of the report's receive time. */
  slackMs: number;
  /** Step between the window ends tried. */
  stepMs: number;
}

/**
 * The range a figure takes over every window of `windowMs` whose end lies within ± slackMs of
 * `endMs` (the IUT computed its report a little before the bench received it, and the packets
 * reached the server a little after they left the encoder; a keyframe at a window's edge moves
 * the figure by its size).
 */
export function figureBand(live: readonly LivePacket[], endMs: number, opts: BandOptions, figure: (w: WindowFigures) => number): Band {
  if (!(opts.stepMs > 0) || opts.slackMs < 0) throw new RangeError(`figureBand: bad step ${opts.stepMs} or slack ${opts.slackMs}`);
  let min = Infinity;
  let max = -Infinity;
  for (let shift = -opts.slackMs; shift <= opts.slackMs; shift += opts.stepMs) {
    const end = endMs + shift;
    const v = figure(windowFigures(live, end - opts.windowMs, end));
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

/** The smallest band holding both. */
export function unionBand(a: Band, b: Band): Band {
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/** True when `reported` lies within ± ratio of some value of the band, or within ± atLeast of it
 *  where that is wider (a figure reported in whole units cannot be closer than half a unit). */
export function withinBand(reported: number, band: Band, ratio: number, atLeast = 0): boolean {
  const below = Math.max(ratio * Math.abs(band.min), atLeast);
  const above = Math.max(ratio * Math.abs(band.max), atLeast);
  return Number.isFinite(reported) && reported >= band.min - below && reported <= band.max + above;
}

/** Gaps between consecutive receive times, ms. */
export function intervalsMs(receivedAt: readonly number[]): number[] {
  return receivedAt.slice(1).map((t, i) => t - receivedAt[i]!);
}
