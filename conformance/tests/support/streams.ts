// Stream-level facts from an observation, failing as an assertion when a track or a figure is
// missing (an IUT that pushes no video has failed the check, not broken the bench).
import type { Observation } from '../../oracles/observe.ts';
import { bitrateKbps, fps, gopSeconds, type MediaKind } from '../../oracles/packets.ts';
import { fail } from './expect.ts';

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

export function measuredFps(o: Observation): number {
  const f = fps(o.packets);
  if (f === null) fail('too few video packets at the server to measure a frame rate');
  return f;
}

export function measuredGop(o: Observation): number {
  const g = gopSeconds(o.packets);
  if (g === null) fail('fewer than two keyframes at the server: no GOP to measure');
  return g;
}
