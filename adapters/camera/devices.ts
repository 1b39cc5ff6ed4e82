// Cameras other than the synthetic pattern: a V4L2 device (a real camera or v4l2loopback on a
// lab rig, read through ffmpeg's v4l2 input) and a looped video file. Same contract as
// synthetic.ts: live, real-time-paced ffmpeg input args. A V4L2 device gets the pusher's torch
// and auto-focus through its controls where it has them (adapters/v4l2/controls.ts).
import { existsSync } from 'node:fs';
import type { CameraPosition, CameraSource } from './synthetic.ts';
import { applyV4l2Controls } from '../v4l2/controls.ts';

/** Capture size asked of a V4L2 device; the pusher crops and scales to the encoded size. */
export const V4L2_CAPTURE = { width: 1280, height: 720 } as const;

export class CameraUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CameraUnavailableError';
  }
}

export function v4l2Camera(device: string, position: CameraPosition): CameraSource {
  return {
    kind: 'v4l2',
    position,
    captureWidth: V4L2_CAPTURE.width,
    captureHeight: V4L2_CAPTURE.height,
    describe: () => `V4L2 ${position} camera ${device}`,
    async inputArgs({ fps, controls }) {
      if (!existsSync(device)) throw new CameraUnavailableError(`V4L2 device ${device} does not exist (rig camera.${position}.device)`);
      if (controls) for (const note of await applyV4l2Controls(device, controls)) process.stderr.write(`camera controls: ${note}\n`);
      return ['-f', 'v4l2', '-framerate', String(fps), '-video_size', `${V4L2_CAPTURE.width}x${V4L2_CAPTURE.height}`, '-i', device];
    },
    inputFilter: () => '',
  };
}

export function fileCamera(path: string, position: CameraPosition): CameraSource {
  return {
    kind: 'file',
    position,
    captureWidth: 0,
    captureHeight: 0,
    describe: () => `${position} camera playing ${path}`,
    async inputArgs() {
      if (!existsSync(path)) throw new CameraUnavailableError(`camera file ${path} does not exist (rig camera.${position}.path)`);
      return ['-re', '-stream_loop', '-1', '-i', path];
    },
    inputFilter: () => '',
  };
}
