// Measures of an observation over a window of wall-clock time (a paused or resumed stretch):
// the audio level of the decoded samples and the largest gap between video packets. Stream
// time is put on the wall clock at the live edge, as liveTimes (scenario.ts) does.
import type { RgbFrame } from '../../oracles/frame.ts';
import type { Observation } from '../../oracles/observe.ts';
import { rmsDbfs } from '../../oracles/audio.ts';

/** Audio is judged in slices this long (each holds some of the synthetic tone: 700 ms on / 300 ms off). */
export const AUDIO_SLICE_MS = 500;
const MS_PER_S = 1000;

/** Wall time minus stream time at the live edge: the smallest (arrival − pts) of the decoded
 *  frames (liveTimes in scenario.ts places frames by it); null without timed frames. */
export function liveOffset(frames: RgbFrame[]): number | null {
  const offsets = frames.filter((f) => Number.isFinite(f.ptsMs) && Number.isFinite(f.receivedAt)).map((f) => f.receivedAt - f.ptsMs);
  return offsets.length === 0 ? null : Math.min(...offsets);
}

/** RMS level (dBFS) of the decoded audio live in [from, to), or null when too little of it is there. */
export function audioDbfsBetween(o: Observation, from: number, to: number): number | null {
  const offset = liveOffset(o.frames);
  const audioPts = o.packets.filter((p) => p.stream === 'audio').map((p) => p.ptsMs);
  if (!o.audio || offset === null || audioPts.length === 0) return null;
  const startsAt = Math.min(...audioPts) + offset;
  const rate = o.audio.sampleRate;
  const i0 = Math.max(0, Math.round(((from - startsAt) / MS_PER_S) * rate));
  const i1 = Math.min(o.audio.samples.length, Math.round(((to - startsAt) / MS_PER_S) * rate));
  if (i1 - i0 < (AUDIO_SLICE_MS / MS_PER_S) * rate) return null;
  return rmsDbfs(o.audio.samples, i0, i1);
}

/**
 * The median level of the AUDIO_SLICE_MS slices of [from, to), or null when none was decoded.
 * Decoded samples are placed on the wall clock from the first audio packet on, so a gap in the
 * audio (an encoder restart) can shift a window's edge by its length; the median of the slices
 * is not moved by one misplaced edge.
 */
export function medianAudioDbfs(o: Observation, from: number, to: number): number | null {
  return medianOfSlices(from, to, (a, b) => audioDbfsBetween(o, a, b));
}

/** The median of `level` over the AUDIO_SLICE_MS slices of [from, to); null when none had one. */
function medianOfSlices(from: number, to: number, level: (from: number, to: number) => number | null): number | null {
  const levels: number[] = [];
  for (let at = from; at + AUDIO_SLICE_MS <= to; at += AUDIO_SLICE_MS) {
    const dbfs = level(at, at + AUDIO_SLICE_MS);
    if (dbfs !== null) levels.push(dbfs);
  }
  if (levels.length === 0) return null;
  levels.sort((a, b) => a - b);
  return levels[Math.floor(levels.length / 2)]!;
}

/** The largest stream-time gap between video packets live in [from, to), counted from the last packet before it to the window's end. */
export function largestVideoGapMs(o: Observation, from: number, to: number): { gapMs: number; packets: number } {
  const offset = liveOffset(o.frames) ?? 0;
  return largestGapMs(o.packets.filter((p) => p.stream === 'video').map((p) => p.ptsMs + offset), from, to);
}

/** The largest gap between the wall times `at` in [from, to), counted from the last one before
 *  it to the window's end; how many fell inside. */
function largestGapMs(at: number[], from: number, to: number): { gapMs: number; packets: number } {
  const sorted = [...at].sort((a, b) => a - b);
  const inside = sorted.filter((t) => t >= from && t < to);
  const before = sorted.filter((t) => t < from);
  const points = [before.length > 0 ? before[before.length - 1]! : from, ...inside, to];
  let gapMs = 0;
  for (let i = 1; i < points.length; i++) gapMs = Math.max(gapMs, points[i]! - points[i - 1]!);
  return { gapMs, packets: inside.length };
}

