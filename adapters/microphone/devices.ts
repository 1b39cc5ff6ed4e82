// Microphones other than the synthetic tone: a PulseAudio source (a null sink's monitor as a
// virtual microphone, or a real one on a lab rig) and a looped audio file. Same contract as
// synthetic.ts: live, real-time-paced ffmpeg input args.
import { existsSync } from 'node:fs';
import type { MicrophoneSource } from './synthetic.ts';

export class MicrophoneUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MicrophoneUnavailableError';
  }
}

export function pulseMicrophone(source: string): MicrophoneSource {
  return {
    kind: 'pulse',
    tone: null,
    describe: () => `PulseAudio source ${source}`,
    async inputArgs({ sampleRate }) {
      return ['-f', 'pulse', '-sample_rate', String(sampleRate), '-channels', '1', '-i', source];
    },
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
