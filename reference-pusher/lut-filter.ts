// applyFilter / clearFilters: a colour lookup table given as an image, applied to the camera's
// picture. The image is the common 512x512 "lookup" layout: 64 levels per channel, an 8x8 grid of
// 64x64 tiles, blue choosing the tile (row-major), red the column and green the row inside it.
// It is decoded by a one-shot ffmpeg, blended with the identity by `alpha`, and written as a
// .cube 3D LUT for ffmpeg's lut3d filter (video-effects.ts puts it in the chain).
// Spec: context-api.md applyFilter / clearFilters ({path, alpha, md5?}: custom effects).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegPath } from '../adapters/ffmpeg.ts';
import { runToCompletion } from '../adapters/process/run-to-completion.ts';

export const LUT_IMAGE_SIZE = 512;
export const LUT_LEVELS = 64;
const TILES_PER_ROW = LUT_IMAGE_SIZE / LUT_LEVELS;
/** Points per axis of the .cube written (the usual 33: ffmpeg parses it at every encoder start,
 *  and 64^3 lines take it seconds); each takes the image's nearest level, lut3d interpolates. */
export const CUBE_SIZE = 33;
const RGB_BYTES = 3;
const DECODE_TIMEOUT_MS = 10_000;
const MAX_LEVEL = 255;

export interface LutArgs {
  path: string;
  alpha: number;
}

/** applyFilter's arguments checked (alpha defaults to 1), or what is wrong with them. */
export function checkLutArgs(args: { path?: unknown; alpha?: unknown; md5?: unknown }): LutArgs | { problem: string } {
  const { path, alpha = 1, md5 } = args;
  if (typeof path !== 'string' || !path) return { problem: `path must be the path of a ${LUT_IMAGE_SIZE}x${LUT_IMAGE_SIZE} LUT image, got ${JSON.stringify(path)}` };
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) return { problem: `alpha must be a number from 0 to 1, got ${JSON.stringify(alpha)}` };
  if (!existsSync(path)) return { problem: `path ${path} cannot be read` };
  if (md5 !== undefined) {
    const actual = createHash('md5').update(readFileSync(path)).digest('hex');
    if (typeof md5 !== 'string' || md5.toLowerCase() !== actual) return { problem: `md5 ${JSON.stringify(md5)} does not match the image's MD5 ${actual}` };
  }
  return { path, alpha };
}

/** Decodes the LUT image to rgb24; throws naming the size when it is not the lookup layout. */
async function decodeLut(path: string): Promise<Uint8Array> {
  const { stdout } = await runToCompletion({
    name: 'ffmpeg LUT image decoder',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    timeoutMs: DECODE_TIMEOUT_MS,
  });
  const want = LUT_IMAGE_SIZE * LUT_IMAGE_SIZE * RGB_BYTES;
  if (stdout.length !== want) throw new Error(`${path} is not a ${LUT_IMAGE_SIZE}x${LUT_IMAGE_SIZE} LUT image (${stdout.length} bytes of RGB decoded, expected ${want})`);
  return new Uint8Array(stdout);
}

/** The .cube text of a lookup image blended with the identity by alpha (red fastest). */
export function cubeFromLookup(rgb: Uint8Array, alpha: number): string {
  const lines = [`LUT_3D_SIZE ${CUBE_SIZE}`];
  const step = CUBE_SIZE - 1;
  const level = (i: number) => Math.round((i / step) * (LUT_LEVELS - 1));
  for (let bi = 0; bi < CUBE_SIZE; bi++) {
    for (let gi = 0; gi < CUBE_SIZE; gi++) {
      for (let ri = 0; ri < CUBE_SIZE; ri++) {
        const [r, g, b] = [level(ri), level(gi), level(bi)];
        const x = (b % TILES_PER_ROW) * LUT_LEVELS + r;
        const y = Math.floor(b / TILES_PER_ROW) * LUT_LEVELS + g;
        const o = (y * LUT_IMAGE_SIZE + x) * RGB_BYTES;
        const mix = (identity: number, c: number) => ((1 - alpha) * identity + (alpha * rgb[o + c]!) / MAX_LEVEL).toFixed(5);
        lines.push(`${mix(ri / step, 0)} ${mix(gi / step, 1)} ${mix(bi / step, 2)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the .cube of applyFilter's image into `dir` and returns its path. */
export async function writeCube(dir: string, args: LutArgs, serial: number): Promise<string> {
  const cube = join(dir, `filter-${serial}.cube`);
  writeFileSync(cube, cubeFromLookup(await decodeLut(args.path), args.alpha));
  return cube;
}
