// A camera with a device fault (rig camera.<position>.fault; docs/driver-protocol.md "Device
// faults"): it never opens (a missing or busy device: opening throws CameraUnavailableError),
// its frames end `afterMs` after it opened (ffmpeg's input ends; the pusher sees no more
// frames), or it stalls (stays open but every frame after `afterMs` is dropped before the
// pusher sees it). Same contract as synthetic.ts, wrapping any camera.
// Spec: live-pusher.zh.md 状态码 -1301 (打开摄像头失败), 1104 (内部会重启编码器), -1303.
import type { DeviceFault } from '../../rig/device-fault.ts';
import { endingInputArgs, openingIsFaulty } from '../sources/device-fault.ts';
import { CameraUnavailableError } from './devices.ts';
import type { CameraSource } from './synthetic.ts';

const MS_PER_S = 1000;

/** The `select` filter that passes the frames of the first `afterMs` (by frame number at `fps`). */
export function stallFilter(fault: DeviceFault, fps: number): string {
  const frames = Math.max(1, Math.round(((fault.afterMs ?? 0) / MS_PER_S) * fps));
  return `select='lt(n,${frames})'`;
}

/** `inner` suffering `fault`; `where` names the rig entry in errors (camera.front). */
export function faultyCamera<T extends Pick<CameraSource, 'inputArgs' | 'inputFilter' | 'describe'>>(inner: T, fault: DeviceFault, where: string): T {
  let faulty = false;
  return {
    ...inner,
    describe: () => `${inner.describe()} with fault ${fault.kind}`,
    async inputArgs(opts) {
      faulty = openingIsFaulty(fault);
      if (!faulty) return inner.inputArgs(opts);
      if (fault.kind === 'never-opens') throw new CameraUnavailableError(`${inner.describe()} cannot be opened: missing or busy (rig ${where}.fault never-opens)`);
      const args = await inner.inputArgs(opts);
      return fault.kind === 'ends' ? endingInputArgs(fault, args) : args;
    },
    inputFilter(opts) {
      const own = inner.inputFilter(opts);
      if (!faulty || fault.kind !== 'stalls') return own;
      return [own, stallFilter(fault, opts.fps)].filter((f) => f !== '').join(',');
    },
  };
}
