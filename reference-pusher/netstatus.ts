// netstatus from real counters (spec: live-pusher.zh.md 网络状态数据（info）; context-api.md
// netstatus). Pure: the pusher feeds it what the encoder produced and what the session sent,
// and asks for one report per interval.
//
// netJitter, ms: the mean change between consecutive round trips of the pushed bytes, timed by the
// server's RTMP acknowledgements (ack-round-trips.ts), over the window; when the window has none
// (a server that does not acknowledge), the spread (standard deviation) of how long frames waited
// between the encoder and the socket.
//
// Interval: 2 s. The newer vendor API documents 2 s; and the reference encoder's GOP is 2 s
// (encode-config.ts), so every window holds exactly one keyframe and the per-window bitrates
// don't swing with where the keyframe falls.

import type { RoundTripJitter } from './ack-round-trips.ts';

export const NETSTATUS_INTERVAL_MS = 2000;

export interface NetstatusInfo {
  videoBitrate: number;
  audioBitrate: number;
  videoFPS: number;
  videoGOP: number;
  netSpeed: number;
  netJitter: number;
  netQualityLevel: number;
  videoWidth: number;
  videoHeight: number;
  videoCache: number;
  audioCache: number;
}

/** netQualityLevel: 0 未定义 1 最好 2 好 3 一般 4 差 5 很差 6 不可用. */
export const NET_QUALITY = { unknown: 0, best: 1, good: 2, fair: 3, poor: 4, bad: 5, unusable: 6 } as const;

const KEYFRAME_HISTORY = 4;
const BITS_PER_BYTE = 8;

export interface SenderSnapshot {
  /** Bytes written into the socket so far. */
  bytesSent: number;
  queuedVideoFrames: number;
  queuedAudioFrames: number;
  queuedBytes: number;
  connected: boolean;
  /** Frames dropped so far because the uplink could not carry them (publisher.ts). */
  droppedFrames?: number;
  /** The live connection's round-trip changes so far (counts start again with each connection). */
  roundTripJitter?: RoundTripJitter;
  /** Once the server acknowledges: bytes it acknowledged so far (monotonic across reconnects). */
  bytesAcked?: number;
}

export class NetstatusMeter {
  private videoBytes = 0;
  private audioBytes = 0;
  private videoFrames = 0;
  private keyframeTimes: number[] = [];
  private sendDelays: number[] = [];
  private lastBytesSent = 0;
  private lastQueuedBytes = 0;
  private lastDropped = 0;
  private lastRoundTrips: RoundTripJitter = { sumMs: 0, count: 0 };
  private windowStart: number;
  private width = 0;
  private height = 0;

  constructor(now: number) {
    this.windowStart = now;
  }

  /** An encoded video frame left the encoder (`timestampMs` is its stream time). */
  onVideo(bytes: number, keyframe: boolean, timestampMs: number): void {
    this.videoBytes += bytes;
    this.videoFrames += 1;
    if (keyframe) {
      this.keyframeTimes.push(timestampMs);
      if (this.keyframeTimes.length > KEYFRAME_HISTORY) this.keyframeTimes.shift();
    }
  }

  onAudio(bytes: number): void {
    this.audioBytes += bytes;
  }

  /** The encoded size, from the stream's own SPS. */
  onVideoSize(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }

  /** How long a frame waited between the encoder and the socket. */
  onSendDelay(ms: number): void {
    this.sendDelays.push(ms);
  }

  /** The encoder restarted: keyframe spacing starts over (stream times are rebased). */
  resetKeyframes(): void {
    this.keyframeTimes = [];
  }

  /** Mean round-trip change since the last report; undefined without new round trips. */
  private roundTripJitter(now: RoundTripJitter | undefined): number | undefined {
    if (!now) return undefined;
    // A new connection counts from 0 again.
    const last = now.count < this.lastRoundTrips.count ? { sumMs: 0, count: 0 } : this.lastRoundTrips;
    this.lastRoundTrips = now;
    const n = now.count - last.count;
    return n > 0 ? (now.sumMs - last.sumMs) / n : undefined;
  }

