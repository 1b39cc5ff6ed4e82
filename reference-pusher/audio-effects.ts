// The microphone's processing before the AAC encoder, as one ffmpeg audio filter chain:
// setMICVolume (a gain), enable-ans (FFT noise suppression), enable-agc (dynamic level
// normalisation), voice-changer-type (pitch shift and timbre) and audio-reverb-type (a dense
// multi-tap echo whose taps fall off exponentially, so each type has its own decay time).
// Spec: live-pusher.zh.md 通用属性 (enable-agc 是否开启音频自动增益, enable-ans 是否开启音频噪声抑制,
// audio-reverb-type 音频混响类型 0-7, voice-changer-type 0-4, 6-11) and context-api.md setMICVolume.

/** The processing the pusher applies to the captured microphone (all primitive, so a change is
 *  seen by encoderChanged()). */
export interface AudioEffects {
  /** setMICVolume: linear gain 0-1. */
  micVolume: number;
  agc: boolean;
  ans: boolean;
  reverbType: number;
  voiceChangerType: number;
}

export const DEFAULT_MIC_VOLUME = 1;

/**
 * Reverb presets: the time the tail takes to fall by 60 dB (T60), the level of the first
 * echoes relative to the dry sound, and the spacing of the taps. The spec names the types only
 * (KTV, small room, great hall, deep, resonant, metallic, magnetic); the figures are ours,
 * chosen so every type's tail is measurable in a 300 ms gap and no two types share a T60.
 */
export const REVERB_PRESETS: Record<number, { name: string; t60Ms: number; wet: number; spacingMs: number } | null> = {
  0: null,
  1: { name: 'KTV', t60Ms: 900, wet: 0.35, spacingMs: 9.4 },
  2: { name: 'small room', t60Ms: 180, wet: 0.45, spacingMs: 5.3 },
  3: { name: 'great hall', t60Ms: 1700, wet: 0.3, spacingMs: 13.2 },
  4: { name: 'deep', t60Ms: 450, wet: 0.4, spacingMs: 11.6 },
  5: { name: 'resonant', t60Ms: 1200, wet: 0.15, spacingMs: 7.7 },
  6: { name: 'metallic', t60Ms: 300, wet: 0.5, spacingMs: 3.3 },
  7: { name: 'magnetic', t60Ms: 650, wet: 0.3, spacingMs: 8.5 },
};

/** How the voice changer types sound, as the spec's names describe them. */
export type VoiceKind = 'off' | 'higher' | 'lower' | 'timbre';

/** A hard clipper (odd harmonics): the sound of a distorted amplifier. */
const HARD_CLIP = 'aeval=exprs=clip(val(0)*8\\,-0.2\\,0.2):c=same';

/** Voice changer presets: a pitch ratio and an optional timbre filter. */
export const VOICE_PRESETS: Record<number, { name: string; kind: VoiceKind; pitch: number; timbre: string | null }> = {
  0: { name: 'off', kind: 'off', pitch: 1, timbre: null },
  1: { name: 'naughty child', kind: 'higher', pitch: 1.5, timbre: null },
  2: { name: 'little girl', kind: 'higher', pitch: 1.3, timbre: null },
  3: { name: 'middle-aged man', kind: 'lower', pitch: 0.8, timbre: null },
  4: { name: 'heavy metal', kind: 'timbre', pitch: 1, timbre: HARD_CLIP },
  6: { name: 'foreigner', kind: 'timbre', pitch: 1, timbre: 'vibrato=f=7:d=0.6' },
  7: { name: 'trapped beast', kind: 'lower', pitch: 0.6, timbre: 'tremolo=f=12:d=0.5' },
  8: { name: 'fat guy', kind: 'lower', pitch: 0.7, timbre: null },
  9: { name: 'strong current', kind: 'timbre', pitch: 1, timbre: 'tremolo=f=60:d=1' },
  10: { name: 'heavy machinery', kind: 'lower', pitch: 0.85, timbre: HARD_CLIP },
  11: { name: 'ethereal', kind: 'higher', pitch: 1.2, timbre: 'aecho=0.8:0.7:60|130:0.4|0.25' },
};