// Placement by arrival. A push whose stream time leaves out the time its encoder restarts took
// (timestamps continue one frame after the last, stream-clock.ts does so) falls behind the wall
// clock by that much at every restart; placed at the live edge, everything after a few slow
// restarts (a PulseAudio capture reopening takes 1.5 s) lands seconds early. These place frames
// and audio by when their packets arrived at the reader instead: later by the reader's latency
// (tens of ms on loopback), never by the IUT's timestamps. For windows well after the start (the
// server's cached-GOP burst arrives all at once).

/** Frames whose packet arrived in [from, to). A frame sampled on a time grid (frames every N ms;
 *  ffmpeg's fps filter takes the input frame nearest the grid time) has the arrival of the video
 *  packet presented nearest its time. */
export function framesArrivedBetween(o: Observation, from: number, to: number): RgbFrame[] {
  const video = o.packets.filter((p) => p.stream === 'video' && p.arrivedAtMs !== undefined).sort((a, b) => a.ptsMs - b.ptsMs);
  const arrival = (f: RgbFrame): number | undefined => {
    if (f.arrivedAtMs !== undefined) return f.arrivedAtMs;
    let best: (typeof video)[number] | undefined;
    for (const p of video) {
      if (best === undefined || Math.abs(p.ptsMs - f.ptsMs) < Math.abs(best.ptsMs - f.ptsMs)) best = p;
      else if (p.ptsMs > f.ptsMs) break;
    }
    return best?.arrivedAtMs;
  };
  return o.frames.filter((f) => {
    const at = arrival(f);
    return at !== undefined && at >= from && at < to;
  });
}

/** The decoded samples of the audio packets that arrived in [from, to), in decode order; the
 *  decoded track is the packets' samples one after another, each packet holding the same count
 *  (AAC: 1024). Null without decoded audio. */
function samplesArrivedBetween(o: Observation, from: number, to: number): Float32Array | null {
  if (!o.audio) return null;
  const samples = o.audio.samples;
  const audio = o.packets.filter((p) => p.stream === 'audio').sort((a, b) => a.dtsMs - b.dtsMs);
  if (audio.length === 0) return null;
  const perPacket = samples.length / audio.length;
  const picked: number[] = [];
  audio.forEach((p, i) => {
    if (p.arrivedAtMs === undefined || p.arrivedAtMs < from || p.arrivedAtMs >= to) return;
    const end = Math.min(samples.length, Math.round((i + 1) * perPacket));
    for (let k = Math.round(i * perPacket); k < end; k++) picked.push(samples[k]!);
  });
  return Float32Array.from(picked);
}

/** The median level (dBFS) of the audio whose packets arrived in [from, to), over slices of
 *  AUDIO_SLICE_MS of it (packets arrive in bursts: the slices are cut from the samples, not from
 *  the wall clock); null when under one slice arrived. */
export function medianAudioDbfsArrived(o: Observation, from: number, to: number): number | null {
  const samples = samplesArrivedBetween(o, from, to);
  if (!samples || !o.audio) return null;
  const slice = Math.round((AUDIO_SLICE_MS / MS_PER_S) * o.audio.sampleRate);
  const levels: number[] = [];
  for (let at = 0; at + slice <= samples.length; at += slice) levels.push(rmsDbfs(samples, at, at + slice));
  if (levels.length === 0) return null;
  levels.sort((x, y) => x - y);
  return levels[Math.floor(levels.length / 2)]!;
}

/** The largest wall-clock gap between video packets arriving in [from, to), counted from the
 *  last arrival before it to the window's end. */
export function largestVideoArrivalGapMs(o: Observation, from: number, to: number): { gapMs: number; packets: number } {
  return largestGapMs(o.packets.filter((p) => p.stream === 'video' && p.arrivedAtMs !== undefined).map((p) => p.arrivedAtMs!), from, to);
}
