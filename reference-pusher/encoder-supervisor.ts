// The encoder supervisor's decisions: a start that fails maps to -1301 (camera) or -1302
// (microphone); an encoder that dies after it started is restarted with 1104 (内部会重启编码器)
// until its restart budget is spent, then given up with -1303 (视频编码失败). A generation whose
// audio stopped (source-watchdog.ts) is restarted the same way under a budget of its own, without
// a code (1104 names the video encoder, and no code says "audio encoder restarting"), then given
// up with -1304 (音频编码失败). A start whose capture produced nothing, with a microphone that opens
// alone but delivers no sample, is -1311 (Mic打开成功，但是录不到音频数据): the start ends as for -1302.
// Spec: live-pusher.zh.md (状态码 -1301, -1302, 1104, -1303, -1304, -1311).
import { statusCode as statusSpec } from '../spec/index.ts';
import { CODE } from './pusher-state.ts';
import { STATUS } from '../spec/codes.ts';
import type { PictureSource } from './media-pipeline.ts';
import { MicrophoneUnavailableError } from '../adapters/microphone/devices.ts';
import { MIC_PROBE_WAIT_MS, type MicrophoneProbe } from '../adapters/microphone/probe.ts';

/**
 * Restarts of a dying encoder allowed within the window (1104 each: 内部会重启编码器); one more
 * death inside the window gives up with -1303 (视频编码失败) and ends the push, so an encoder
 * that cannot run (a broken binary, a source that keeps failing) cannot restart forever. The
 * window is long enough for a camera that ends each time it is reopened (noticed only after
 * the frame watchdog's silence, source-watchdog.ts) to spend the budget.
 */
export const ENCODER_RESTART_LIMIT = { count: 3, windowMs: 30_000 } as const;

const MS_PER_SECOND = 1000;

/** A status report: the code and its message (the spec meaning, with the cause). */
export interface StatusReport {
  code: number;
  message: string;
}

/** The first line of an error's message (ffmpeg errors carry their whole stderr after it). */
export function firstLine(err: unknown): string {
  return (err as Error).message.split('\n')[0] ?? '';
}

/** The deaths of the encoder within the last window; the clock is injectable for tests. */
export class RestartBudget {
  private deaths: number[] = [];

  constructor(
    private readonly limit: { count: number; windowMs: number } = ENCODER_RESTART_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a death: 'restart' while the budget lasts, else 'give-up' (and the budget starts over). */
  onDeath(): 'restart' | 'give-up' {
    const now = this.now();
    this.deaths = [...this.deaths.filter((t) => now - t < this.limit.windowMs), now];
    if (this.deaths.length > this.limit.count) {
      this.deaths = [];
      return 'give-up';
    }
    return 'restart';
  }
}

/** The status for an encoder death: 1104 (restart) or -1303 (give up, with the limit spent). */
export function deathReport(verdict: 'restart' | 'give-up', err: unknown, limit: { count: number; windowMs: number } = ENCODER_RESTART_LIMIT): StatusReport {
  const why = firstLine(err);
  if (verdict === 'restart') return { code: CODE.encoderRestarting, message: `${statusSpec(CODE.encoderRestarting).meaning}: ${why}` };
  const spent = `${limit.count} restarts within ${limit.windowMs / MS_PER_SECOND} s did not help`;
  return { code: CODE.encoderFailed, message: `${statusSpec(CODE.encoderFailed).meaning}: ${why} (${spent})` };
}

/** The status for a stall of the audio: none while the budget lasts (restarted without a code),
 *  -1304 when it is spent (the push then ends, as after -1303). */
export function audioDeathReport(verdict: 'restart' | 'give-up', err: unknown, limit: { count: number; windowMs: number } = ENCODER_RESTART_LIMIT): StatusReport | null {
  if (verdict === 'restart') return null;
  const code = STATUS.AUDIO_ENCODE_FAILED;
  const spent = `${limit.count} restarts within ${limit.windowMs / MS_PER_SECOND} s did not help`;
  return { code, message: `${statusSpec(code).meaning}: ${firstLine(err)} (${spent})` };
}

/** The status for a pipeline that failed to start: -1311 when the microphone, opened alone,
 *  stayed silent (`mic` 'silent': it opens, no sample comes); else -1302 when the microphone could
 *  not be opened (MicrophoneUnavailableError); else -1301 when it was opening the camera, else
 *  -1302. A probe that failed outright ('fails') changes nothing: the probe runs the same ffmpeg,
 *  so a broken encoder binary fails it too and says nothing about the microphone.
 *  `mic`: what probeMicrophone found, when it was asked. */
export function startFailureReport(picture: PictureSource['kind'], err: unknown, mic?: MicrophoneProbe): StatusReport {
  if (mic === 'silent') {
    const code = STATUS.MIC_NO_DATA;
    return { code, message: `${statusSpec(code).meaning}: ${firstLine(err)}; opened alone, the microphone delivered no sample within ${MIC_PROBE_WAIT_MS} ms` };
  }
  const code = err instanceof MicrophoneUnavailableError || picture !== 'camera' ? CODE.micFailed : CODE.cameraFailed;
  return { code, message: `${statusSpec(code).meaning}: ${firstLine(err)}` };
}

/** The status for a background follow-up (restart, stop) that threw: reported as 1104. */
export function followUpFailureReport(err: unknown): StatusReport {
  return { code: CODE.encoderRestarting, message: `${statusSpec(CODE.encoderRestarting).meaning}: ${firstLine(err)}` };
}
