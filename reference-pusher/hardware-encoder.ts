// The hardware H.264 encoder (rig hardwareEncoder: docs/driver-protocol.md "Hardware encoder"):
// at the start of a push the pusher tries the device's encoder once (VAAPI, ffmpeg h264_vaapi,
// one frame: adapters/encoder/hardware-trial.ts); where it cannot start, the push encodes in
// software (libx264) and reports 1103 once, when its encoder starts; where it can, the push
// encodes on the device. The decision holds
// for the whole push (encoder restarts included), so 1103 comes at most once per push.
// Spec: live-pusher.zh.md 状态码 1103 (推流：硬编码启动失败, 采用软编码).
import { HW_ENCODER } from '../adapters/encoder/hardware-trial.ts';
import { statusCode as statusSpec } from '../spec/index.ts';
import { STATUS } from '../spec/codes.ts';
import type { StatusReport } from './encoder-supervisor.ts';

/** 1103 with why the hardware encoder could not start. */
export function fallbackReport(reason: string): StatusReport {
  const code = STATUS.HW_ENCODER_FALLBACK;
  return { code, message: `${statusSpec(code).meaning}: ${reason}; encoding with libx264` };
}

/** ffmpeg options before the inputs when encoding on `device`. */
export function hardwareGlobalArgs(device: string): string[] {
  return ['-vaapi_device', device];
}

/** The end of the picture chain feeding the hardware encoder: frames uploaded to the device. */
export const HW_UPLOAD_FILTER = 'format=nv12,hwupload';

/** The video encoder's options on the device: the bitrate asked for as a constant rate, the GOP,
 *  no B-frames (as the software encoder's baseline profile). */
export function hardwareCodecArgs(kbps: number, gopFrames: number): string[] {
  return ['-c:v', HW_ENCODER, '-rc_mode', 'CBR', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-g', String(gopFrames), '-bf', '0'];
}
