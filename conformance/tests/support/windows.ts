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
  const levels: number[] = [];
  for (let at = from; at + AUDIO_SLICE_MS <= to; at += AUDIO_SLICE_MS) {
    const dbfs = audioDbfsBetween(o, at, at + AUDIO_SLICE_MS);
    if (dbfs !== null) levels.push(dbfs);
  }
  if (levels.length === 0) return null;
  levels.sort((a, b) => a - b);
  return levels[Math.floor(levels.length / 2)]!;
}

/** The largest stream-time gap between video packets live in [from, to), counted from the last packet before it to the window's end. */
export function largestVideoGapMs(o: Observation, from: number, to: number): { gapMs: number; packets: number } {
  const offset = liveOffset(o.frames) ?? 0;
  const pts = o.packets.filter((p) => p.stream === 'video').map((p) => p.ptsMs).sort((a, b) => a - b);
  const inside = pts.filter((t) => t + offset >= from && t + offset < to);
  const before = pts.filter((t) => t + offset < from);
  const points = [before.length > 0 ? before[before.length - 1]! : from - offset, ...inside, to - offset];
  let gapMs = 0;
  for (let i = 1; i < points.length; i++) gapMs = Math.max(gapMs, points[i]! - points[i - 1]!);
  return { gapMs, packets: inside.length };
}
