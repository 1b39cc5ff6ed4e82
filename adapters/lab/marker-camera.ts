// The "glass" of glass-to-glass latency on a rig without a camera filming an LED (issue 11 "Serial
// lab gear" (b); bench/perf/glass-to-glass.ts): the synthetic front pattern with a marker patch
// drawn into it, lit or dark as the simulated marker says. The bench writes the frames itself
// (raw yuv420p into a supervised ffmpeg, stamped with the wall clock as they are written), so
// the first frame written after setLit() shows the new state; ffmpeg encodes them as H.264 in NUT
// into a named pipe the IUT opens as its camera (rig `{kind: file, path}`), as
// adapters/lab/fed-camera.ts does. close() stops the writer and ffmpeg and removes the pipe.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { patternPpm } from '../camera/pattern.ts';
import { ffmpegPath } from '../ffmpeg.ts';
import { SupervisedProcess } from '../process/supervised.ts';

/** Picture size written (portrait, the component's default 360x640): small enough to write 30 times a second. */
export const MARKER_CAMERA_WIDTH = 360;
export const MARKER_CAMERA_HEIGHT = 640;
export const MARKER_CAMERA_FPS = 30;
/** The marker patch, as fractions of the picture: a wide band near the top, clear of the counter. */
export const MARKER_RECT = { x0: 0.3, y0: 0.04, x1: 0.7, y1: 0.14 } as const;
/** Luma of the lit and dark marker (video range). */
const LUMA_LIT = 235;
const LUMA_DARK = 16;
const CHROMA_NEUTRAL = 128;
const GOP = MARKER_CAMERA_FPS / 2;
const CRF = 18;
const CLOSE_GRACE_MS = 1_000;
const MS_PER_S = 1000;

export interface MarkerCamera {
  /** The named pipe the IUT opens as its camera. */
  path: string;
  /** Lights (true) or darkens the marker from the next frame written; returns the wall time (ms). */
  setLit(lit: boolean): number;
  /** Frames written so far. */
  readonly written: number;
  close(): Promise<void>;
}

/** One yuv420p frame of the front pattern at MARKER_CAMERA_WIDTH x MARKER_CAMERA_HEIGHT. */
async function patternFrame(dir: string): Promise<Buffer> {
  const ppm = await patternPpm({ position: 'front', width: MARKER_CAMERA_WIDTH, height: MARKER_CAMERA_HEIGHT });
  const out = join(dir, 'pattern.yuv');
  await promisify(execFile)(ffmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', ppm, '-frames:v', '1', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', '-y', out]);
  return readFile(out);
}

/** `frame` (yuv420p, width x height) with the marker patch painted lit or dark. */
export function paintMarker(frame: Buffer, width: number, height: number, lit: boolean): Buffer {
  const out = Buffer.from(frame);
  const x0 = Math.round(MARKER_RECT.x0 * width) & ~1;
  const x1 = Math.round(MARKER_RECT.x1 * width) & ~1;
  const y0 = Math.round(MARKER_RECT.y0 * height) & ~1;
  const y1 = Math.round(MARKER_RECT.y1 * height) & ~1;
  for (let y = y0; y < y1; y++) out.fill(lit ? LUMA_LIT : LUMA_DARK, y * width + x0, y * width + x1);
  const cw = width / 2;
  const uOffset = width * height;
  const vOffset = uOffset + (width * height) / 4;
  for (let y = y0 / 2; y < y1 / 2; y++) {
    out.fill(CHROMA_NEUTRAL, uOffset + y * cw + x0 / 2, uOffset + y * cw + x1 / 2);
    out.fill(CHROMA_NEUTRAL, vOffset + y * cw + x0 / 2, vOffset + y * cw + x1 / 2);
  }
  return out;
}

/** Whether the marker patch of a decoded rgb frame is lit (mean luma above mid grey). */
export function markerLit(frame: { width: number; height: number; data: Uint8Array }): boolean {
  const x0 = Math.round(MARKER_RECT.x0 * frame.width);
  const x1 = Math.round(MARKER_RECT.x1 * frame.width);
  const y0 = Math.round(MARKER_RECT.y0 * frame.height);
  const y1 = Math.round(MARKER_RECT.y1 * frame.height);
  // The inner half of the patch: clear of the edges an encoder and a scaler blur.
  const mx = Math.round((x1 - x0) / 4);
  const my = Math.round((y1 - y0) / 4);
  let sum = 0;
  let n = 0;
  for (let y = y0 + my; y < y1 - my; y++) {
    for (let x = x0 + mx; x < x1 - mx; x++) {
      const i = (y * frame.width + x) * 3;
      sum += 0.299 * frame.data[i]! + 0.587 * frame.data[i + 1]! + 0.114 * frame.data[i + 2]!;
      n++;
    }
  }
  return n > 0 && sum / n > (LUMA_LIT + LUMA_DARK) / 2;
}

export async function startMarkerCamera(): Promise<MarkerCamera> {
  const dir = await mkdtemp(join(tmpdir(), 'lpb-marker-camera-'));
  const path = join(dir, 'camera-front.nut');
  let encoder: SupervisedProcess | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (timer) clearInterval(timer);
    await encoder?.close('SIGKILL', CLOSE_GRACE_MS);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const base = await patternFrame(dir);
    const frames = { lit: paintMarker(base, MARKER_CAMERA_WIDTH, MARKER_CAMERA_HEIGHT, true), dark: paintMarker(base, MARKER_CAMERA_WIDTH, MARKER_CAMERA_HEIGHT, false) };
    await promisify(execFile)('mkfifo', [path]);
    const enc = await SupervisedProcess.start({
      name: 'marker camera',
      command: ffmpegPath(),
      args: [
        '-hide_banner', '-nostdin', '-loglevel', 'error',
        '-use_wallclock_as_timestamps', '1',
        '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${MARKER_CAMERA_WIDTH}x${MARKER_CAMERA_HEIGHT}`, '-framerate', String(MARKER_CAMERA_FPS), '-i', 'pipe:0',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', String(CRF), '-g', String(GOP), '-pix_fmt', 'yuv420p',
        '-f', 'nut', '-y', path,
      ],
      stdoutMode: 'ignore',
      readyWhen: 'spawn',
    });
    encoder = enc;
    let lit = false;
    let written = 0;
    const stdin = enc.stdin;
    stdin.on('error', () => undefined); // the encoder went away: close() or its death tells
    timer = setInterval(() => {
      // One frame per tick; a tick the pipe cannot take (nobody reads the camera yet, or the
      // encoder lags) is skipped, so no stale pictures queue up behind a change of the marker.
      if (closed || stdin.writableLength > 0) return;
      stdin.write(lit ? frames.lit : frames.dark);
      written++;
    }, MS_PER_S / MARKER_CAMERA_FPS);
    return {
      path,
      setLit(on) {
        lit = on;
        return Date.now();
      },
      get written() {
        return written;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
