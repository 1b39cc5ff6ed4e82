// Opening a microphone on its own to see what it does (the reference pusher asks after a capture
// that produced nothing: live-pusher.zh.md 状态码 -1311 Mic打开成功，但是录不到音频数据, vs -1302
// 打开麦克风失败): one supervised ffmpeg reads the microphone's input and writes raw samples.
// - 'delivers': samples came within the wait;
// - 'fails': ffmpeg exited before any sample (the device could not be opened, or ended at once);
// - 'silent': ffmpeg is still running, the device open, and no sample came within the wait.
// The process is closed on every path.
import { ffmpegPath } from '../ffmpeg.ts';
import { SupervisedProcess } from '../process/supervised.ts';
import type { CaptureCommand } from './synthetic.ts';

export type MicrophoneProbe = 'delivers' | 'fails' | 'silent';

/** How long an open microphone may take to deliver its first sample before it counts as silent:
 *  a real device gives its first buffer within tens of ms; ffmpeg's own start is under 1 s. */
export const MIC_PROBE_WAIT_MS = 2500;
/** Seconds of samples the probe asks for (it stops at the first anyway). */
const PROBE_SECONDS = '1';

/** `input`: the microphone's ffmpeg input args, or the capture process that records it (a
 *  PulseAudio source through parec), run on its own. */
export async function probeMicrophone(input: readonly string[] | CaptureCommand, waitMs = MIC_PROBE_WAIT_MS): Promise<MicrophoneProbe> {
  let proc: SupervisedProcess;
  try {
    proc = await SupervisedProcess.start(
      'command' in input
        ? { name: `microphone probe (${input.name})`, command: input.command, args: input.args, stdin: false, stdoutMode: 'raw' }
        : {
            name: 'microphone probe',
            command: ffmpegPath(),
            args: ['-hide_banner', '-nostdin', '-loglevel', 'error', ...input, '-t', PROBE_SECONDS, '-f', 's16le', 'pipe:1'],
            stdin: false,
            stdoutMode: 'raw',
          },
    );
  } catch {
    return 'fails';
  }
  try {
    return await new Promise<MicrophoneProbe>((resolve) => {
      const timer = setTimeout(() => resolve('silent'), waitMs);
      proc.stdout.once('data', () => {
        clearTimeout(timer);
        resolve('delivers');
      });
      void proc.waitExit().then(() => {
        clearTimeout(timer);
        resolve('fails');
      });
    });
  } finally {
    await proc.close('SIGKILL', 500);
  }
}
