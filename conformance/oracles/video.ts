// Video oracles (README "What the checks believe"): measurements of decoded frames of the synthetic
// camera pattern — quadrant colours (mirror, rotation, switchCamera), black frames
// (enable-camera, pause), luma and the grey patch (whiteness, filter, colour cast), texture
// energy (beauty), the frame counter (fps, freezes, latency) and frame differences. Geometry
// comes from the pattern's own table, mapped through the transform the frame was taken under.
import {
  CAMERA_COLOURS,
  COUNTER_MODULUS,
  PATTERN_GEOMETRY,
  QUADRANTS,
  counterCells,
  type CameraPosition,
  type NormRect,
  type Quadrant,
  type Rgb,
} from '../../adapters/camera/pattern.ts';
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import type { RgbFrame } from './frame.ts';
import { runToCompletion } from '../../adapters/process/run-to-completion.ts';
import { TRANSFORMS, insetRect, mapRect, type Transform } from './transform.ts';

export type { RgbFrame } from './frame.ts';

/** BT.601 luma weights (the matrix of the decoded SD/phone streams). */
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;
/** Fraction trimmed off each side of a patch before sampling it. */
const SAMPLE_INSET = 0.15;
const COUNTER_CELL_INSET = 0.25;
/** Mean luma at or below which a frame is black (decoded limited-range black is ~0..16). */
export const BLACK_LUMA_THRESHOLD = 24;
/** Mean RGB distance above which no camera layout is considered to match. */
export const PATTERN_MATCH_MAX_DISTANCE = 90;
/** Least white-minus-black difference of the counter's guard cells for a valid read. */
export const COUNTER_MIN_CONTRAST = 60;

function clampRect(frame: RgbFrame, rect: NormRect): { x0: number; y0: number; x1: number; y1: number } {
  const x0 = Math.max(0, Math.min(frame.width - 1, Math.round(rect.x * frame.width)));
  const y0 = Math.max(0, Math.min(frame.height - 1, Math.round(rect.y * frame.height)));
  const x1 = Math.max(x0 + 1, Math.min(frame.width, Math.round((rect.x + rect.w) * frame.width)));
  const y1 = Math.max(y0 + 1, Math.min(frame.height, Math.round((rect.y + rect.h) * frame.height)));
  return { x0, y0, x1, y1 };
}

const FULL_FRAME: NormRect = { x: 0, y: 0, w: 1, h: 1 };

/** Mean RGB over a normalized rectangle of the frame (frame coordinates). */
export function meanRgb(frame: RgbFrame, rect: NormRect = FULL_FRAME): Rgb {
  const { x0, y0, x1, y1 } = clampRect(frame, rect);
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = y0; y < y1; y++) {
    let o = (y * frame.width + x0) * 3;
    for (let x = x0; x < x1; x++, o += 3) {
      r += frame.data[o]!;
      g += frame.data[o + 1]!;
      b += frame.data[o + 2]!;
    }
  }
  const n = (x1 - x0) * (y1 - y0);
  return [r / n, g / n, b / n];
}

export function luma(rgb: Rgb): number {
  return LUMA_R * rgb[0] + LUMA_G * rgb[1] + LUMA_B * rgb[2];
}

/** Mean BT.601 luma (0..255) over a rectangle in frame coordinates (default: whole frame). */
export function meanLuma(frame: RgbFrame, rect: NormRect = FULL_FRAME): number {
  return luma(meanRgb(frame, rect));
}

export function isBlack(frame: RgbFrame, thresholdLuma = BLACK_LUMA_THRESHOLD): boolean {
  return meanLuma(frame) <= thresholdLuma;
}

function rgbDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Mean colour of each pattern quadrant's plain sample area, read where `transform` puts it. */
export function quadrantColours(frame: RgbFrame, transform: Transform = 'identity'): Record<Quadrant, Rgb> {
  const out = {} as Record<Quadrant, Rgb>;
  for (const q of QUADRANTS) out[q] = meanRgb(frame, insetRect(mapRect(transform, PATTERN_GEOMETRY.colourSamples[q]), SAMPLE_INSET));
  return out;
}

export interface PatternMatch {
  camera: CameraPosition | null;
  transform: Transform | null;
  /** 0..1: 1 - best/second-best mean colour distance (0 when nothing matched). */
  confidence: number;
  /** Mean RGB distance of the best hypothesis. */
  distance: number;
}

/** Which camera's pattern the frame shows and under which transform: every (camera,
 *  transform) hypothesis is scored by the mean RGB distance of the four quadrant colours. */
