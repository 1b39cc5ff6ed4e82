// Spectral and envelope measures of decoded mono PCM for the audio checks: the level of one
// frequency band (a BGM tone beside the microphone's), the share of the power away from a tone
// (a voice changer's timbre), and the decay time of the tail in the gaps of the gated tone
// (audio-reverb-type), and the noise around a gated tone, in its gaps and beside it while it
// sounds (enable-ans). Pure functions of the samples; pitch and the tone's on/off alignment
// come from audio.ts.
// Spec: live-pusher.zh.md 通用属性 (audio-reverb-type, voice-changer-type, enable-ans), context-api.md
// (playBGM, setBGMVolume).
import { DEFAULT_TONE, type ToneSpec } from '../../adapters/microphone/synthetic.ts';
import { DBFS_FLOOR, GAP_MARGIN_MS, alignTone, powerSpectrum, toDbfs } from './audio.ts';

const MS_PER_S = 1000;
/** Sum of the squared Hann window over its length, per sample (3/8). */
const HANN_POWER_PER_SAMPLE = 3 / 8;

/**
 * RMS level (dBFS) of the part of the signal within [lowHz, highHz]: the one-sided Welch power
 * in those bins, scaled so a sine of amplitude A inside the band reads 20·log10(A/√2).
 */
export function bandLevelDbfs(samples: Float32Array, sampleRate: number, lowHz: number, highHz: number): number {
  const { power, binHz } = powerSpectrum(samples, sampleRate);
  const n = (power.length - 1) * 2;
  let sum = 0;
  for (let k = Math.max(0, Math.ceil(lowHz / binHz)); k <= Math.min(power.length - 1, Math.floor(highHz / binHz)); k++) sum += power[k]!;
  if (n === 0) return DBFS_FLOOR;
  const meanSquare = (2 * sum) / (n * n * HANN_POWER_PER_SAMPLE);
  return toDbfs(Math.sqrt(meanSquare));
}

/** Share (0-1) of the power (above `minHz`) that lies outside ±`bandRatio` of `toneHz`: 0 for
 *  a pure tone there, near 1 when the tone moved or is buried in other sound. */
export function powerAwayFrom(samples: Float32Array, sampleRate: number, toneHz: number, bandRatio: number, minHz = 50): number {
  const { power, binHz } = powerSpectrum(samples, sampleRate);
  let inside = 0;
  let total = 0;
  for (let k = Math.ceil(minHz / binHz); k < power.length; k++) {
    const f = k * binHz;
    total += power[k]!;
    if (Math.abs(f - toneHz) <= toneHz * bandRatio) inside += power[k]!;
  }
  return total > 0 ? 1 - inside / total : 0;
}

/** Envelope block for the decay fit (ms). */
const DECAY_BLOCK_MS = 5;
/** Blocks left out after the tone's end edge (AAC smears an edge over ~20-40 ms). */
const DECAY_EDGE_MS = 30;
/** Blocks within this many dB of the noise floor are left out of the fit. */
const DECAY_ABOVE_FLOOR_DB = 6;
/** The fit needs this many blocks. */
const DECAY_MIN_BLOCKS = 6;

export interface DecayMeasure {
  /** Time for the tail to fall 60 dB, extrapolated from the fitted slope (ms); Infinity when it does not fall. */
  t60Ms: number;
  /** Tail level at the start of the fit relative to the tone's on-level (dB). */
  tailDb: number;
  /** Gaps the fit used. */
  gaps: number;
}

/**
 * The decay of the sound in the gaps of a gated tone: the per-block levels (dB) of every gap,
 * taken from DECAY_EDGE_MS after the tone's end, are averaged across gaps, and a line is fitted
 * to the average while it stays DECAY_ABOVE_FLOOR_DB above `floorDbfs`. Null when no full gap
 * was recorded or the tail is under the floor from the start (no measurable tail).
 */
export function decayInGaps(samples: Float32Array, sampleRate: number, tone: ToneSpec = DEFAULT_TONE, floorDbfs = -90): DecayMeasure | null {
  const aligned = alignTone(samples, sampleRate, tone);
  if (!aligned) return null;
  const blockLen = Math.max(1, Math.round((sampleRate * DECAY_BLOCK_MS) / MS_PER_S));
  const periodSamples = ((tone.onMs + tone.offMs) / MS_PER_S) * sampleRate;
  const firstEnd = ((aligned.offsetMs + tone.onMs) / MS_PER_S) * sampleRate;
  const gapBlocks = Math.floor(((tone.offMs - DECAY_EDGE_MS) / MS_PER_S) * sampleRate / blockLen);
  const edge = Math.round((DECAY_EDGE_MS / MS_PER_S) * sampleRate);
  const sums = new Float64Array(gapBlocks);
  let gaps = 0;
  for (let end = firstEnd - periodSamples; end < samples.length; end += periodSamples) {
    const from = Math.round(end) + edge;
    if (from < 0 || from + gapBlocks * blockLen > samples.length) continue;
    for (let b = 0; b < gapBlocks; b++) {
      let s = 0;
      for (let i = from + b * blockLen; i < from + (b + 1) * blockLen; i++) s += samples[i]! * samples[i]!;
      sums[b] += s / blockLen;
    }
    gaps++;
  }
  if (gaps === 0 || gapBlocks < DECAY_MIN_BLOCKS) return null;
  const levels = Array.from(sums, (p) => toDbfs(Math.sqrt(p / gaps)));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [b, db] of levels.entries()) {
    if (db < floorDbfs + DECAY_ABOVE_FLOOR_DB) break;
    xs.push(b * DECAY_BLOCK_MS);
    ys.push(db);
  }
  if (xs.length < DECAY_MIN_BLOCKS) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  const slopeDbPerMs = den > 0 ? num / den : 0;
  return {
    t60Ms: slopeDbPerMs < 0 ? -60 / slopeDbPerMs : Number.POSITIVE_INFINITY,
    tailDb: ys[0]! - aligned.onRmsDbfs,
    gaps,
  };
}

