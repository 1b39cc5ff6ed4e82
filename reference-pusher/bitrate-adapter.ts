// Bitrate adaptation between min-bitrate and max-bitrate, as a pure controller: the pusher feeds
// it, every tick, what the RTMP session reports (bytes written to the socket so far, bytes still
// queued in front of it, connected or not) and it answers with what to do: hold, change the
// video bitrate (1006), step a mode preset's resolution (1005), or say the uplink cannot carry
// even the minimum (1101). No timers and no I/O: time comes in with each sample, so the unit
// tests drive it with synthetic links of known capacity.
// Spec: live-pusher.zh.md 通用属性 min-bitrate / max-bitrate (最小/最大码率), mode presets;
// 状态码 1005 (编码器分辨率改变), 1006 (编码器码率改变), 1101 (网络状况不佳：上行带宽太小，上传数据受阻);
// context-api.md "Presets behind mode" (adaptive bitrate and resolution ranges).

/** How often the pusher samples the session and asks the controller. */
export const ADAPT_TICK_MS = 500;

export interface AdapterTuning {
  /** The queue holds more than this much sending time (queued bytes at the measured send rate)
   *  and did not shrink since the last sample: congested. */
  congestedQueueMs: number;
  /** Consecutive congested samples before acting (ticks × ADAPT_TICK_MS is the reaction time). */
  congestedSamples: number;
  /** The queue holds less than this much sending time: clear. */
  clearQueueMs: number;
  /** After a change, no further change down for this long (the new encoder and the drain need it). */
  holdAfterChangeMs: number;
  /** Clear for this long before stepping up. */
  clearBeforeUpMs: number;
  /** After a congestion, no step up for this long (then a probe, not an oscillation). */
  probeAfterCongestionMs: number;
  /** Step up by this factor (capped at max-bitrate) ... */
  upFactor: number;
  /** ... but no higher than the ceiling: this share of what the uplink carried at the last
   *  congestion (less audio). A probe past it goes unseen for seconds while the buffers in front of
   *  the bottleneck fill (on loopback through a proxy, 0.3-0.8 MB), so a doubling probe would push
   *  over the cap for that long. */
  ceilingShare: number;
  /** Past the ceiling, each step up is by this factor only: a few seconds clear say little while
   *  the buffers beyond the socket still take the excess. */
  aboveCeilingFactor: number;
  /** At the ceiling, the pusher holds this long (clear) before it probes past it; a congestion
   *  meanwhile measures a new ceiling. */
  ceilingHoldMs: number;
  /** The ceiling is forgotten this long after the congestion that measured it (then upFactor). */
  ceilingMemoryMs: number;
  /** Share of the measured send rate the new video bitrate may take (the rest: audio, RTMP framing, the backlog). */
  headroom: number;
  /** Sliding window of the send-rate measurement. */
  rateWindowMs: number;
  /** 1101 again at most this often while the uplink stays below the minimum. */
  busyRepeatMs: number;
}

/** The reference's tuning: reacts on the first sample (every 500 ms) whose queue holds 250 ms of
 *  sending time and did not shrink, so with the encoder restart the new bitrate is on the wire
 *  within 2 s of congestion even when a loaded machine delays the samples. */
export const DEFAULT_TUNING: AdapterTuning = {
  congestedQueueMs: 250,
  congestedSamples: 1,
  clearQueueMs: 100,
  holdAfterChangeMs: 2500,
  clearBeforeUpMs: 2000,
  probeAfterCongestionMs: 3000,
  upFactor: 2,
  ceilingShare: 0.95,
  aboveCeilingFactor: 1.25,
  ceilingHoldMs: 8000,
  ceilingMemoryMs: 20_000,
  headroom: 0.8,
  rateWindowMs: 3000,
  busyRepeatMs: 5000,
};

export interface AdapterBounds {
  minKbps: number;
  maxKbps: number;
  /** The audio bitrate, which shares the uplink and is not adapted. */
  audioKbps: number;
}

/** A sample of the session at `now` (ms). */
export interface LinkSample {
  now: number;
  /** Bytes written into the socket so far (monotonic across reconnects). */
  bytesSent: number;
  /** Bytes waiting in front of the socket. */
  queuedBytes: number;
  connected: boolean;
  /** Bytes the server acknowledged so far (monotonic), where it acknowledges: what the uplink
   *  carried. A step down goes by this rate, not by the socket's: the buffers beyond the pusher's
   *  kernel (a proxy's socket: 0.3-0.8 MB here) take more than the uplink carries for seconds
   *  after a cap, which inflates the socket's rate. Congestion is still judged on the socket's
   *  queue and rate: acknowledgements come per window (16 KiB), too coarse at a paused push's
   *  few kbps, and they also wait on a loaded server reading slowly, which is no congestion. */
  bytesDelivered?: number;
  /** Frames dropped so far because the uplink could not carry them (monotonic; publisher.ts). A
   *  drop since the last sample is congestion whatever the queue holds (once the connection has
   *  lasted a rate window): dropping is what keeps the queue short, so without this a capped link
   *  looked clear right after each drop. */
  droppedFrames?: number;
}

