// Audio oracles (README "What the checks believe"): level (muted, enable-mic, setMICVolume, AGC),
// pitch (voice-changer-type), the on/off structure of the synthetic microphone's tone and the
// energy in its gaps (audio-reverb-type, ANS noise floor), measured on decoded mono PCM.
import { DEFAULT_TONE, type ToneSpec } from '../../adapters/microphone/synthetic.ts';
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { runToCompletion } from '../../adapters/process/run-to-completion.ts';

/** dBFS reported for digital silence instead of -Infinity. */
export const DBFS_FLOOR = -200;
export const DEFAULT_SILENCE_THRESHOLD_DBFS = -60;
const MS_PER_S = 1000;

export function toDbfs(linear: number): number {
  return linear > 0 ? Math.max(DBFS_FLOOR, 20 * Math.log10(linear)) : DBFS_FLOOR;
}

/** RMS level in dBFS (plain 20*log10(rms): a full-scale sine reads -3.01). */
export function rmsDbfs(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  return to > from ? toDbfs(Math.sqrt(sum / (to - from))) : DBFS_FLOOR;
}

export function isSilent(samples: Float32Array, thresholdDbfs = DEFAULT_SILENCE_THRESHOLD_DBFS): boolean {
  return rmsDbfs(samples) < thresholdDbfs;
}

/** In-place iterative radix-2 FFT (re/im of power-of-two length). */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0) throw new RangeError(`fft: length ${n} is not a power of two`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

/** Analysis window length: about 170 ms (8192 samples at 48 kHz), a power of two. */
const SPECTRUM_WINDOW_S = 0.17;
const MIN_TONE_HZ = 50;
const TONE_MIN_LEVEL_DBFS = -70;

function windowLength(sampleRate: number): number {
  return 2 ** Math.round(Math.log2(sampleRate * SPECTRUM_WINDOW_S));
}

/** Averaged (Welch, Hann window, 50% overlap) power spectrum; bin k is k*sampleRate/n Hz. */
export function powerSpectrum(samples: Float32Array, sampleRate: number): { power: Float64Array; binHz: number } {
  const n = windowLength(sampleRate);
  const power = new Float64Array(n / 2 + 1);
  const hann = new Float64Array(n);
  for (let i = 0; i < n; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let windows = 0;
  for (let start = 0; start + n <= samples.length; start += n / 2) {
    for (let i = 0; i < n; i++) {
      re[i] = samples[start + i]! * hann[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k <= n / 2; k++) power[k] += re[k]! * re[k]! + im[k]! * im[k]!;
    windows++;
  }
  if (windows > 0) for (let k = 0; k < power.length; k++) power[k] /= windows;
  return { power, binHz: sampleRate / n };
}

/** Frequency of the strongest tone in Hz (spectral peak with Gaussian interpolation between
 *  bins; well inside ±2% for a steady tone), or null for silence or too little audio. */
export function toneFrequency(samples: Float32Array, sampleRate: number): number | null {
  if (samples.length < windowLength(sampleRate) || rmsDbfs(samples) < TONE_MIN_LEVEL_DBFS) return null;
  const { power, binHz } = powerSpectrum(samples, sampleRate);
  let peak = Math.max(1, Math.ceil(MIN_TONE_HZ / binHz));
  for (let k = peak; k < power.length - 1; k++) if (power[k]! > power[peak]!) peak = k;
  if (peak <= 0 || peak >= power.length - 1) return peak * binHz;
  const a = Math.log(power[peak - 1]! + Number.MIN_VALUE);
  const b = Math.log(power[peak]! + Number.MIN_VALUE);
  const c = Math.log(power[peak + 1]! + Number.MIN_VALUE);
  const denom = a - 2 * b + c;
  const delta = denom !== 0 ? (0.5 * (a - c)) / denom : 0;
  return (peak + delta) * binHz;
}

/** Envelope block for segmentation and schedule alignment. */
const BLOCK_MS = 5;
/** A block is "on" when its level is within this many dB of the loudest block. */
const SEGMENT_THRESHOLD_BELOW_PEAK_DB = 20;
/** Segments shorter than this are merged into their neighbours (AAC edge smear, clicks). */
const MIN_SEGMENT_MS = 30;

export interface ToneSegment {
  on: boolean;
  startMs: number;
  endMs: number;
  rmsDbfs: number;
}

function blockPowers(samples: Float32Array, sampleRate: number): { powers: Float64Array; blockLen: number } {
  const blockLen = Math.max(1, Math.round((sampleRate * BLOCK_MS) / MS_PER_S));
  const count = Math.floor(samples.length / blockLen);
  const powers = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    let sum = 0;
    for (let i = b * blockLen; i < (b + 1) * blockLen; i++) sum += samples[i]! * samples[i]!;
    powers[b] = sum / blockLen;
  }
  return { powers, blockLen };
}

/** Alternating on/off segments of a gated tone, found from a 5 ms envelope thresholded 20 dB
 *  below its loudest block. Empty for silence. */
export function toneSegments(samples: Float32Array, sampleRate: number): ToneSegment[] {
  const { powers, blockLen } = blockPowers(samples, sampleRate);
  const peak = powers.reduce((m, p) => Math.max(m, p), 0);
  if (toDbfs(Math.sqrt(peak)) < TONE_MIN_LEVEL_DBFS) return [];
  const threshold = peak * 10 ** (-SEGMENT_THRESHOLD_BELOW_PEAK_DB / 10);
  const runs: { on: boolean; from: number; to: number }[] = [];
  for (let b = 0; b < powers.length; b++) {
    const on = powers[b]! >= threshold;
    const last = runs[runs.length - 1];
    if (last && last.on === on) last.to = b + 1;
    else runs.push({ on, from: b, to: b + 1 });
  }
  const minBlocks = Math.ceil(MIN_SEGMENT_MS / BLOCK_MS);
  const merged: typeof runs = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && (r.to - r.from < minBlocks || last.on === r.on)) last.to = r.to;
    else merged.push({ ...r });
  }
  const blockMs = (blockLen / sampleRate) * MS_PER_S;
  return merged.map((r) => ({
    on: r.on,
    startMs: r.from * blockMs,
    endMs: r.to * blockMs,
    rmsDbfs: rmsDbfs(samples, r.from * blockLen, r.to * blockLen),
  }));
}