/** The deterministic jitter (ms) added to each reverb tap, so the taps do not line up with
 *  the period of a tone and add coherently (a comb). */
const TAP_JITTER_MS = 2.5;
/** aecho's output gain for the reverb: leaves headroom for the sum of the taps. */
const REVERB_OUT_GAIN = 0.8;
/** Gain of the dry sound in the reverb. */
const REVERB_IN_GAIN = 1;

function jitter(k: number): number {
  // A fixed low-discrepancy sequence (golden ratio), not random: the same taps every run.
  return ((k * 0.6180339887) % 1) * TAP_JITTER_MS;
}

/** aecho arguments for a reverb type: taps every spacingMs until the tail has fallen 60 dB. */
export function reverbFilter(type: number): string | null {
  const p = REVERB_PRESETS[type];
  if (!p) return null;
  const delays: string[] = [];
  const decays: string[] = [];
  for (let k = 1; k * p.spacingMs <= p.t60Ms; k++) {
    const d = k * p.spacingMs + jitter(k);
    delays.push(d.toFixed(2));
    decays.push(Math.max(0.0001, p.wet * 10 ** ((-3 * d) / p.t60Ms)).toFixed(4));
  }
  return `aecho=${REVERB_IN_GAIN}:${REVERB_OUT_GAIN}:${delays.join('|')}:${decays.join('|')}`;
}

function voiceFilter(type: number): string[] {
  const p = VOICE_PRESETS[type];
  if (!p || p.kind === 'off') return [];
  const parts: string[] = [];
  if (p.pitch !== 1) parts.push(`rubberband=pitch=${p.pitch}`);
  if (p.timbre) parts.push(p.timbre);
  return parts;
}

/** ANS: FFT denoiser with a fixed noise floor of -25 dB and up to 40 dB of reduction. Measured
 *  offline on the rig's tone-noise signal (white noise at -40 dBFS RMS): the noise falls to
 *  -57.6 dBFS and stays there, the tone moves by < 0.01 dB; a quiet tone (-43 dBFS RMS) loses
 *  0.9 dB. Noise tracking (tn=1) was left out: it learns the tone as noise and within 8 s lets
 *  the floor back up to -50 dBFS. */
export const ANS_FILTER = 'afftdn=nr=40:nf=-25';
/** AGC: dynamic normalisation towards a peak of -3 dBFS, over about half a second. */
const AGC_FILTER = 'dynaudnorm=f=100:g=5:p=0.7:m=30';

/** The filters applied to the microphone, in order; empty when it goes out untouched. */
export function audioEffectFilters(e: AudioEffects): string[] {
  const parts: string[] = [];
  if (e.micVolume !== DEFAULT_MIC_VOLUME) parts.push(`volume=${e.micVolume.toFixed(4)}`);
  if (e.ans) parts.push(ANS_FILTER);
  if (e.agc) parts.push(AGC_FILTER);
  parts.push(...voiceFilter(e.voiceChangerType));
  const reverb = reverbFilter(e.reverbType);
  if (reverb) parts.push(reverb);
  return parts;
}

/** setMICVolume's argument: a number 0-1 (context-api.md: typed number). A problem or null. */
export function micVolumeProblem(volume: unknown): string | null {
  if (typeof volume !== 'number' || !Number.isFinite(volume)) return `volume: ${JSON.stringify(volume)} is not legal; expected a number from 0 to 1`;
  if (volume < 0 || volume > 1) return `volume: ${volume} is not legal; expected a number from 0 to 1`;
  return null;
}

/** The attribute-driven effects (setMICVolume is a call: the pusher sets micVolume). */
export function audioEffectsFromAttributes(attrs: Record<string, unknown>): AudioEffects {
  return {
    micVolume: DEFAULT_MIC_VOLUME,
    agc: attrs['enable-agc'] === true,
    ans: attrs['enable-ans'] === true,
    reverbType: Number(attrs['audio-reverb-type'] ?? 0),
    voiceChangerType: Number(attrs['voice-changer-type'] ?? 0),
  };
}