/** Frequency (Hz) of the strongest component within [lowHz, highHz] (Gaussian interpolation
 *  between bins, as toneFrequency), or null when the band holds nothing above `minDbfs`. */
export function peakFrequencyIn(samples: Float32Array, sampleRate: number, lowHz: number, highHz: number, minDbfs = -70): number | null {
  if (bandLevelDbfs(samples, sampleRate, lowHz, highHz) < minDbfs) return null;
  const { power, binHz } = powerSpectrum(samples, sampleRate);
  const first = Math.max(1, Math.ceil(lowHz / binHz));
  const last = Math.min(power.length - 2, Math.floor(highHz / binHz));
  if (last < first) return null;
  let peak = first;
  for (let k = first; k <= last; k++) if (power[k]! > power[peak]!) peak = k;
  const a = Math.log(power[peak - 1]! + Number.MIN_VALUE);
  const b = Math.log(power[peak]! + Number.MIN_VALUE);
  const c = Math.log(power[peak + 1]! + Number.MIN_VALUE);
  const denom = a - 2 * b + c;
  return (peak + (denom !== 0 ? (0.5 * (a - c)) / denom : 0)) * binHz;
}

/** Envelope block for gatedOnLevelDbfs (ms). */
const ON_BLOCK_MS = 5;
/** A block is "on" within this many dB of the loudest block (quieter sound in the gaps, such as
 *  background music, stays out). */
const ON_BELOW_PEAK_DB = 6;
/** At least this much of the tone must be on to read its level (ms). */
const MIN_ON_MS = 100;

/**
 * The level (dBFS RMS) of a gated tone while it is on, from any stretch holding some of it: the
 * median level of the 5 ms blocks within 6 dB of the loudest (the median leaves out the
 * edges and clicks). Needs no whole on/off period, unlike alignTone. Null when less than
 * MIN_ON_MS is on or the stretch is silent.
 */
export function gatedOnLevelDbfs(samples: Float32Array, sampleRate: number): number | null {
  const blockLen = Math.max(1, Math.round((sampleRate * ON_BLOCK_MS) / MS_PER_S));
  const levels: number[] = [];
  for (let b = 0; (b + 1) * blockLen <= samples.length; b++) {
    let sum = 0;
    for (let i = b * blockLen; i < (b + 1) * blockLen; i++) sum += samples[i]! * samples[i]!;
    levels.push(toDbfs(Math.sqrt(sum / blockLen)));
  }
  const peak = Math.max(DBFS_FLOOR, ...levels);
  if (peak <= DBFS_FLOOR) return null;
  const on = levels.filter((l) => l >= peak - ON_BELOW_PEAK_DB).sort((a, b) => a - b);
  if (on.length * ON_BLOCK_MS < MIN_ON_MS) return null;
  return on[Math.floor(on.length / 2)]!;
}

export interface ToneAndNoise {
  /** RMS of the tone's on-windows (dBFS; the noise under it adds little). */
  toneDbfs: number;
  /** RMS of the gaps (dBFS): the noise floor between the bursts. */
  gapDbfs: number;
  /** Level (dBFS) of [lowHz, highHz] within the on-windows: the noise beside the sounding tone,
   *  which a gate that only mutes the gaps leaves. */
  besideToneDbfs: number;
  /** Whole on-windows read for besideToneDbfs. */
  windows: number;
}

/**
 * A gated tone and the noise around it (enable-ans): the tone's level, the noise floor in its
 * gaps, and the noise in a band away from the tone while it sounds. On-windows and gaps are
 * placed by alignTone (edge margins left out). Null when less than one period was recorded or
 * no whole on-window is long enough for a spectrum.
 */
export function toneAndNoise(samples: Float32Array, sampleRate: number, tone: ToneSpec, band: { lowHz: number; highHz: number }): ToneAndNoise | null {
  const aligned = alignTone(samples, sampleRate, tone);
  if (!aligned) return null;
  const period = ((tone.onMs + tone.offMs) / MS_PER_S) * sampleRate;
  const margin = (GAP_MARGIN_MS / MS_PER_S) * sampleRate;
  const onLen = (tone.onMs / MS_PER_S) * sampleRate - 2 * margin;
  let power = 0;
  let windows = 0;
  for (let start = ((aligned.offsetMs / MS_PER_S) * sampleRate) - period; start < samples.length; start += period) {
    const from = Math.round(start + margin);
    const to = Math.round(start + margin + onLen);
    if (from < 0 || to > samples.length) continue;
    power += 10 ** (bandLevelDbfs(samples.subarray(from, to), sampleRate, band.lowHz, band.highHz) / 10);
    windows++;
  }
  if (windows === 0) return null;
  return { toneDbfs: aligned.onRmsDbfs, gapDbfs: aligned.gapRmsDbfs, besideToneDbfs: toDbfs(Math.sqrt(power / windows)), windows };
}
