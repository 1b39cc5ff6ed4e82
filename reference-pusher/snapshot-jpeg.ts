// snapshot quality compressed: the picture written as a JPEG by a one-shot ffmpeg (the raw
// quality is a lossless PNG, png.ts).
// Spec: context-api.md snapshot (quality: raw or compressed).
import { ffmpegPath } from '../adapters/ffmpeg.ts';
import { runToCompletion } from '../adapters/process/run-to-completion.ts';

/** ffmpeg's mjpeg quality scale (2 best .. 31 worst): a typical camera-app JPEG. */
const JPEG_QSCALE = 5;
const ENCODE_TIMEOUT_MS = 10_000;

/** Writes packed RGB24 as a baseline JPEG at `path`. */
export async function writeJpeg(path: string, width: number, height: number, rgb: Uint8Array): Promise<void> {
  await runToCompletion({
    name: 'ffmpeg snapshot JPEG encoder',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0',
      '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', String(JPEG_QSCALE), '-pix_fmt', 'yuvj420p', '-f', 'image2', '-y', path],
    stdin: rgb,
    timeoutMs: ENCODE_TIMEOUT_MS,
  });
}