export type AdapterDecision =
  | { kind: 'bitrate'; fromKbps: number; toKbps: number; why: string }
  | { kind: 'busy'; why: string };

const BITS_PER_BYTE = 8;
/** 1101 needs this many congestions in a row whose measured rate cannot carry min-bitrate. */
const BUSY_CONGESTIONS_AT_MIN = 1;

export class BitrateAdapter {
  private target: number;
  private samples: LinkSample[] = [];
  private congestedRun = 0;
  private lastQueued = 0;
  private lastDropped = 0;
  private clearSince: number | undefined;
  private lastChangeAt = Number.NEGATIVE_INFINITY;
  private lastCongestionAt = Number.NEGATIVE_INFINITY;
  private lastBusyAt = Number.NEGATIVE_INFINITY;
  /** Congestions in a row whose measured rate cannot carry min-bitrate. */
  private congestedAtMin = 0;
  /** 95 % of the video bitrate the uplink carried at the last step down (none after a link below min-bitrate). */
  private ceiling: { kbps: number; setAt: number; reachedAt?: number } | undefined;

  constructor(
    private bounds: AdapterBounds,
    private readonly tuning: AdapterTuning = DEFAULT_TUNING,
  ) {
    this.target = bounds.maxKbps;
  }

  /** The video bitrate the encoder should run at now. */
  get targetKbps(): number {
    return this.target;
  }

  /** New min/max (setData): the target is clamped into them; the push starts again from max when max changed. */
  setBounds(bounds: AdapterBounds): void {
    const maxChanged = bounds.maxKbps !== this.bounds.maxKbps;
    this.bounds = bounds;
    this.target = maxChanged ? bounds.maxKbps : clamp(this.target, bounds.minKbps, bounds.maxKbps);
    if (maxChanged) this.ceiling = undefined;
  }

  /** The send rate over the last rateWindowMs, in kbps; undefined until two samples span time. */
  sendRateKbps(): number | undefined {
    return this.rateKbps((s) => s.bytesSent, 1);
  }

  /** The rate the server acknowledged over the same window, in kbps; undefined without
   *  acknowledgements, and until the window has filled since the connection began (the first
   *  acknowledgements lag the first bytes by a window and a round trip). */
  deliveredRateKbps(): number | undefined {
    return this.rateKbps((s) => s.bytesDelivered, this.tuning.rateWindowMs);
  }