  report(now: number, sender: SenderSnapshot): NetstatusInfo {
    const seconds = Math.max(0.001, (now - this.windowStart) / 1000);
    const kbps = (bytes: number) => Math.round((bytes * BITS_PER_BYTE) / 1000 / seconds);
    const sent = sender.bytesSent - this.lastBytesSent;
    const gaps = this.keyframeTimes.slice(1).map((t, i) => t - this.keyframeTimes[i]!);
    const gop = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000 : 0;
    const jitter = this.roundTripJitter(sender.roundTripJitter) ?? standardDeviation(this.sendDelays);
    const info: NetstatusInfo = {
      videoBitrate: kbps(this.videoBytes),
      audioBitrate: kbps(this.audioBytes),
      videoFPS: Math.round((this.videoFrames / seconds) * 10) / 10,
      videoGOP: Math.round(gop * 10) / 10,
      netSpeed: kbps(sent),
      netJitter: Math.round(jitter),
      netQualityLevel: Math.max(
        qualityLevel(sender, sender.queuedBytes - this.lastQueuedBytes, this.videoBytes + this.audioBytes, sent),
        backlogLevel(sender, (sent * BITS_PER_BYTE) / seconds, (sender.droppedFrames ?? 0) - this.lastDropped),
      ),
      videoWidth: this.width,
      videoHeight: this.height,
      videoCache: sender.queuedVideoFrames,
      audioCache: sender.queuedAudioFrames,
    };
    this.windowStart = now;
    this.videoBytes = 0;
    this.audioBytes = 0;
    this.videoFrames = 0;
    this.sendDelays = [];
    this.lastBytesSent = sender.bytesSent;
    this.lastQueuedBytes = sender.queuedBytes;
    this.lastDropped = sender.droppedFrames ?? 0;
    return info;
  }
}

function standardDeviation(values: number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}

/**
 * Quality from how the send queue moved in the window: a queue that stays empty while the
 * socket carries what the encoder makes is the best; a growing queue is worse the larger the
 * share of the window's output it kept back; no connection is unusable.
 */
export function qualityLevel(sender: SenderSnapshot, queueGrowth: number, produced: number, sent: number): number {
  if (!sender.connected) return NET_QUALITY.unusable;
  if (produced === 0 && sent === 0) return NET_QUALITY.unknown;
  const backlog = Math.max(0, queueGrowth) / Math.max(1, produced);
  if (sender.queuedBytes === 0 || backlog < 0.02) return NET_QUALITY.best;
  if (backlog < 0.1) return NET_QUALITY.good;
  if (backlog < 0.25) return NET_QUALITY.fair;
  if (backlog < 0.5) return NET_QUALITY.poor;
  return NET_QUALITY.bad;
}

/** Sending time the queue holds (ms) beyond which the link is 好 / 一般 / 差 / 很差. */
const BACKLOG_LEVELS_MS: readonly [number, number][] = [
  [2000, NET_QUALITY.bad],
  [1000, NET_QUALITY.poor],
  [500, NET_QUALITY.fair],
  [200, NET_QUALITY.good],
];

/**
 * Quality from what is still queued, as sending time at the window's send rate, and from frames
 * the publisher had to drop: a queue that stays deep is as bad as one that grows (an uplink held
 * at its capacity), and dropping frames means the uplink cannot carry the stream (at least 差).
 * `sentBitsPerMs` is the window's send rate in bits per ms (= kbps).
 */
export function backlogLevel(sender: SenderSnapshot, sentBitsPerMs: number, droppedInWindow: number): number {
  if (!sender.connected) return NET_QUALITY.unusable;
  const queueMs = sender.queuedBytes === 0 ? 0 : sentBitsPerMs > 0 ? (sender.queuedBytes * BITS_PER_BYTE) / sentBitsPerMs : Number.POSITIVE_INFINITY;
  const byQueue = BACKLOG_LEVELS_MS.find(([ms]) => queueMs > ms)?.[1] ?? NET_QUALITY.unknown;
  return droppedInWindow > 0 ? Math.max(byQueue, NET_QUALITY.poor) : byQueue;
}
