// An ALSA capture device as the microphone (issue 11 "Rig model": ALSA device): ffmpeg's alsa
// input, which the npm ffmpeg has (unlike pulse). Same contract as synthetic.ts.
import type { MicrophoneSource } from './synthetic.ts';

export function alsaMicrophone(device: string): MicrophoneSource {
  return {
    kind: 'alsa',
    tone: null,
    describe: () => `ALSA capture device ${device}`,
    async inputArgs({ sampleRate }) {
      return ['-f', 'alsa', '-sample_rate', String(sampleRate), '-channels', '1', '-i', device];
    },
  };
}
