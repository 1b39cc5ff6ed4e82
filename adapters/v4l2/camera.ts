// V4L2 cameras named by a stable id (adapters/v4l2/stable-id.ts): the same capture as
// adapters/camera/devices.ts v4l2Camera, on the /dev/videoN the id resolves to when the
// encoder starts (so a camera re-plugged between pushes is found again).
import { v4l2Camera } from '../camera/devices.ts';
import type { CameraPosition, CameraSource } from '../camera/synthetic.ts';
import { resolveStableId } from './stable-id.ts';
import { DEFAULT_CAPTURE_HEIGHT, DEFAULT_CAPTURE_WIDTH } from '../camera/pattern.ts';

export function v4l2StableCamera(id: string, position: CameraPosition): CameraSource {
  let resolved: CameraSource | undefined;
  const probe = v4l2Camera('(unresolved)', position);
  return {
    ...probe,
    describe: () => `V4L2 ${position} camera ${id}${resolved ? ` (${resolved.describe()})` : ''}`,
    async inputArgs(opts) {
      resolved = v4l2Camera(await resolveStableId(id), position);
      return resolved.inputArgs(opts);
    },
  };
}

/**
 * A v4l2loopback device the bench feeds with the position's pattern (adapters/v4l2/loopback-feed.ts):
 * captured at the pattern's own size, so the picture the pusher crops and scales is the same as
 * the synthetic camera's and the picture oracles judge it alike.
 */
export function v4l2LoopbackCamera(device: string, position: CameraPosition): CameraSource {
  const base = v4l2Camera(device, position);
  return {
    ...base,
    captureWidth: DEFAULT_CAPTURE_WIDTH,
    captureHeight: DEFAULT_CAPTURE_HEIGHT,
    describe: () => `v4l2loopback ${position} camera ${device} (fed with the ${position} pattern)`,
    async inputArgs(opts) {
      // The feed is the bench's pattern: a loopback device has no focus or torch to set.
      const args = await base.inputArgs({ fps: opts.fps });
      const size = args.indexOf('-video_size');
      if (size >= 0) args[size + 1] = `${DEFAULT_CAPTURE_WIDTH}x${DEFAULT_CAPTURE_HEIGHT}`;
      return args;
    },
  };
}
