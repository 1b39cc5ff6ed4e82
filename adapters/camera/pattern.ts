// The synthetic camera's test pattern, as data (README "Rig files": four coloured quadrants,
// a textured patch, a neutral grey patch and a frame counter). The geometry table below is the
// one both the camera (which draws it) and the oracles (which measure it) read. All rectangles
// are normalized to the capture frame (0..1, origin top-left, portrait by default), so they
// survive scaling to any encoded size. The static image is rendered in Node as a binary PPM
// (P6) and cached under os.tmpdir()/lpbench-cache, keyed by a hash of the pattern parameters.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type CameraPosition = 'front' | 'back';
export type Rgb = readonly [number, number, number];
export type Quadrant = 'tl' | 'tr' | 'bl' | 'br';
export const QUADRANTS: readonly Quadrant[] = ['tl', 'tr', 'bl', 'br'];

/** A rectangle in normalized frame coordinates (0..1). */
export interface NormRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Default capture size: a phone held vertically. */
export const DEFAULT_CAPTURE_WIDTH = 720;
export const DEFAULT_CAPTURE_HEIGHT = 1280;
/** Smallest encoded size the counter is designed to stay readable at. */
export const MIN_READABLE_WIDTH = 240;

/** Quadrant colours per camera: saturated, far apart in hue within a set, and the two sets
 *  disjoint so a switchCamera is visible under any mirror/rotation. */
export const CAMERA_COLOURS: Readonly<Record<CameraPosition, Readonly<Record<Quadrant, Rgb>>>> = {
  front: { tl: [220, 20, 20], tr: [20, 200, 20], bl: [20, 40, 220], br: [230, 220, 20] },
  back: { tl: [20, 210, 220], tr: [220, 20, 220], bl: [245, 150, 60], br: [120, 40, 200] },
};

export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];
/** The neutral patch: equal channels, mid level, so a colour cast or brightness change shows. */
export const GREY: Rgb = [128, 128, 128];
/** The two levels of the textured patch's checkerboard (moderate contrast, like skin texture,
 *  so edge-preserving smoothing still lowers it). */
export const TEXTURE_DARK: Rgb = [72, 72, 72];
export const TEXTURE_LIGHT: Rgb = [184, 184, 184];
/** Checkerboard cell size as a fraction of the capture width (6 px at 720 wide). */
export const TEXTURE_CELL_FRACTION = 1 / 120;
export const TEXTURE_MIN_CELL_PX = 2;

/** Frame counter: a grid of binary cells. The first row is the start guard and the last row
 *  the stop guard (alternating white/black, which also calibrates the black and white levels);
 *  the rows between carry the frame number, least significant bit first. */
export const COUNTER_BITS = 16;
export const COUNTER_COLUMNS = 4;
export const COUNTER_ROWS = 6;
export const COUNTER_START_GUARD: readonly (0 | 1)[] = [1, 0, 1, 0];
export const COUNTER_STOP_GUARD: readonly (0 | 1)[] = [0, 1, 0, 1];
/** The counter wraps at 2^COUNTER_BITS frames. */
export const COUNTER_MODULUS = 2 ** COUNTER_BITS;

/** Zoom ruler: small black squares on the centre lines, at these distances from the centre
 *  (normalized per axis). A zoom about the centre moves each one out by the zoom factor while
 *  the quadrant boundaries stay put, so the enlargement is measurable up to 0.5 / the nearest
 *  distance. The squares straddle the quadrant boundaries, clear of every patch and sample area. */
export const ZOOM_TICK_OFFSETS: readonly number[] = [0.05, 0.09, 0.13, 0.2, 0.3, 0.4];
/** A tick's side: 2 % of the capture width, square at 9:16. */
const ZOOM_TICK_W = 0.02;
const ZOOM_TICK_H = (ZOOM_TICK_W * DEFAULT_CAPTURE_WIDTH) / DEFAULT_CAPTURE_HEIGHT;

/** The zoom ruler's squares: on the horizontal centre line left and right, on the vertical one
 *  above and below. */
export function zoomTicks(): NormRect[] {
  const ticks: NormRect[] = [];
  for (const d of ZOOM_TICK_OFFSETS) {
    for (const side of [-1, 1]) {
      ticks.push({ x: 0.5 + side * d - ZOOM_TICK_W / 2, y: 0.5 - ZOOM_TICK_H / 2, w: ZOOM_TICK_W, h: ZOOM_TICK_H });
      ticks.push({ x: 0.5 - ZOOM_TICK_W / 2, y: 0.5 + side * d - ZOOM_TICK_H / 2, w: ZOOM_TICK_W, h: ZOOM_TICK_H });
    }
  }
  return ticks;
}

/** Where everything is. Each patch lies inside one quadrant; each quadrant has a plain sample
 *  area (inset from the quadrant edges and clear of the patches) for colour measurement. */
