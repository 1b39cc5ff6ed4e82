// applySticker / clearStickers on a desk: a sticker is an image drawn over the camera's picture at
// a place and size given as fractions of the encoded frame. The component's stickers are placed
// by a face tracker unless told where; a desk camera shows no face, so the reference draws only
// stickers that say where they go (`pos`), and refuses the others naming what is missing.
// The arguments follow miniprogram-api-typings' ApplyStickerOption {type, stickers: Sticker[]}
// with Sticker {path, title, len, active?, id?, md5?, pos?: string[], segtype?}; the meaning of
// `pos` as [x, y, width, height] fractions is this bench's choice (README "Choices where the spec
// is silent"). The media pipeline overlays each sticker image (its alpha kept) after the effects.
// Spec: context-api.md applyFilter / clearFilters, applySticker / clearStickers [2.14.0]
// (custom effects).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** One sticker placed on the frame: the image and its rectangle as fractions of the frame. */
export interface StickerPlacement {
  path: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** At most this many stickers at once (each is one more ffmpeg input). */
export const MAX_STICKERS = 4;
/** pos holds x, y, width, height. */
const POS_FIELDS = 4;
/** A sticker is at least this share of the frame on each side (a smaller one is not drawn). */
const MIN_SIDE = 0.01;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const JPEG_SOI = [0xff, 0xd8, 0xff];

function imageKind(path: string): 'png' | 'jpeg' | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, head.length, 0);
    if (PNG_SIGNATURE.every((b, i) => head[i] === b)) return 'png';
    if (JPEG_SOI.every((b, i) => head[i] === b)) return 'jpeg';
    return null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fraction(v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(n) ? n : Number.NaN;
}

/** One entry of `stickers`, checked; `where` names it in the problem. */
function checkSticker(s: unknown, where: string): StickerPlacement | { problem: string } {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return { problem: `${where} must be an object {path, pos, title?, len?, md5?}, got ${JSON.stringify(s)}` };
  const { path, pos, md5 } = s as Record<string, unknown>;
  if (typeof path !== 'string' || path === '') return { problem: `${where}.path must be the path of a PNG or JPEG image, got ${JSON.stringify(path)}` };
  const kind = imageKind(path);
  if (kind === null) return { problem: `${where}.path ${path} cannot be read as a PNG or JPEG image` };
  if (md5 !== undefined) {
    const actual = createHash('md5').update(readFileSync(path)).digest('hex');
    if (typeof md5 !== 'string' || md5.toLowerCase() !== actual) return { problem: `${where}.md5 ${JSON.stringify(md5)} does not match the image's MD5 ${actual}` };
  }
  if (!Array.isArray(pos) || pos.length !== POS_FIELDS) {
    return {
      problem: `${where}.pos must be [x, y, width, height] as fractions of the frame (strings or numbers, 0 to 1), got ${JSON.stringify(pos)}; without a face tracker a sticker is drawn only where pos says`,
    };
  }
  const [x, y, w, h] = pos.map(fraction) as [number, number, number, number];
  const legal = x >= 0 && y >= 0 && w >= MIN_SIDE && h >= MIN_SIDE && x + w <= 1 && y + h <= 1;
  if (!legal) return { problem: `${where}.pos ${JSON.stringify(pos)} is not a rectangle inside the frame: x, y >= 0, width and height >= ${MIN_SIDE}, x + width <= 1, y + height <= 1` };
  return { path, x, y, w, h };
}

/** applySticker's arguments checked, or what is wrong with them. */
export function checkStickerArgs(args: { type?: unknown; stickers?: unknown }): { type: string; stickers: StickerPlacement[] } | { problem: string } {
  const { type, stickers } = args;
  if (typeof type !== 'string' || type === '') return { problem: `type must be a non-empty string (the sticker type), got ${JSON.stringify(type)}` };
  if (!Array.isArray(stickers) || stickers.length === 0) return { problem: `stickers must be a non-empty array of {path, pos}, got ${JSON.stringify(stickers)}` };
  if (stickers.length > MAX_STICKERS) return { problem: `at most ${MAX_STICKERS} stickers at once, got ${stickers.length}` };
  const placed: StickerPlacement[] = [];
  for (const [i, s] of stickers.entries()) {
    const r = checkSticker(s, `stickers[${i}]`);
    if ('problem' in r) return r;
    placed.push(r);
  }
  return { type, stickers: placed };
}

/** The stickers as the encode configuration holds them: one string (the configuration compares
 *  its fields by value), '' when none. */
export function encodeStickers(stickers: readonly StickerPlacement[]): string {
  return stickers.length === 0 ? '' : JSON.stringify(stickers);
}

export function decodeStickers(encoded: string): StickerPlacement[] {
  return encoded === '' ? [] : (JSON.parse(encoded) as StickerPlacement[]);
}

/** ffmpeg input args of the sticker images (one still frame each: overlay repeats it). */
export function stickerInputArgs(stickers: readonly StickerPlacement[]): string[] {
  return stickers.flatMap((s) => ['-i', s.path]);
}

/**
 * Filter-graph lines that draw the stickers over `[inLabel]` (a width x height picture) and end
 * in `[outLabel]`; the sticker images are ffmpeg inputs `firstInput`, `firstInput + 1`, ...
 * Rectangles are rounded to whole pixels.
 */
export function stickerGraph(stickers: readonly StickerPlacement[], firstInput: number, width: number, height: number, inLabel: string, outLabel: string): string[] {
  const lines: string[] = [];
  let current = inLabel;
  stickers.forEach((s, i) => {
    const x0 = Math.round(s.x * width);
    const y0 = Math.round(s.y * height);
    const w = Math.max(1, Math.round((s.x + s.w) * width) - x0);
    const h = Math.max(1, Math.round((s.y + s.h) * height) - y0);
    const next = i === stickers.length - 1 ? outLabel : `stk${i}`;
    lines.push(`[${firstInput + i}:v]scale=${w}:${h},format=rgba[stkimg${i}]`);
    lines.push(`[${current}][stkimg${i}]overlay=x=${x0}:y=${y0}:eof_action=repeat[${next}]`);
    current = next;
  });
  return lines;
}
