// Lookup images for applyFilter, made by the check: the common 512x512 layout (64 levels per
// channel; an 8x8 grid of 64x64 tiles, blue choosing the tile row-major, red the column and green
// the row inside it), written as PNG by ffmpeg from a PPM drawn here.
// Spec: context-api.md applyFilter ({path, alpha, md5?}).
import { writeFile, rm } from 'node:fs/promises';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { runToCompletion } from '../../../adapters/process/run-to-completion.ts';
import type { Rgb } from '../../../adapters/camera/pattern.ts';

const SIZE = 512;
const LEVELS = 64;
const TILES_PER_ROW = SIZE / LEVELS;
const MAX = 255;

/** The colour transform of the red/blue swap. */
export const swapRedBlue = (c: Rgb): Rgb => [c[2], c[1], c[0]];

/** Writes the lookup image of `map` (applied to each cell's colour) as a PNG at `path`. */
export async function writeLookupPng(path: string, map: (c: Rgb) => Rgb): Promise<void> {
  const rgb = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const b = Math.floor(y / LEVELS) * TILES_PER_ROW + Math.floor(x / LEVELS);
      const level = (v: number) => Math.round((v * MAX) / (LEVELS - 1));
      const out = map([level(x % LEVELS), level(y % LEVELS), level(b)]);
      rgb.set(out, (y * SIZE + x) * 3);
    }
  }
  const ppm = `${path}.ppm`;
  await writeFile(ppm, Buffer.concat([Buffer.from(`P6\n${SIZE} ${SIZE}\n${MAX}\n`, 'ascii'), rgb]));
  try {
    await runToCompletion({ name: 'ffmpeg lookup image writer', command: ffmpegPath(), args: ['-hide_banner', '-loglevel', 'error', '-i', ppm, '-y', path], timeoutMs: 10_000 });
  } finally {
    await rm(ppm, { force: true });
  }
}
