// Stream-level facts from an observation, failing as an assertion when a track or a figure is
// missing (an IUT that pushes no video has failed the check, not broken the bench).
import type { Observation } from '../../oracles/observe.ts';
import { bitrateKbps, gopSeconds, type MediaKind } from '../../oracles/packets.ts';
import { readFrameCounter } from '../../oracles/video.ts';
import { clockDrift, counterRate, liveFrom, wireKbps, wireWindows, type ClockDrift, type CounterRate, type WireWindow } from '../../oracles/wire-clock.ts';
import { fail } from './expect.ts';

/** Most of the live frames whose counter may be unreadable before the count is void. */
export const MAX_UNREADABLE_COUNTER_SHARE = 0.1;
/** Least live wall time a rate is judged over. */
export const MIN_LIVE_SPAN_MS = 2_000;

export function videoStream(o: Observation): { width: number; height: number; codec: string } {
  const v = o.streams.find((s) => s.type === 'video');
  if (!v) fail('no video track reached the server');
  if (v.width === null || v.height === null) fail('the video track has no decodable size');
  return { width: v.width, height: v.height, codec: v.codec };
}

export function audioStream(o: Observation): { sampleRate: number; channels: number | null; codec: string } {
  const a = o.streams.find((s) => s.type === 'audio');
  if (!a) fail('no audio track reached the server');
  if (a.sampleRate === null) fail('the audio track has no sample rate');
  return { sampleRate: a.sampleRate, channels: a.channels, codec: a.codec };
}

export function measuredKbps(o: Observation, kind: MediaKind): number {
  const k = bitrateKbps(o.packets, kind);
  if (k === null) fail(`too few ${kind} packets at the server to measure a bitrate`);
  return k;
}

export function measuredGop(o: Observation): number {
  const g = gopSeconds(o.packets);
  if (g === null) fail('fewer than two keyframes at the server: no GOP to measure');
  return g;
}

function requireLive(o: Observation): number {
  const from = liveFrom(o.packets);
  if (from === null) fail('no packet with an arrival time reached the reader');
  return from;
}

/** Captured frames per wall-clock second: distinct frame counters among the frames that
 *  arrived live (the observation must decode every frame). Fails when the counter is
 *  unreadable in more than MAX_UNREADABLE_COUNTER_SHARE of them or they span too little. */
export function measuredCounterRate(o: Observation): CounterRate & { fps: number } {
  const from = requireLive(o);
  const rate = counterRate(
    o.frames.map((f) => ({ arrivedAtMs: f.arrivedAtMs ?? Number.NaN, counter: readFrameCounter(f) })),
    from,
  );
  if (rate.frames === 0) fail('no decoded video frame arrived live at the reader');
  if (rate.unreadable > MAX_UNREADABLE_COUNTER_SHARE * rate.frames) {
    fail(`the synthetic camera's frame counter is unreadable in ${rate.unreadable} of ${rate.frames} live frames (at most ${MAX_UNREADABLE_COUNTER_SHARE * 100} % allowed): the picture is not the camera's`);
  }
  if (rate.fps === null || rate.spanMs < MIN_LIVE_SPAN_MS) {
    fail(`${rate.distinct} distinct frame counters over ${Math.round(rate.spanMs)} ms of live frames: at least three spanning ${MIN_LIVE_SPAN_MS} ms are needed`);
  }
  return { ...rate, fps: rate.fps };
}

/** Live bytes of a track per wall-clock window; fails with no whole window. */
export function measuredWireWindows(o: Observation, kind: MediaKind, windowMs: number): WireWindow[] {
  requireLive(o);
  const windows = wireWindows(o.packets, kind, windowMs);
  if (windows.length === 0) fail(`no whole ${windowMs} ms window of live ${kind} packets at the reader`);
  return windows;
}

/** Mean kbit/s of a track received live (bytes over wall time). */
export function measuredWireKbps(o: Observation, kind: MediaKind): number {
  requireLive(o);
  const k = wireKbps(o.packets, kind);
  if (k === null) fail(`too few live ${kind} packets at the reader to measure a bitrate`);
  return k;
}

/** Stream time against arrival time of a track's live packets. */
export function measuredDrift(o: Observation, kind: MediaKind): ClockDrift {
  requireLive(o);
  const d = clockDrift(o.packets, kind);
  if (d === null || d.spanMs < MIN_LIVE_SPAN_MS) fail(`too few live ${kind} packets (spanning at least ${MIN_LIVE_SPAN_MS} ms) to compare stream time with arrival time`);
  return d;
}
