// A camera with a power switch, for device loss through the serial relay on a rig without camera
// hardware (issue 11 "Serial lab gear": -1301 / 1104 scenarios; conformance/tests/devices/
// relay-device-loss.check.ts). The synthetic pattern of one position (adapters/camera/synthetic.ts,
// frame counter advancing) is encoded by a supervised ffmpeg into a named pipe, which the IUT
// opens as its camera (rig `{kind: file, path: <pipe>}`). While the power is on, a feeder serves
// every reader that opens the pipe (one after the other, as a device serves whoever opens it);
// cutting the power kills the feeder, so the reader meets the end of its input mid-push and an
// opening blocks until the power comes back; each powering starts the counter at 0 again. close()
// stops the feeder and removes the pipe on every path.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { syntheticCamera, type CameraPosition } from '../camera/synthetic.ts';
import { ffmpegPath } from '../ffmpeg.ts';
import { SupervisedProcess } from '../process/supervised.ts';

/** The pipe carries the pattern at the spec's highest frame rate (an IUT drops frames for less). */
export const FED_CAMERA_FPS = 30;
/** Keyframe every half second: a reader that opens the pipe gets a picture at once. */
const FED_CAMERA_GOP = FED_CAMERA_FPS / 2;
/** Near-lossless, so the counter cells survive the IUT's own encode. */
const FED_CAMERA_CRF = 16;
/** A feeder whose reader went away is started again after this (the power is still on). */
const RESPAWN_DELAY_MS = 100;
const CLOSE_GRACE_MS = 1_000;

export interface FedCamera {
  /** The named pipe the IUT opens as its camera. */
  path: string;
  /** Whether the camera has power. */
  readonly powered: boolean;
  /** Cuts (false) or restores (true) the power; resolves once the feeder is stopped or started. */
  power(on: boolean): Promise<void>;
  /** How many feeders were started (one per powering, and one per reader while powered). */
  readonly feeders: number;
  /** The last feeder's stderr tail (for a broken check's evidence). */
  stderrTail(): string;
  close(): Promise<void>;
}

/** The feeder's ffmpeg arguments: the pattern of `position`, H.264 in NUT, into `path`. */
export async function feederArgs(position: CameraPosition, path: string): Promise<string[]> {
  const camera = syntheticCamera(position);
  const filter = camera.inputFilter({ fps: FED_CAMERA_FPS });
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    ...(await camera.inputArgs({ fps: FED_CAMERA_FPS })),
    ...(filter ? ['-vf', filter] : []),
    '-an',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', String(FED_CAMERA_CRF),
    '-g', String(FED_CAMERA_GOP), '-keyint_min', String(FED_CAMERA_GOP), '-pix_fmt', 'yuv420p',
    '-f', 'nut', '-y', path,
  ];
}

/** A powered camera showing `position`'s pattern through a named pipe. */
export async function startFedCamera(position: CameraPosition): Promise<FedCamera> {
  const dir = await mkdtemp(join(tmpdir(), 'lpb-fed-camera-'));
  const path = join(dir, `camera-${position}.nut`);
  let feeder: SupervisedProcess | undefined;
  let powered = false;
  let closed = false;
  let feeders = 0;
  let lastTail = '';
  let respawn: NodeJS.Timeout | undefined;

  const spawn = async (): Promise<void> => {
    const args = await feederArgs(position, path);
    // Ready at spawn: the feeder's open() of the pipe waits for a reader, as a device waits to be opened.
    const p = await SupervisedProcess.start({ name: `fed camera ${position}`, command: ffmpegPath(), args, stdin: false, stdoutMode: 'ignore', readyWhen: 'spawn' });
    feeders++;
    feeder = p;
    p.on('exit', () => {
      lastTail = p.stderrTail();
      if (feeder === p) feeder = undefined;
      // The reader closed the pipe (its encoder restarted or stopped): serve the next one.
      if (powered && !closed) respawn = setTimeout(() => void (powered && !closed && !feeder ? spawn().catch(() => undefined) : undefined), RESPAWN_DELAY_MS);
    });
  };
  const stop = async (): Promise<void> => {
    if (respawn) clearTimeout(respawn);
    const p = feeder;
    feeder = undefined;
    if (p) await p.close('SIGKILL', CLOSE_GRACE_MS);
  };

  try {
    await promisify(execFile)('mkfifo', [path]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`fed camera: cannot make the named pipe ${path}: ${(err as Error).message}`);
  }
  return {
    path,
    get powered() {
      return powered;
    },
    get feeders() {
      return feeders;
    },
    stderrTail: () => feeder?.stderrTail() || lastTail,
    async power(on) {
      if (closed) throw new Error('fed camera: closed');
      if (on === powered) return;
      powered = on;
      if (on) await spawn();
      else await stop();
    },
    async close() {
      if (closed) return;
      closed = true;
      powered = false;
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