export function identifyPattern(frame: RgbFrame): PatternMatch {
  const scored: { camera: CameraPosition; transform: Transform; distance: number }[] = [];
  for (const transform of TRANSFORMS) {
    const seen = quadrantColours(frame, transform);
    for (const camera of ['front', 'back'] as const) {
      let sum = 0;
      for (const q of QUADRANTS) sum += rgbDistance(seen[q], CAMERA_COLOURS[camera][q]);
      scored.push({ camera, transform, distance: sum / QUADRANTS.length });
    }
  }
  scored.sort((a, b) => a.distance - b.distance);
  const [best, second] = scored as [(typeof scored)[number], (typeof scored)[number]];
  if (best.distance > PATTERN_MATCH_MAX_DISTANCE) return { camera: null, transform: null, confidence: 0, distance: best.distance };
  const confidence = second.distance > 0 ? 1 - best.distance / second.distance : 0;
  return { camera: best.camera, transform: best.transform, confidence, distance: best.distance };
}

export interface GreyReading {
  rgb: Rgb;
  luma: number;
  /** max - min channel (0 for a neutral grey). */
  chroma: number;
  /** Hue of the cast in degrees (0 red, 120 green, 240 blue), null when neutral (chroma < 1). */
  hueDeg: number | null;
}

export function hueOf(rgb: Rgb): number | null {
  const [r, g, b] = rgb;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const c = max - min;
  if (c < 1) return null;
  let h: number;
  if (max === r) h = ((g - b) / c) % 6;
  else if (max === g) h = (b - r) / c + 2;
  else h = (r - g) / c + 4;
  return (h * 60 + 360) % 360;
}

/** The neutral grey patch: mean colour, luma and the hue/strength of any colour cast. */
export function greyPatch(frame: RgbFrame, transform: Transform = 'identity'): GreyReading {
  const rgb = meanRgb(frame, insetRect(mapRect(transform, PATTERN_GEOMETRY.grey), SAMPLE_INSET));
  return { rgb, luma: luma(rgb), chroma: Math.max(...rgb) - Math.min(...rgb), hueDeg: hueOf(rgb) };
}

/** Mean absolute 4-neighbour Laplacian of luma over the textured patch: smoothing (beauty)
 *  lowers it. Compare runs at the same encoded size. */
export function textureEnergy(frame: RgbFrame, transform: Transform = 'identity'): number {
  const { x0, y0, x1, y1 } = clampRect(frame, insetRect(mapRect(transform, PATTERN_GEOMETRY.texture), SAMPLE_INSET));
  const w = frame.width;
  const d = frame.data;
  const l = (x: number, y: number) => {
    const o = (y * w + x) * 3;
    return LUMA_R * d[o]! + LUMA_G * d[o + 1]! + LUMA_B * d[o + 2]!;
  };
  let sum = 0;
  let n = 0;
  for (let y = Math.max(1, y0); y < Math.min(frame.height - 1, y1); y++) {
    for (let x = Math.max(1, x0); x < Math.min(w - 1, x1); x++) {
      sum += Math.abs(4 * l(x, y) - l(x - 1, y) - l(x + 1, y) - l(x, y - 1) - l(x, y + 1));
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/** The frame number drawn by the synthetic camera (mod 2^16), or null when the counter is
 *  not readable (guards wrong, too little contrast, not the pattern). */
export function readFrameCounter(frame: RgbFrame, transform: Transform = 'identity'): number | null {
  const cells = counterCells().map((c) => ({ cell: c, luma: meanLuma(frame, insetRect(mapRect(transform, c.rect), COUNTER_CELL_INSET)) }));
  const whites = cells.filter((c) => c.cell.role === 'guard' && c.cell.value === 1).map((c) => c.luma);
  const blacks = cells.filter((c) => c.cell.role === 'guard' && c.cell.value === 0).map((c) => c.luma);
  const white = Math.min(...whites);
  const black = Math.max(...blacks);
  if (white - black < COUNTER_MIN_CONTRAST) return null;
  const threshold = (white + black) / 2;
  let value = 0;
  for (const { cell, luma: v } of cells) {
    if (cell.role === 'bit' && v > threshold) value += 2 ** cell.bit;
  }
  return value % COUNTER_MODULUS;
}

/** Counter difference b - a, allowing for one wrap of the 16-bit counter. */
export function counterDelta(a: number, b: number): number {
  return (((b - a) % COUNTER_MODULUS) + COUNTER_MODULUS) % COUNTER_MODULUS;
}

/** Mean absolute per-channel difference (0..255) of two frames of the same size. */
export function frameDifference(a: RgbFrame, b: RgbFrame): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`frameDifference: sizes differ (${a.width}x${a.height} vs ${b.width}x${b.height})`);
  }
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

/** Writes the frame as a PNG (evidence for reports), via ffmpeg. */
export async function writePng(frame: RgbFrame, path: string): Promise<void> {
  await runToCompletion({
    name: 'ffmpeg png writer',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${frame.width}x${frame.height}`, '-i', 'pipe:0', '-frames:v', '1', path],
    stdin: frame.data,
  });
}