export const PATTERN_GEOMETRY = {
  quadrants: {
    tl: { x: 0, y: 0, w: 0.5, h: 0.5 },
    tr: { x: 0.5, y: 0, w: 0.5, h: 0.5 },
    bl: { x: 0, y: 0.5, w: 0.5, h: 0.5 },
    br: { x: 0.5, y: 0.5, w: 0.5, h: 0.5 },
  } satisfies Record<Quadrant, NormRect>,
  colourSamples: {
    tl: { x: 0.08, y: 0.34, w: 0.34, h: 0.12 },
    tr: { x: 0.58, y: 0.34, w: 0.34, h: 0.12 },
    bl: { x: 0.08, y: 0.54, w: 0.34, h: 0.12 },
    br: { x: 0.58, y: 0.54, w: 0.34, h: 0.1 },
  } satisfies Record<Quadrant, NormRect>,
  /** Checkerboard, in the top-right quadrant. */
  texture: { x: 0.6, y: 0.05, w: 0.3, h: 0.24 } satisfies NormRect,
  /** Neutral grey, in the bottom-left quadrant. */
  grey: { x: 0.1, y: 0.72, w: 0.3, h: 0.2 } satisfies NormRect,
  /** Black background of the counter (the grid plus a margin), in the bottom-right quadrant. */
  counterBackground: { x: 0.53, y: 0.67, w: 0.44, h: 0.3 } satisfies NormRect,
  /** The counter grid itself: COUNTER_COLUMNS x COUNTER_ROWS equal cells. */
  counterGrid: { x: 0.55, y: 0.685, w: 0.4, h: 0.27 } satisfies NormRect,
} as const;

export type CounterCell =
  | { role: 'guard'; value: 0 | 1; rect: NormRect }
  | { role: 'bit'; bit: number; rect: NormRect };

/** The counter's cells in grid order (row-major), each with its role and rectangle. */
export function counterCells(): CounterCell[] {
  const g = PATTERN_GEOMETRY.counterGrid;
  const cw = g.w / COUNTER_COLUMNS;
  const ch = g.h / COUNTER_ROWS;
  const cells: CounterCell[] = [];
  for (let row = 0; row < COUNTER_ROWS; row++) {
    for (let col = 0; col < COUNTER_COLUMNS; col++) {
      const rect = { x: g.x + col * cw, y: g.y + row * ch, w: cw, h: ch };
      if (row === 0) cells.push({ role: 'guard', value: COUNTER_START_GUARD[col]!, rect });
      else if (row === COUNTER_ROWS - 1) cells.push({ role: 'guard', value: COUNTER_STOP_GUARD[col]!, rect });
      else cells.push({ role: 'bit', bit: (row - 1) * COUNTER_COLUMNS + col, rect });
    }
  }
  return cells;
}

/** Pixel bounds of a normalized rectangle in a frame of the given size (end exclusive). */
export function rectToPixels(rect: NormRect, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
  return {
    x0: Math.round(rect.x * width),
    y0: Math.round(rect.y * height),
    x1: Math.round((rect.x + rect.w) * width),
    y1: Math.round((rect.y + rect.h) * height),
  };
}

export interface PatternParams {
  position: CameraPosition;
  width: number;
  height: number;
}

function fillRect(rgb: Uint8Array, width: number, height: number, rect: NormRect, colour: (x: number, y: number) => Rgb): void {
  const { x0, y0, x1, y1 } = rectToPixels(rect, width, height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const c = colour(x, y);
      const o = (y * width + x) * 3;
      rgb[o] = c[0];
      rgb[o + 1] = c[1];
      rgb[o + 2] = c[2];
    }
  }
}

/** The static pattern (everything but the counter's data bits, which are drawn per frame;
 *  they are black here) as rgb24, row-major. */
export function renderPattern(params: PatternParams): Uint8Array {
  const { width, height } = params;
  const rgb = new Uint8Array(width * height * 3);
  const colours = CAMERA_COLOURS[params.position];
  for (const q of QUADRANTS) fillRect(rgb, width, height, PATTERN_GEOMETRY.quadrants[q], () => colours[q]);
  const cell = Math.max(TEXTURE_MIN_CELL_PX, Math.round(width * TEXTURE_CELL_FRACTION));
  fillRect(rgb, width, height, PATTERN_GEOMETRY.texture, (x, y) =>
    (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? TEXTURE_DARK : TEXTURE_LIGHT,
  );
  fillRect(rgb, width, height, PATTERN_GEOMETRY.grey, () => GREY);
  for (const t of zoomTicks()) fillRect(rgb, width, height, t, () => BLACK);
  fillRect(rgb, width, height, PATTERN_GEOMETRY.counterBackground, () => BLACK);
  for (const c of counterCells()) {
    if (c.role === 'guard') fillRect(rgb, width, height, c.rect, () => (c.value === 1 ? WHITE : BLACK));
  }
  return rgb;
}

const PPM_MAGIC = 'P6';
const PPM_MAXVAL = 255;

/** Binary PPM (P6) of an rgb24 image. */
export function encodePpm(width: number, height: number, rgb: Uint8Array): Buffer {
  const header = Buffer.from(`${PPM_MAGIC}\n${width} ${height}\n${PPM_MAXVAL}\n`, 'ascii');
  return Buffer.concat([header, Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength)]);
}

/** Bumped whenever the drawing code changes, so stale cache files are never reused. */
const PATTERN_REVISION = 2;

export function patternCacheDir(): string {
  return join(tmpdir(), 'lpbench-cache');
}

/** Path of the cached PPM of the pattern, rendering it first if needed. */
export async function patternPpm(params: PatternParams): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify({ rev: PATTERN_REVISION, params, CAMERA_COLOURS, PATTERN_GEOMETRY, TEXTURE_CELL_FRACTION, ZOOM_TICK_OFFSETS }))
    .digest('hex')
    .slice(0, 16);
  const dir = patternCacheDir();
  const path = join(dir, `pattern-${params.position}-${params.width}x${params.height}-${key}.ppm`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, encodePpm(params.width, params.height, renderPattern(params)));
  await rename(tmp, path);
  return path;
}
