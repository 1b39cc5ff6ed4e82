// What the server received in the window a netstatus report speaks for: the 2 s before the
// bench received the report (IutEvent.receivedAt). Spec: live-pusher.zh.md 网络状态数据（info）
// (videoBitrate, audioBitrate, videoFPS, netSpeed); context-api.md netstatus.
//
// Packets are placed on the wall clock at their live time: stream time plus the live-edge
// offset, the smallest (arrival − dts) over the observation. The reader first receives the
// server's cached GOP in a burst, so raw arrival times would crowd seconds of stream into the
// first instant; the packets that arrived as soon as they were sent fix the offset instead, and
// later packets keep their stream spacing (no reader stalls on a loaded machine).
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
