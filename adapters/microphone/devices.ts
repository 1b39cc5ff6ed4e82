// Microphones other than the synthetic tone: a PulseAudio source (a null sink's monitor as a
// virtual microphone, or a real one on a lab rig), captured by parec whose raw audio ffmpeg reads
// from a pipe, and a looped audio file. Same contract as synthetic.ts: live, real-time-paced
// ffmpeg input args.
import { existsSync } from 'node:fs';
import { captureInputArgs, type MicrophoneSource } from './synthetic.ts';

export class MicrophoneUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MicrophoneUnavailableError';
  }
}

/** PulseAudio's recorder (pulseaudio-utils): the pusher captures PulseAudio with it, since the
 *  npm ffmpeg (a static build) has no pulse input and Debian's, which has, starts about three
 *  times slower (~0.3 s against ~0.1 s to the first encoded frame idle, ~1.5 s against ~0.6 s on
 *  a loaded machine), which every encoder restart pays. */
export const PAREC = 'parec';
/** parec's capture latency: a real microphone hands over its first buffer within tens of ms. */
const PAREC_LATENCY_MS = 20;

export function parecArgs(source: string, sampleRate: number): string[] {
  return [`--device=${source}`, '--raw', '--format=s16le', `--rate=${sampleRate}`, '--channels=1', `--latency-msec=${PAREC_LATENCY_MS}`];
}

export function pulseMicrophone(source: string): MicrophoneSource {
  return {
    kind: 'pulse',
    tone: null,
    describe: () => `PulseAudio source ${source}`,
    async inputArgs({ sampleRate }) {
      return captureInputArgs(sampleRate);
    },
    capture: ({ sampleRate }) => ({ name: `microphone capture (parec ${source})`, command: PAREC, args: parecArgs(source, sampleRate) }),
  };
}

export function fileMicrophone(path: string): MicrophoneSource {
  return {
    kind: 'file',
    tone: null,
    describe: () => `microphone playing ${path}`,
    async inputArgs() {
      if (!existsSync(path)) throw new MicrophoneUnavailableError(`microphone file ${path} does not exist (rig microphone.path)`);
      return ['-re', '-stream_loop', '-1', '-i', path];
    },
  };
}
