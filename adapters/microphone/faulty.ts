// A microphone with a device fault (rig microphone.fault; docs/driver-protocol.md "Device
// faults"): it never opens (a missing or busy device: opening throws
// MicrophoneUnavailableError), its samples end `afterMs` after it opened (ffmpeg's input ends),
// or it opens and delivers no sample at all (silent-device.ts). Same contract as synthetic.ts,
// wrapping any microphone.
// Spec: live-pusher.zh.md 状态码 -1302 (打开麦克风失败), -1304 (音频编码失败), -1311 (Mic打开成功，
// 但是录不到音频数据).
import type { DeviceFault } from '../../rig/device-fault.ts';
import { endingInputArgs, openingIsFaulty } from '../sources/device-fault.ts';
import { MicrophoneUnavailableError } from './devices.ts';
import { silentInputArgs } from './silent-device.ts';
import type { MicrophoneSource } from './synthetic.ts';

export function faultyMicrophone<T extends Pick<MicrophoneSource, 'inputArgs' | 'describe'>>(inner: T, fault: DeviceFault): T {
  return {
    ...inner,
    describe: () => `${inner.describe()} with fault ${fault.kind}`,
    async inputArgs(opts) {
      if (!openingIsFaulty(fault)) return inner.inputArgs(opts);
      if (fault.kind === 'never-opens') throw new MicrophoneUnavailableError(`${inner.describe()} cannot be opened: missing or busy (rig microphone.fault never-opens)`);
      if (fault.kind === 'stalls') throw new MicrophoneUnavailableError('rig microphone.fault stalls is not a microphone fault; legal: never-opens, ends, no-samples');
      if (fault.kind === 'no-samples') return silentInputArgs(opts.sampleRate);
      return endingInputArgs(fault, await inner.inputArgs(opts));
    },
  };
}
