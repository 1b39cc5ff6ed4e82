// V4L2 cameras named by a stable id (adapters/v4l2/stable-id.ts): the same capture as
// adapters/camera/devices.ts v4l2Camera, on the /dev/videoN the id resolves to when the
// encoder starts (so a camera re-plugged between pushes is found again).
import { v4l2Camera } from '../camera/devices.ts';
import type { CameraPosition, CameraSource } from '../camera/synthetic.ts';
import { resolveStableId } from './stable-id.ts';

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
