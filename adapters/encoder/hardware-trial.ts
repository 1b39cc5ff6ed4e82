// A trial of a hardware H.264 encoder (VAAPI: ffmpeg h264_vaapi on a render node): one small
// frame encoded on the device and thrown away. The reference pusher runs it before a push whose
// rig asks for the hardware encoder (reference-pusher/hardware-encoder.ts: 1103 where it fails);
// the 1103 check runs it to know whether the machine has a working one (then 1103 is not due).
// The process is closed on every path.
import { ffmpegPath } from '../ffmpeg.ts';
import { SupervisedProcess } from '../process/supervised.ts';

/** The trial encode may take this long (opening the device, one 64x64 frame). */
export const HW_PROBE_TIMEOUT_MS = 5000;
/** The encoder ffmpeg runs on the device. */
export const HW_ENCODER = 'h264_vaapi';

export type HardwareTrial = { ok: true } | { ok: false; reason: string };

/** ffmpeg args of the trial: one small frame through the device's encoder, thrown away. */
export function hardwareTrialArgs(device: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-vaapi_device', device,
    '-f', 'lavfi', '-i', 'color=c=gray:s=64x64:r=1',
    '-frames:v', '1', '-vf', 'format=nv12,hwupload', '-c:v', HW_ENCODER, '-f', 'null', '-',
  ];
}

/** Tries the device's encoder; ok when the trial encode exits cleanly within the timeout. */
export async function tryHardwareEncoder(device: string, timeoutMs = HW_PROBE_TIMEOUT_MS): Promise<HardwareTrial> {
  let proc: SupervisedProcess;
  try {
    proc = await SupervisedProcess.start({ name: `hardware encoder trial (${device})`, command: ffmpegPath(), args: hardwareTrialArgs(device), stdin: false, stdoutMode: 'ignore' });
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split('\n')[0] ?? 'the trial did not start' };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const exit = await Promise.race([
      proc.waitExit(),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
    ]);
    if (exit === null) return { ok: false, reason: `${HW_ENCODER} on ${device} did not finish a trial frame within ${timeoutMs} ms` };
    if (exit.code === 0) return { ok: true };
    const why = proc.stderrTail().split('\n').find((l) => l.trim() !== '') ?? `exit code ${exit.code ?? '-'}`;
    return { ok: false, reason: `${HW_ENCODER} on ${device} failed: ${why}` };
  } finally {
    clearTimeout(timer);
    await proc.close('SIGKILL', 500);
  }
}
