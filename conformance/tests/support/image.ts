// Reads an image file (a snapshot the IUT wrote) into a frame for the oracles, with ffmpeg as
// the independent decoder, and makes test images (waiting-image) of a known colour.
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { PpmStreamReader, type RgbFrame } from '../../oracles/frame.ts';
import { runToCompletion } from '../../../adapters/process/run-to-completion.ts';

export async function readImage(path: string): Promise<RgbFrame> {
  const { stdout } = await runToCompletion({
    name: 'ffmpeg image reader',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-i', path, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1'],
    timeoutMs: 10_000,
  });
  const reader = new PpmStreamReader();
  reader.feed(stdout);
  const frame = reader.take()[0];
  if (!frame) throw new Error(`ffmpeg decoded no picture from ${path}`);
  return { ...frame, ptsMs: Number.NaN };
}

/** A solid-colour PNG of the given size (the colour as 6 hex digits). */
export async function solidPng(path: string, hexColour: string, width: number, height: number): Promise<void> {
  await runToCompletion({
    name: 'ffmpeg image maker',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${hexColour}:s=${width}x${height}`, '-frames:v', '1', path],
    timeoutMs: 10_000,
  });
}