export interface ToneAlignment {
  /** Where in the recording the tone's on-window starts (ms, within the first period). */
  offsetMs: number;
  /** RMS of the on-windows (margins trimmed). */
  onRmsDbfs: number;
  /** RMS of the gaps (margins trimmed): reverb tails and noise raise it. */
  gapRmsDbfs: number;
  periods: number;
}

/** Edge margin left out of on and gap windows (AAC frames smear energy ~20-40 ms across an edge). */
export const GAP_MARGIN_MS = 40;

/** Aligns the known on/off schedule with the recording (folding the envelope over one period
 *  and taking the on-window phase with the most energy, which an echo cannot move) and
 *  measures the on-window and gap levels. Null when less than one period was recorded. */
export function alignTone(samples: Float32Array, sampleRate: number, tone: ToneSpec = DEFAULT_TONE, marginMs = GAP_MARGIN_MS): ToneAlignment | null {
  const { powers, blockLen } = blockPowers(samples, sampleRate);
  const blockMs = (blockLen / sampleRate) * MS_PER_S;
  const period = Math.round((tone.onMs + tone.offMs) / blockMs);
  const onBlocks = Math.round(tone.onMs / blockMs);
  if (period <= 0 || powers.length < period) return null;
  const folded = new Float64Array(period);
  for (let b = 0; b < powers.length; b++) folded[b % period] += powers[b]!;
  let bestOffset = 0;
  let bestSum = -1;
  for (let o = 0; o < period; o++) {
    let sum = 0;
    for (let j = 0; j < onBlocks; j++) sum += folded[(o + j) % period]!;
    if (sum > bestSum) {
      bestSum = sum;
      bestOffset = o;
    }
  }
  const margin = Math.round(marginMs / blockMs);
  let onSum = 0;
  let onN = 0;
  let gapSum = 0;
  let gapN = 0;
  for (let b = 0; b < powers.length; b++) {
    const phase = (((b - bestOffset) % period) + period) % period;
    if (phase >= margin && phase < onBlocks - margin) {
      onSum += powers[b]!;
      onN++;
    } else if (phase >= onBlocks + margin && phase < period - margin) {
      gapSum += powers[b]!;
      gapN++;
    }
  }
  return {
    offsetMs: bestOffset * blockMs,
    onRmsDbfs: onN ? toDbfs(Math.sqrt(onSum / onN)) : DBFS_FLOOR,
    gapRmsDbfs: gapN ? toDbfs(Math.sqrt(gapSum / gapN)) : DBFS_FLOOR,
    periods: powers.length / period,
  };
}

/** RMS level of the gaps between tones, in dBFS (see alignTone); DBFS_FLOOR when the
 *  recording is shorter than one period. */
export function gapEnergyDbfs(samples: Float32Array, sampleRate: number, tone: ToneSpec = DEFAULT_TONE): number {
  return alignTone(samples, sampleRate, tone)?.gapRmsDbfs ?? DBFS_FLOOR;
}

export const SPECTRUM_PNG_SIZE = '1024x512';

/** A spectrogram picture of the audio (evidence for reports), via ffmpeg showspectrumpic. */
export async function spectrumPng(samples: Float32Array, sampleRate: number, path: string): Promise<void> {
  await runToCompletion({
    name: 'ffmpeg spectrum',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'f32le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0', '-lavfi', `showspectrumpic=s=${SPECTRUM_PNG_SIZE}`, '-frames:v', '1', path],
    stdin: new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
  });
}
