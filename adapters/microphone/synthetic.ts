// The synthetic microphone (README "Rig files"): a known tone with gaps, played live by
// ffmpeg's aevalsrc, so pitch (voice changer), level (mute, MIC volume, AGC), reverb tail
// (energy in the gaps) and noise are measurable in the decoded stream. Mono.
export interface ToneSpec {
  frequencyHz: number;
  onMs: number;
  offMs: number;
  /** Peak amplitude of the sine in dBFS (its RMS is 3.01 dB lower). */
  levelDbfs: number;
}

export interface MicrophoneSource {
  kind: 'synthetic' | 'pulse' | 'alsa' | 'file';
  describe(): string;
  /** ffmpeg input args producing live, real-time-paced audio at `sampleRate`. */
  inputArgs(opts: { sampleRate: number }): Promise<string[]>;
  tone: ToneSpec | null;
}

export const DEFAULT_TONE: Readonly<ToneSpec> = { frequencyHz: 1000, onMs: 700, offMs: 300, levelDbfs: -12 };

/** Linear fade at each tone edge, so the gating does not splatter broadband clicks into the
 *  gaps (which would read as reverb or noise). */
export const TONE_RAMP_MS = 5;
const MS_PER_S = 1000;
const CHANNEL_LAYOUT = 'mono';

export function dbfsToAmplitude(dbfs: number): number {
  return 10 ** (dbfs / 20);
}

/** The aevalsrc expression of the gated tone (seconds-based, `t` is the sample time). */
export function toneExpression(tone: ToneSpec): string {
  const period = (tone.onMs + tone.offMs) / MS_PER_S;
  const on = tone.onMs / MS_PER_S;
  const ramp = TONE_RAMP_MS / MS_PER_S;
  const amplitude = dbfsToAmplitude(tone.levelDbfs);
  const phase = `mod(t,${period})`;
  const gate = `if(lt(${phase},${on}),min(1,min(${phase},${on}-${phase})/${ramp}),0)`;
  return `${amplitude.toFixed(6)}*sin(2*PI*${tone.frequencyHz}*t)*${gate}`;
}

function validate(tone: ToneSpec): void {
  if (!(tone.frequencyHz > 0)) throw new RangeError(`synthetic microphone: bad frequency ${tone.frequencyHz}`);
  if (!(tone.onMs > 0) || !(tone.offMs >= 0)) throw new RangeError(`synthetic microphone: bad on/off ${tone.onMs}/${tone.offMs}`);
  if (!(tone.levelDbfs <= 0)) throw new RangeError(`synthetic microphone: level ${tone.levelDbfs} dBFS is above full scale`);
}

export function syntheticMicrophone(opts: Partial<ToneSpec> = {}): MicrophoneSource {
  const tone: ToneSpec = { ...DEFAULT_TONE, ...opts };
  validate(tone);
  return {
    kind: 'synthetic',
    tone,
    describe: () =>
      `synthetic microphone ${tone.frequencyHz} Hz, ${tone.onMs} ms on / ${tone.offMs} ms off, ${tone.levelDbfs} dBFS peak`,
    async inputArgs({ sampleRate }) {
      if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`synthetic microphone: bad sample rate ${sampleRate}`);
      const graph = `aevalsrc=exprs='${toneExpression(tone)}':s=${sampleRate}:c=${CHANNEL_LAYOUT}`;
      return ['-re', '-f', 'lavfi', '-i', graph];
    },
  };
}
