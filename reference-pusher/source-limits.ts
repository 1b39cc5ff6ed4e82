// What the rig's sources can give (rig/device-fault.ts SourceLimits: a camera's maxResolution, a
// microphone's sampleRates) against what the push asks of them: an encoded picture larger than
// the camera gives (either way up, so a portrait push of a landscape camera compares long side
// with long side) is -1305, an audio sample rate the microphone cannot give is -1306. Checked
// when a push starts, before any device is opened; nothing is pushed then.
// Spec: live-pusher.zh.md 状态码 -1305 (不支持的视频分辨率), -1306 (不支持的音频采样率).
import { statusCode as statusSpec } from '../spec/index.ts';
import { STATUS } from '../spec/codes.ts';
import type { SourceLimits } from '../rig/device-fault.ts';
import type { StatusReport } from './encoder-supervisor.ts';

export interface LimitQuestion {
  /** The encoded size and sample rate the push asks for. */
  width: number;
  height: number;
  sampleRate: number;
  /** Which sources the push opens. */
  usesCamera: boolean;
  usesMicrophone: boolean;
}

function report(code: number, why: string): StatusReport {
  return { code, message: `${statusSpec(code).meaning}: ${why}` };
}

/** -1305 / -1306 when a source cannot give what the push asks, else null. */
export function sourceLimitReport(ask: LimitQuestion, camera: SourceLimits | undefined, microphone: SourceLimits | undefined): StatusReport | null {
  const max = camera?.maxResolution;
  if (ask.usesCamera && max) {
    const [askLong, askShort] = [Math.max(ask.width, ask.height), Math.min(ask.width, ask.height)];
    const [maxLong, maxShort] = [Math.max(max.width, max.height), Math.min(max.width, max.height)];
    if (askLong > maxLong || askShort > maxShort) {
      return report(STATUS.VIDEO_RESOLUTION_UNSUPPORTED, `${ask.width}x${ask.height} asked, the camera gives at most ${max.width}x${max.height}`);
    }
  }
  const rates = microphone?.sampleRates;
  if (ask.usesMicrophone && rates && !rates.includes(ask.sampleRate)) {
    return report(STATUS.AUDIO_SAMPLE_RATE_UNSUPPORTED, `${ask.sampleRate} Hz asked, the microphone gives ${rates.join(', ')} Hz`);
  }
  return null;
}