  /** kbps of a byte counter between the window's first and last samples, once they span `minSpanMs`. */
  private rateKbps(bytes: (s: LinkSample) => number | undefined, minSpanMs: number): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.now - first.now < minSpanMs) return undefined;
    const [from, to] = [bytes(first), bytes(last)];
    if (from === undefined || to === undefined) return undefined;
    return ((to - from) * BITS_PER_BYTE) / (last.now - first.now);
  }

  /** Sending time the queue holds at the measured rate (ms); infinite when nothing moves. */
  queueMs(sample: LinkSample): number {
    if (sample.queuedBytes === 0) return 0;
    const rate = this.sendRateKbps();
    if (rate === undefined) return 0;
    if (rate <= 0) return Number.POSITIVE_INFINITY;
    return (sample.queuedBytes * BITS_PER_BYTE) / rate;
  }

  /** One sample; the decisions it leads to, in the order to report them. */
  tick(sample: LinkSample): AdapterDecision[] {
    if (!sample.connected) {
      // A reconnect is not congestion: the rate window starts over on the next connection.
      this.samples = [];
      this.lastDropped = sample.droppedFrames ?? this.lastDropped;
      this.congestedRun = 0;
      this.congestedAtMin = 0;
      this.clearSince = undefined;
      return [];
    }
    this.samples.push(sample);
    while (this.samples.length > 2 && sample.now - this.samples[1]!.now >= this.tuning.rateWindowMs) this.samples.shift();
    const queueMs = this.queueMs(sample);
    // A deep queue that shrinks is a backlog draining at a bitrate the link carries, not congestion.
    const shrinking = sample.queuedBytes < this.lastQueued;
    this.lastQueued = sample.queuedBytes;
    // Drops count once the rate window has filled since the connection began: right after a
    // reconnect the pusher drops the media that waited through the outage, which says nothing of
    // the uplink; a cap that lasts keeps dropping at every keyframe after that.
    const settled = sample.now - this.samples[0]!.now >= this.tuning.rateWindowMs;
    const dropped = settled ? Math.max(0, (sample.droppedFrames ?? this.lastDropped) - this.lastDropped) : 0;
    this.lastDropped = sample.droppedFrames ?? this.lastDropped;
    // The queue must also hold congestedQueueMs of what the encoder makes: a stalled source (a
    // microphone that ends, a camera restarting) makes the send rate small, and a few KB queued
    // then read as seconds of sending time, though the uplink carries all there is.
    const deep = sample.queuedBytes > ((this.target + this.bounds.audioKbps) * this.tuning.congestedQueueMs) / BITS_PER_BYTE;
    if (dropped > 0 || (queueMs > this.tuning.congestedQueueMs && deep && !shrinking)) {
      this.congestedRun += 1;
      this.clearSince = undefined;
      if (dropped > 0 || this.congestedRun >= this.tuning.congestedSamples) return this.onCongestion(sample, queueMs, dropped);
      return [];
    }
    this.congestedRun = 0;
    if (queueMs < this.tuning.clearQueueMs) {
      this.clearSince ??= sample.now;
      return this.onClear(sample);
    }
    this.clearSince = undefined;
    return [];
  }

  private onCongestion(sample: LinkSample, queueMs: number, dropped = 0): AdapterDecision[] {
    const { minKbps, maxKbps, audioKbps } = this.bounds;
    if (sample.now - this.lastChangeAt < this.tuning.holdAfterChangeMs) return [];
    this.lastCongestionAt = sample.now;
    const rate = this.deliveredRateKbps() ?? this.sendRateKbps() ?? 0;
    const carries = Math.floor(rate * this.tuning.headroom - audioKbps);
    const decisions: AdapterDecision[] = [];
    const queue = (Number.isFinite(queueMs) ? `${Math.round(queueMs)} ms` : 'a queue that does not move') + (dropped > 0 ? `, ${dropped} frames dropped` : '');
    const next = clamp(carries, minKbps, maxKbps);
    // 1101 when the link carries less than min-bitrate plus audio (the headroom is for choosing a
    // bitrate, not for calling the uplink too small).
    const belowMin = rate - audioKbps < minKbps;
    this.congestedAtMin = belowMin ? this.congestedAtMin + 1 : 0;
    if (belowMin) {
      // A link below the minimum says nothing of where it will stand when it recovers: no ceiling
      // (the step up after it is fast).
      this.ceiling = undefined;
    }
    if (next < this.target) {
      decisions.push({ kind: 'bitrate', fromKbps: this.target, toKbps: next, why: `uplink carries ${Math.round(rate)} kbps with ${queue} queued` });
      this.target = next;
      this.lastChangeAt = sample.now;
      // The ceiling is what the link carried when it pushed the bitrate down; a congestion that
      // moves nothing (at min-bitrate, or a backlog draining after a cap lifts) sets none.
      const carried = Math.floor(rate * this.tuning.ceilingShare - audioKbps);
      if (!belowMin && carried > next) this.ceiling = { kbps: carried, setAt: sample.now };
    }
    if (belowMin && this.congestedAtMin >= BUSY_CONGESTIONS_AT_MIN && sample.now - this.lastBusyAt >= this.tuning.busyRepeatMs) {
      decisions.push({ kind: 'busy', why: `uplink carries ${Math.round(rate)} kbps, below min-bitrate ${minKbps} kbps + audio ${audioKbps} kbps (${queue} queued)` });
      this.lastBusyAt = sample.now;
    }
    this.congestedRun = 0;
    return decisions;
  }

  private onClear(sample: LinkSample): AdapterDecision[] {
    const { maxKbps } = this.bounds;
    if (this.target >= maxKbps || this.clearSince === undefined) return [];
    if (sample.now - this.clearSince < this.tuning.clearBeforeUpMs) return [];
    if (sample.now - this.lastChangeAt < this.tuning.clearBeforeUpMs) return [];
    // After a congestion, the next step up is a probe, no sooner than probeAfterCongestionMs.
    if (sample.now - this.lastCongestionAt < this.tuning.probeAfterCongestionMs) return [];
    const next = Math.min(maxKbps, this.stepUpFrom(this.target, sample.now));
    if (next <= this.target) return [];
    const decision: AdapterDecision = { kind: 'bitrate', fromKbps: this.target, toKbps: next, why: `uplink clear for ${sample.now - this.clearSince} ms` };
    this.target = next;
    this.lastChangeAt = sample.now;
    this.clearSince = sample.now;
    return [decision];
  }

  /** The next step up from `target`: by upFactor, but up to a remembered ceiling first, and past
   *  it only once the pusher has held it for ceilingHoldMs, by aboveCeilingFactor. */
  private stepUpFrom(target: number, now: number): number {
    const fast = Math.round(target * this.tuning.upFactor);
    if (this.ceiling && now - this.ceiling.setAt >= this.tuning.ceilingMemoryMs) this.ceiling = undefined;
    const ceiling = this.ceiling;
    if (!ceiling) return fast;
    if (target < ceiling.kbps) {
      const next = Math.min(fast, ceiling.kbps);
      if (next === ceiling.kbps) ceiling.reachedAt = now;
      return next;
    }
    ceiling.reachedAt ??= now;
    if (now - ceiling.reachedAt < this.tuning.ceilingHoldMs) return target;
    return Math.max(target + 1, Math.round(target * this.tuning.aboveCeilingFactor));
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/** A preset's encoded size at a bitrate: the low end of its adaptive resolution range while the
 *  bitrate is in the lower half of its adaptive bitrate range, else the high end. */
export interface AdaptiveResolution {
  low: { width: number; height: number };
  high: { width: number; height: number };
  minKbps: number;
  maxKbps: number;
}

export function resolutionAt(range: AdaptiveResolution, kbps: number): { width: number; height: number } {
  return kbps < (range.minKbps + range.maxKbps) / 2 ? range.low : range.high;
}
