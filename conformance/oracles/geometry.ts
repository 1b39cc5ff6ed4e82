// Picture geometry: how the capture was fitted into the encoded frame. A frame of another
// aspect than the capture can be a centre crop (the pattern undistorted, its edges cut), a
// stretch (everything squashed) or a letterbox (undistorted, black bars). Each hypothesis is
// scored by rendering the camera pattern under it (adapters/camera/pattern.ts renderPattern
// and its geometry table) and comparing block means with the decoded frame.
// Spec: live-pusher.zh.md 通用属性 aspect (宽高比) / orientation (画面方向).
import {
  BLACK,
  DEFAULT_CAPTURE_HEIGHT,
  DEFAULT_CAPTURE_WIDTH,
  PATTERN_GEOMETRY,
  renderPattern,
  type CameraPosition,
  type NormRect,
  type Rgb,
} from '../../adapters/camera/pattern.ts';
import type { RgbFrame } from './frame.ts';
import { mapRect, type Transform } from './transform.ts';
import { meanRgb } from './video.ts';

export const FIT_HYPOTHESES = ['crop', 'stretch', 'letterbox'] as const;
export type FitHypothesis = (typeof FIT_HYPOTHESES)[number];

/** Width the pattern is rendered at for the comparison (block means need no more detail). */
const RENDER_WIDTH = 360;
/** The frame is compared as a grid of BLOCKS x BLOCKS block means. */
export const FIT_BLOCKS = 24;
/** Mean RGB distance per block at or below which a hypothesis explains the frame (the
 *  reference's centre crop measures ~2.5 in 360x480 and 360x640 streams; a stretch is ~23 from it). */
export const FIT_MAX_DISTANCE = 15;
/** Two hypotheses whose renders differ by less than this (mean RGB distance per block) cannot be
 *  told apart in this frame (e.g. crop and stretch when the aspect is the capture's own). */
export const FIT_INDISTINCT_DISTANCE = 4;
const RGB_CHANNELS = 3;

/** The inverse of each transform (mirror+rotation combinations are their own inverse). */
const INVERSE: Readonly<Record<Transform, Transform>> = {
  identity: 'identity',
  mirror: 'mirror',
  rot90cw: 'rot90ccw',
  rot90ccw: 'rot90cw',
  rot180: 'rot180',
  'mirror+rot90cw': 'mirror+rot90cw',
  'mirror+rot90ccw': 'mirror+rot90ccw',
  'mirror+rot180': 'mirror+rot180',
};

function turnsQuarter(t: Transform): boolean {
  return t.includes('rot90');
}

/** Per-channel summed-area table of an rgb24 image, for O(1) rectangle means. */
export interface Integral {
  width: number;
  height: number;
  sums: Float64Array;
}

export function integral(width: number, height: number, rgb: Uint8Array): Integral {
  const stride = (width + 1) * RGB_CHANNELS;
  const sums = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    const row = [0, 0, 0];
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < RGB_CHANNELS; c++) {
        row[c]! += rgb[(y * width + x) * RGB_CHANNELS + c]!;
        sums[(y + 1) * stride + (x + 1) * RGB_CHANNELS + c] = sums[y * stride + (x + 1) * RGB_CHANNELS + c]! + row[c]!;
      }
    }
  }
  return { width, height, sums };
}

export function integralMean(img: Integral, r: NormRect): Rgb {
  const x0 = Math.max(0, Math.min(img.width - 1, Math.floor(r.x * img.width)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.floor(r.y * img.height)));
  const x1 = Math.max(x0 + 1, Math.min(img.width, Math.ceil((r.x + r.w) * img.width)));
  const y1 = Math.max(y0 + 1, Math.min(img.height, Math.ceil((r.y + r.h) * img.height)));
  const stride = (img.width + 1) * RGB_CHANNELS;
  const n = (x1 - x0) * (y1 - y0);
  const at = (x: number, y: number, c: number) => img.sums[y * stride + x * RGB_CHANNELS + c]!;
  const mean = (c: number) => (at(x1, y1, c) - at(x0, y1, c) - at(x1, y0, c) + at(x0, y0, c)) / n;
  return [mean(0), mean(1), mean(2)];
}

const rendered = new Map<string, Integral>();

export function patternIntegral(camera: CameraPosition, captureWidth: number, captureHeight: number): Integral {
  const height = Math.max(1, Math.round((RENDER_WIDTH * captureHeight) / captureWidth));
  const key = `${camera}:${RENDER_WIDTH}x${height}`;
  let img = rendered.get(key);
  if (!img) {
    img = integral(RENDER_WIDTH, height, renderPattern({ position: camera, width: RENDER_WIDTH, height }));
    rendered.set(key, img);
  }
  return img;
}

export interface FitOptions {
  camera: CameraPosition;
  /** Mirror/rotation the frame was taken under (identifyPattern finds it). */
  transform?: Transform;
  captureWidth?: number;
  captureHeight?: number;
}

/**
 * Where a block of the output frame (normalized) comes from in the transformed capture
 * (normalized), and what fraction of it does (the rest is a letterbox bar).
 */
