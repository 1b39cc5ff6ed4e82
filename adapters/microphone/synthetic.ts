// The synthetic microphone (README "Rig files"): a known tone with gaps, played live by
// ffmpeg's aevalsrc, so pitch (voice changer), level (mute, MIC volume, AGC), reverb tail
// (energy in the gaps) and noise are measurable in the decoded stream. Mono. Its signals
// (rig microphone `signal`, MICROPHONE_SIGNALS): the tone bursts with silent gaps (default),
// the same tone over steady white noise of a known level (noise suppression), and a quiet tone.
export interface ToneSpec {
  frequencyHz: number;
  onMs: number;
  offMs: number;
  /** Peak amplitude of the sine in dBFS (its RMS is 3.01 dB lower). */
  levelDbfs: number;
  /** RMS level (dBFS) of steady white noise under the tone and in its gaps; absent: none. */
  noiseDbfs?: number;
}

export interface MicrophoneSource {
  kind: 'synthetic' | 'pulse' | 'alsa' | 'file';
  describe(): string;
  /** ffmpeg input args producing live, real-time-paced audio at `sampleRate`. */
  inputArgs(opts: { sampleRate: number }): Promise<string[]>;
  /** A microphone ffmpeg cannot open itself is captured by this process instead: its stdout is
   *  the raw audio (s16le, mono, at `sampleRate`), and inputArgs read it from CAPTURE_PIPE_FD. */
  capture?(opts: { sampleRate: number }): CaptureCommand;
  tone: ToneSpec | null;
}

/** A process whose stdout is a microphone's live audio: s16le, mono, at the rate asked for. */
export interface CaptureCommand {
  name: string;
  command: string;
  args: string[];
}

/** The file descriptor on which ffmpeg reads a capture process's audio (pipe:5: 3 and 4 are the
 *  pipeline's raw picture and level taps). */
export const CAPTURE_PIPE_FD = 5;

/** ffmpeg input args for the raw audio a capture process writes into CAPTURE_PIPE_FD. Nothing to
 *  probe in raw samples of a known format: without the two limits ffmpeg read ~1 s of them before
 *  its first output (an encoder restart with parec took 1.2 s instead of 0.3 s). */
export function captureInputArgs(sampleRate: number): string[] {
  return ['-probesize', '32', '-analyzeduration', '0', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', `pipe:${CAPTURE_PIPE_FD}`];
}

export const DEFAULT_TONE: Readonly<ToneSpec> = { frequencyHz: 1000, onMs: 700, offMs: 300, levelDbfs: -12 };

/** The signals a rig's synthetic microphone can play (`signal`; absent: tone). */
export const MICROPHONE_SIGNALS = {
  /** The tone bursts with silent gaps. */
  tone: DEFAULT_TONE,
  /** The same tone over steady white noise at -40 dBFS RMS (flat from 0 Hz to half the sample
   *  rate), in its gaps too: what a noise suppressor removes. */
  'tone-noise': { ...DEFAULT_TONE, noiseDbfs: -40 },
  /** The tone 28 dB down (-40 dBFS peak): what an automatic gain brings up. */
  'quiet-tone': { ...DEFAULT_TONE, levelDbfs: -40 },
} as const satisfies Record<string, Readonly<ToneSpec>>;
export type MicrophoneSignal = keyof typeof MICROPHONE_SIGNALS;
export const MICROPHONE_SIGNAL_NAMES = Object.keys(MICROPHONE_SIGNALS) as MicrophoneSignal[];

/** The tone of a named signal (absent: the default tone); a RangeError names the legal ones. */
export function toneOfSignal(signal: string | undefined): ToneSpec {
  if (signal === undefined) return { ...DEFAULT_TONE };
  if (!Object.hasOwn(MICROPHONE_SIGNALS, signal)) {
    throw new RangeError(`synthetic microphone: signal ${JSON.stringify(signal)} is not legal; legal values: ${MICROPHONE_SIGNAL_NAMES.join(', ')}`);
  }
  return { ...MICROPHONE_SIGNALS[signal as MicrophoneSignal] };
}

/** Linear fade at each tone edge, so the gating does not splatter broadband clicks into the
 *  gaps (which would read as reverb or noise). */
export const TONE_RAMP_MS = 5;
const MS_PER_S = 1000;
const CHANNEL_LAYOUT = 'mono';

export function dbfsToAmplitude(dbfs: number): number {
  return 10 ** (dbfs / 20);
}

/** Uniform noise in [-a, a] has an RMS of a/√3. */
const UNIFORM_RMS_TO_PEAK = Math.sqrt(3);

/** The aevalsrc expression of the gated tone (seconds-based, `t` is the sample time), plus the
 *  noise: aevalsrc's random(0), uniform in [0, 1) and independent from sample to sample (white). */
export function toneExpression(tone: ToneSpec): string {
  const period = (tone.onMs + tone.offMs) / MS_PER_S;
  const on = tone.onMs / MS_PER_S;
  const ramp = TONE_RAMP_MS / MS_PER_S;
  const amplitude = dbfsToAmplitude(tone.levelDbfs);
  const phase = `mod(t,${period})`;
  const gate = `if(lt(${phase},${on}),min(1,min(${phase},${on}-${phase})/${ramp}),0)`;
  const sine = `${amplitude.toFixed(6)}*sin(2*PI*${tone.frequencyHz}*t)*${gate}`;
  if (tone.noiseDbfs === undefined) return sine;
  const noisePeak = dbfsToAmplitude(tone.noiseDbfs) * UNIFORM_RMS_TO_PEAK;
  return `${sine}+${noisePeak.toFixed(6)}*(2*random(0)-1)`;
}

function validate(tone: ToneSpec): void {
  if (!(tone.frequencyHz > 0)) throw new RangeError(`synthetic microphone: bad frequency ${tone.frequencyHz}`);
  if (!(tone.onMs > 0) || !(tone.offMs >= 0)) throw new RangeError(`synthetic microphone: bad on/off ${tone.onMs}/${tone.offMs}`);
  if (!(tone.levelDbfs <= 0)) throw new RangeError(`synthetic microphone: level ${tone.levelDbfs} dBFS is above full scale`);
  if (tone.noiseDbfs !== undefined && !(tone.noiseDbfs <= -10)) throw new RangeError(`synthetic microphone: noise ${tone.noiseDbfs} dBFS RMS is not legal; expected at most -10 dBFS (headroom for the tone)`);
}

export function syntheticMicrophone(opts: Partial<ToneSpec> = {}): MicrophoneSource {
  const tone: ToneSpec = { ...DEFAULT_TONE, ...opts };
  validate(tone);
  return {
    kind: 'synthetic',
    tone,
    describe: () =>
      `synthetic microphone ${tone.frequencyHz} Hz, ${tone.onMs} ms on / ${tone.offMs} ms off, ${tone.levelDbfs} dBFS peak${tone.noiseDbfs === undefined ? '' : `, white noise ${tone.noiseDbfs} dBFS RMS`}`,
    async inputArgs({ sampleRate }) {
      if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`synthetic microphone: bad sample rate ${sampleRate}`);
      const graph = `aevalsrc=exprs='${toneExpression(tone)}':s=${sampleRate}:c=${CHANNEL_LAYOUT}`;
      return ['-re', '-f', 'lavfi', '-i', graph];
    },
  };
}
