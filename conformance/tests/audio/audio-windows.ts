// The decoded audio of one stretch of a stepped push (runtime-steps.ts), and the measures the
// audio checks take on it: the tone's on-level, the band level of another tone, the pitch, and
// the audiovolumenotify events that arrived in the stretch and how their values group; and the
// spectrograms attached as evidence.
// Spec: live-pusher.zh.md 通用属性 (audio attributes changed while pushing), 事件
// bindaudiovolumenotify; context-api.md setMICVolume, playBGM.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckContext } from '../../check.ts';
import type { IutEvent } from '../../iut-client.ts';
import { spectrumPng } from '../../oracles/audio.ts';
import { gatedOnLevelDbfs } from '../../oracles/spectrum.ts';
import { fail } from '../support/expect.ts';
import { AAC_FRAME_SAMPLES, packetsIn, type RuntimeRun } from '../support/runtime-steps.ts';

export interface Window {
  from: number;
  to: number;
}

/** The decoded samples of the audio packets that reached the reader in the window (each AAC
 *  packet decodes to AAC_FRAME_SAMPLES samples in order). Fails when none did. */
export function samplesIn(run: RuntimeRun, w: Window, what: string): { samples: Float32Array; sampleRate: number; packets: number } {
  const audio = run.observation.audio;
  if (!audio) fail('no decoded audio from the server');
  const all = run.observation.packets.filter((p) => p.stream === 'audio').sort((a, b) => a.ptsMs - b.ptsMs);
  const inside = new Set(packetsIn(run, 'audio', w));
  const indices = all.map((p, i) => (inside.has(p) ? i : -1)).filter((i) => i >= 0);
  if (indices.length === 0) fail(`${what}: no audio packet reached the server in the stretch`);
  const from = indices[0]! * AAC_FRAME_SAMPLES;
  const to = Math.min(audio.samples.length, (indices[indices.length - 1]! + 1) * AAC_FRAME_SAMPLES);
  if (!(to > from)) fail(`${what}: no decoded audio in the stretch`);
  return { samples: audio.samples.subarray(from, to), sampleRate: audio.sampleRate, packets: indices.length };
}

/** The microphone tone's on-level (dBFS RMS while on, spectrum.ts gatedOnLevelDbfs) in the
 *  window; fails when too little of the tone reached the server. */
export function toneOnLevel(run: RuntimeRun, w: Window, what: string): number {
  const { samples, sampleRate, packets } = samplesIn(run, w, what);
  const level = gatedOnLevelDbfs(samples, sampleRate);
  if (level === null) fail(`${what}: too little of the tone reached the server to read its level (${packets} audio packets, ${Math.round((samples.length / sampleRate) * 1000)} ms, in a stretch of ${Math.round(w.to - w.from)} ms)`);
  return level;
}

/** Spectrograms of named stretches, rendered once per push and attached by each check that
 *  judges one of them (a PNG per stretch, not per stretch and check). */
export type Spectra = Map<string, Buffer>;

export async function renderSpectra(ctx: CheckContext, run: RuntimeRun, stretches: readonly (readonly [string, Window])[]): Promise<Spectra> {
  const out: Spectra = new Map();
  for (const [i, [name, w]] of stretches.entries()) {
    try {
      const { samples, sampleRate } = samplesIn(run, w, name);
      const path = join(ctx.workDir, `spectrum-${i}.png`);
      await spectrumPng(samples, sampleRate, path);
      out.set(name, await readFile(path));
    } catch (err) {
      ctx.log(`no spectrum for ${name}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Attaches the spectrograms of the named stretches (evidence). */
export async function attachSpectra(ctx: CheckContext, spectra: Spectra, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const png = spectra.get(name);
    if (png) await ctx.attach(`spectrum: ${name}`, 'image/png', png);
  }
}

/** The numeric `volume` of the audiovolumenotify events the bench received in the window. */
export function volumesIn(events: readonly IutEvent[], w: Window): { at: number; volume: number }[] {
  return events
    .filter((e) => e.event === 'audiovolumenotify' && e.receivedAt >= w.from && e.receivedAt < w.to)
    .map((e) => ({ at: e.receivedAt, volume: Number((e.detail as { volume?: unknown } | null)?.volume) }));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
}

export interface TwoLevels {
  /** The widest gap between consecutive sorted values, as a share of their range (0 for one value). */
  separation: number;
  /** Share of the values below that gap. */
  lowShare: number;
  low: number;
  high: number;
}

/**
 * Volume values of a gated tone fall in two groups: the gaps (low) and the tone (high), with
 * the low group about as large a share as the gaps are of the time (blocks across an edge read
 * either). Found by the widest gap between the sorted values; independent of the IUT's scale
 * and of when the events arrived.
 */
export function twoLevels(values: readonly number[]): TwoLevels {
  const s = [...values].sort((a, b) => a - b);
  const range = s.length > 1 ? s[s.length - 1]! - s[0]! : 0;
  if (!(range > 0)) return { separation: 0, lowShare: 0, low: s[0] ?? Number.NaN, high: s[0] ?? Number.NaN };
  let at = 1;
  for (let i = 1; i < s.length; i++) if (s[i]! - s[i - 1]! > s[at]! - s[at - 1]!) at = i;
  return { separation: (s[at]! - s[at - 1]!) / range, lowShare: at / s.length, low: median(s.slice(0, at)), high: median(s.slice(at)) };
}