function sourceOf(h: FitHypothesis, block: NormRect, captureAspect: number, frameAspect: number): { rect: NormRect; inside: number } | null {
  if (h === 'stretch') return { rect: block, inside: 1 };
  // Fraction of the capture's width / height the frame shows (crop), or the frame's width /
  // height the capture fills (letterbox); aspects are width / height.
  const wide = captureAspect > frameAspect;
  const share = wide ? frameAspect / captureAspect : captureAspect / frameAspect;
  if (h === 'crop') {
    const off = (1 - share) / 2;
    return wide
      ? { rect: { x: off + block.x * share, y: block.y, w: block.w * share, h: block.h }, inside: 1 }
      : { rect: { x: block.x, y: off + block.y * share, w: block.w, h: block.h * share }, inside: 1 };
  }
  const off = (1 - share) / 2;
  const [a0, a1] = wide ? [block.y, block.y + block.h] : [block.x, block.x + block.w];
  const lo = Math.max(a0, off);
  const hi = Math.min(a1, off + share);
  if (hi <= lo) return null;
  const inside = (hi - lo) / (a1 - a0);
  const s0 = (lo - off) / share;
  const s1 = (hi - off) / share;
  return wide
    ? { rect: { x: block.x, y: s0, w: block.w, h: s1 - s0 }, inside }
    : { rect: { x: s0, y: block.y, w: s1 - s0, h: block.h }, inside };
}

function overlaps(a: NormRect, b: NormRect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function blocks(): NormRect[] {
  const out: NormRect[] = [];
  const s = 1 / FIT_BLOCKS;
  for (let row = 0; row < FIT_BLOCKS; row++) for (let col = 0; col < FIT_BLOCKS; col++) out.push({ x: col * s, y: row * s, w: s, h: s });
  return out;
}

/** The expected mean colour of each output block under a hypothesis; null for blocks that
 *  show the frame counter's data bits (drawn per frame, not part of the static pattern). */
export function expectedBlocks(h: FitHypothesis, frameAspect: number, opts: FitOptions): (Rgb | null)[] {
  const t = opts.transform ?? 'identity';
  const cw = opts.captureWidth ?? DEFAULT_CAPTURE_WIDTH;
  const ch = opts.captureHeight ?? DEFAULT_CAPTURE_HEIGHT;
  const img = patternIntegral(opts.camera, cw, ch);
  const captureAspect = turnsQuarter(t) ? ch / cw : cw / ch;
  return blocks().map((b) => {
    const src = sourceOf(h, b, captureAspect, frameAspect);
    if (!src) return BLACK;
    const inCapture = mapRect(INVERSE[t], src.rect);
    if (overlaps(inCapture, PATTERN_GEOMETRY.counterGrid)) return null;
    const c = integralMean(img, inCapture);
    return [c[0] * src.inside, c[1] * src.inside, c[2] * src.inside];
  });
}

function distance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function meanBlockDistance(x: (Rgb | null)[], y: (Rgb | null)[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (!a || !b) continue;
    sum += distance(a, b);
    n++;
  }
  return n > 0 ? sum / n : Number.POSITIVE_INFINITY;
}

export interface FitReading {
  /** Mean RGB distance per block between the frame and the pattern rendered under each hypothesis. */
  distances: Record<FitHypothesis, number>;
  /** The hypothesis closest to the frame. */
  best: FitHypothesis;
  /** How far each hypothesis's render is from the crop render (0: indistinguishable here). */
  separationFromCrop: Record<FitHypothesis, number>;
}

/** Scores crop, stretch and letterbox for one decoded frame of the synthetic pattern. */
export function readFit(frame: RgbFrame, opts: FitOptions): FitReading {
  const frameAspect = frame.width / frame.height;
  const seen = blocks().map((b) => meanRgb(frame, b));
  const renders = Object.fromEntries(FIT_HYPOTHESES.map((h) => [h, expectedBlocks(h, frameAspect, opts)])) as Record<FitHypothesis, (Rgb | null)[]>;
  const distances = {} as Record<FitHypothesis, number>;
  const separationFromCrop = {} as Record<FitHypothesis, number>;
  for (const h of FIT_HYPOTHESES) {
    const masked = renders[h].map((c, i) => (c && renders.crop[i] ? c : null));
    distances[h] = meanBlockDistance(seen, renders[h]);
    separationFromCrop[h] = meanBlockDistance(masked, renders.crop);
  }
  const best = [...FIT_HYPOTHESES].sort((a, b) => distances[a] - distances[b])[0]!;
  return { distances, best, separationFromCrop };
}

/**
 * The frame is a centre crop: the crop render explains it (within FIT_MAX_DISTANCE) and every
 * hypothesis distinguishable from crop in this frame is further from it. Returns null when it
 * is, else what was seen instead.
 */
export function cropProblem(r: FitReading): string | null {
  const fmt = (h: FitHypothesis) => `${h} ${r.distances[h].toFixed(1)}`;
  const all = FIT_HYPOTHESES.map(fmt).join(', ');
  if (r.distances.crop > FIT_MAX_DISTANCE) return `the centre-crop render is ${r.distances.crop.toFixed(1)} from the frame (max ${FIT_MAX_DISTANCE}; ${all})`;
  const closer = FIT_HYPOTHESES.filter((h) => h !== 'crop' && r.separationFromCrop[h] >= FIT_INDISTINCT_DISTANCE && r.distances[h] <= r.distances.crop);
  if (closer.length > 0) return `the frame looks like ${closer.join('/')} rather than a centre crop (${all})`;
  return null;
}
