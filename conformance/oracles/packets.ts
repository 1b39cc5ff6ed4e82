// Packet-level oracles on the stream's own timestamps: fps and videoGOP from packet timestamps
// and keyframe flags, bitrates (videoBitrate, audioBitrate, netSpeed) from bytes over stream
// time, timestamp sanity. These take the IUT's timestamps at their word; rates judged against
// the wall clock of arrival (fps, min-bitrate, max-bitrate) are in wire-clock.ts.
// Spec: live-pusher.zh.md 通用属性 fps, min-bitrate, max-bitrate; netstatus (videoGOP, bitrates).
export type MediaKind = 'video' | 'audio';

export interface Packet {
  stream: MediaKind;
  ptsMs: number;
  dtsMs: number;
  size: number;
  keyframe: boolean;
  /** Byte offset of the packet's FLV tag in the stream read from the server (ffprobe pos). */
  pos?: number;
  /** Wall time (epoch ms) the packet's last byte arrived from the server; absent when the
   *  packet was not read live (synthetic lists, files). */
  arrivedAtMs?: number;
}

const BITS_PER_BYTE = 8;
const BITS_PER_KBIT = 1000;
const MS_PER_S = 1000;

function ofKind(packets: readonly Packet[], stream: MediaKind): Packet[] {
  return packets.filter((p) => p.stream === stream);
}

function sortedPts(packets: readonly Packet[]): number[] {
  return packets.map((p) => p.ptsMs).sort((a, b) => a - b);
}

/** Mean bitrate in kbit/s of one stream between fromMs and toMs (stream dts; defaults: the
 *  first and last packet). Over [first, last] the bytes of the last packet are left out, so a
 *  CBR stream reads its configured rate. Null with fewer than two packets in range. */
export function bitrateKbps(packets: readonly Packet[], stream: MediaKind, fromMs?: number, toMs?: number): number | null {
  const list = ofKind(packets, stream).sort((a, b) => a.dtsMs - b.dtsMs);
  if (list.length < 2) return null;
  const from = fromMs ?? list[0]!.dtsMs;
  const to = toMs ?? list[list.length - 1]!.dtsMs;
  if (!(to > from)) return null;
  const inRange = list.filter((p) => p.dtsMs >= from && p.dtsMs < to);
  const bytes = inRange.reduce((s, p) => s + p.size, 0);
  return (bytes * BITS_PER_BYTE) / BITS_PER_KBIT / ((to - from) / MS_PER_S);
}

export interface BitratePoint {
  /** Window start, ms of stream time. */
  atMs: number;
  kbps: number;
}

/** Bitrate of one stream in consecutive windows of windowMs (whole windows only). */
export function bitrateSeries(packets: readonly Packet[], stream: MediaKind, windowMs: number): BitratePoint[] {
  if (!(windowMs > 0)) throw new RangeError(`bitrateSeries: bad window ${windowMs}`);
  const list = ofKind(packets, stream);
  if (list.length < 2) return [];
  const dts = list.map((p) => p.dtsMs);
  const start = Math.min(...dts);
  const end = Math.max(...dts);
  const windows = Math.floor((end - start) / windowMs);
  const bytes = new Array<number>(windows).fill(0);
  for (const p of list) {
    const w = Math.floor((p.dtsMs - start) / windowMs);
    if (w < windows) bytes[w]! += p.size;
  }
  return bytes.map((b, i) => ({ atMs: start + i * windowMs, kbps: (b * BITS_PER_BYTE) / BITS_PER_KBIT / (windowMs / MS_PER_S) }));
}

/** Video frame rate from presentation timestamps: (frames - 1) / (last - first). Null with
 *  fewer than two video packets. */
export function fps(packets: readonly Packet[]): number | null {
  return packetsPerSecond(packets, 'video');
}

/** Packets per second of one stream from presentation timestamps: (n - 1) / (last - first).
 *  For video the frame rate; for AAC audio, times the samples per packet, the sample rate.
 *  Null with fewer than two packets. */
export function packetsPerSecond(packets: readonly Packet[], stream: MediaKind): number | null {
  const pts = sortedPts(ofKind(packets, stream));
  if (pts.length < 2) return null;
  const span = pts[pts.length - 1]! - pts[0]!;
  return span > 0 ? ((pts.length - 1) * MS_PER_S) / span : null;
}

/** Presentation times (ms) of the video keyframes, in order. */
export function keyframeTimes(packets: readonly Packet[]): number[] {
  return sortedPts(ofKind(packets, 'video').filter((p) => p.keyframe));
}

/** Mean interval between video keyframes in seconds (null with fewer than two keyframes). */
export function gopSeconds(packets: readonly Packet[]): number | null {
  const k = keyframeTimes(packets);
  if (k.length < 2) return null;
  return (k[k.length - 1]! - k[0]!) / (k.length - 1) / MS_PER_S;
}

/** True when each stream's decode timestamps never go backwards. */
export function timestampsMonotonic(packets: readonly Packet[], stream?: MediaKind): boolean {
  const kinds: MediaKind[] = stream ? [stream] : ['video', 'audio'];
  for (const kind of kinds) {
    let last = -Infinity;
    for (const p of packets) {
      if (p.stream !== kind) continue;
      if (p.dtsMs < last) return false;
      last = p.dtsMs;
    }
  }
  return true;
}

/** Number of packets of a stream (for video: encoded frames). */
export function frameCount(packets: readonly Packet[], stream: MediaKind = 'video'): number {
  return ofKind(packets, stream).length;
}
