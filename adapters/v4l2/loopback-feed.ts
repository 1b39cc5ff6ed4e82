// A v4l2loopback camera fed by the bench (issue 11 "Rig model"; README "Rig files"): the
// synthetic pattern of the camera position (adapters/camera/synthetic.ts) written into the
// loopback device by one supervised ffmpeg, so the IUT captures a real V4L2 device whose
// picture the oracles know. Detected, not assumed: the device must exist and its driver must be
// v4l2 loopback (v4l2-ctl --info), else LoopbackUnavailableError says what to load.
import { existsSync } from 'node:fs';
import { syntheticCamera, type CameraPosition } from '../camera/synthetic.ts';
import { ffmpegPath } from '../ffmpeg.ts';
import { runCommand } from '../process/run-to-completion.ts';
import { SupervisedProcess } from '../process/supervised.ts';
import { parseInfo, queryArgs, V4L2_CTL } from './v4l2-ctl.ts';

/** The frame rate written into the loopback device (the pusher's fps attribute tops out at 30). */
export const LOOPBACK_FPS = 30;
export const LOOPBACK_DRIVER = 'v4l2 loopback';
const FEED_START_TIMEOUT_MS = 15_000;
const FEED_CLOSE_GRACE_MS = 2_000;
export const FIX_LOOPBACK =
  'load the module: apt-get install v4l2loopback-dkms && modprobe v4l2loopback video_nr=10 card_label=lpbench exclusive_caps=1';

export class LoopbackUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoopbackUnavailableError';
  }
}

/** Whether `device` is a v4l2loopback node; the reason when it is not. */
export async function detectLoopback(device: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!existsSync(device)) return { ok: false, reason: `${device} does not exist (no v4l2loopback device; ${FIX_LOOPBACK})` };
  const r = await runCommand(V4L2_CTL, queryArgs(device, 'info'));
  if (r.outcome === 'not-found') return { ok: false, reason: 'v4l2-ctl is not installed (apt-get install v4l-utils)' };
  if (r.outcome !== 'exited' || r.code !== 0) return { ok: false, reason: `v4l2-ctl --info ${device} failed: ${r.stderr.trim() || r.outcome}` };
  const info = parseInfo(r.stdout);
  return info.driver === LOOPBACK_DRIVER ? { ok: true } : { ok: false, reason: `${device} is driven by ${JSON.stringify(info.driver)} (${info.card}), not ${LOOPBACK_DRIVER}` };
}

/** ffmpeg args writing the position's pattern into the device. */
export async function loopbackFeedArgs(device: string, position: CameraPosition): Promise<string[]> {
  const camera = syntheticCamera(position);
  const filter = camera.inputFilter({ fps: LOOPBACK_FPS });
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning', '-stats',
    ...(await camera.inputArgs({ fps: LOOPBACK_FPS })),
    ...(filter ? ['-vf', `${filter},format=yuv420p`] : ['-pix_fmt', 'yuv420p']),
    '-f', 'v4l2', device,
  ];
}

/** Starts feeding; resolves once ffmpeg has written its first frame. */
export async function feedLoopback(device: string, position: CameraPosition): Promise<SupervisedProcess> {
  const detected = await detectLoopback(device);
  if (!detected.ok) throw new LoopbackUnavailableError(`rig camera.${position} v4l2loopback: ${detected.reason}`);
  return SupervisedProcess.start({
    name: `v4l2loopback feed (${position} pattern into ${device})`,
    command: ffmpegPath(),
    args: await loopbackFeedArgs(device, position),
    stdin: false,
    stdoutMode: 'ignore',
    readyWhen: (line, stream) => stream === 'stderr' && /^\s*frame=/.test(line),
    startTimeoutMs: FEED_START_TIMEOUT_MS,
  });
}

export const LOOPBACK_CLOSE_GRACE_MS = FEED_CLOSE_GRACE_MS;
