// Zoom: how much the synthetic pattern is enlarged about the frame's centre. A zoom z shows the
// capture's central 1/z of width and height, so every boundary of the pattern (the quadrant
// edges of its patches, the counter's background, the textured and grey patches) moves away
// from the centre by z. Each candidate z is scored by rendering the pattern enlarged by z
// (adapters/camera/pattern.ts renderPattern, via geometry.ts's integral image) and comparing
// block means with the decoded frame; the closest candidate is the measured zoom.
// Spec: live-pusher.zh.md 通用属性 zoom (调整焦距); context-api.md setZoom / getMaxZoom.
import { DEFAULT_CAPTURE_HEIGHT, DEFAULT_CAPTURE_WIDTH, PATTERN_GEOMETRY, type CameraPosition, type NormRect, type Rgb } from '../../adapters/camera/pattern.ts';
import type { RgbFrame } from './frame.ts';
import { integralMean, patternIntegral } from './geometry.ts';
import { meanRgb } from './video.ts';

/** The frame is compared as a grid of ZOOM_BLOCKS x ZOOM_BLOCKS block means. */
export const ZOOM_BLOCKS = 32;
/** Candidate zooms are tried this far apart around the best of a coarse pass COARSE_STEP apart
 *  (the distance falls smoothly towards the true zoom over more than COARSE_STEP). */
export const ZOOM_STEP = 0.02;
const COARSE_STEP = 0.1;
export const ZOOM_MIN = 1;
/** Mean RGB distance per block above which no candidate explains the frame (not the pattern,
 *  or a picture altered beyond zoom). */
export const ZOOM_MAX_DISTANCE = 20;

export interface ZoomOptions {
  camera: CameraPosition;
  /** Largest candidate zoom. */
  maxZoom: number;
  captureWidth?: number;
  captureHeight?: number;
}

export interface ZoomReading {
  /** The candidate whose render is closest to the frame. */
  zoom: number;
  /** Its mean RGB distance per block. */
  distance: number;
  /** The distance of the unzoomed render (evidence). */
  distanceAtOne: number;
}

function blocks(): NormRect[] {
  const s = 1 / ZOOM_BLOCKS;
  const out: NormRect[] = [];
  for (let row = 0; row < ZOOM_BLOCKS; row++) for (let col = 0; col < ZOOM_BLOCKS; col++) out.push({ x: col * s, y: row * s, w: s, h: s });
  return out;
}

/** The capture rectangle a frame block shows under zoom z (centre fixed). */
export function zoomedSource(block: NormRect, zoom: number): NormRect {
  return { x: 0.5 + (block.x - 0.5) / zoom, y: 0.5 + (block.y - 0.5) / zoom, w: block.w / zoom, h: block.h / zoom };
}

function overlaps(a: NormRect, b: NormRect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function distance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * Measures the zoom of one decoded frame of the synthetic pattern, pushed unmirrored and
 * unturned at the capture's own aspect (the frame is the whole zoomed capture). Blocks that
 * show the frame counter's data bits (drawn per frame) are left out.
 */
export function readZoom(frame: RgbFrame, opts: ZoomOptions): ZoomReading {
  const img = patternIntegral(opts.camera, opts.captureWidth ?? DEFAULT_CAPTURE_WIDTH, opts.captureHeight ?? DEFAULT_CAPTURE_HEIGHT);
  const grid = blocks();
  const seen = grid.map((b) => meanRgb(frame, b));
  const score = (zoom: number): number => {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < grid.length; i++) {
      const src = zoomedSource(grid[i]!, zoom);
      if (overlaps(src, PATTERN_GEOMETRY.counterGrid)) continue;
      sum += distance(seen[i]!, integralMean(img, src));
      n++;
    }
    return n > 0 ? sum / n : Number.POSITIVE_INFINITY;
  };
  // Coarse to fine: every COARSE_STEP over the range, then every ZOOM_STEP around the best.
  const search = (from: number, to: number, step: number, best: { zoom: number; distance: number }) => {
    const steps = Math.round((to - from) / step);
    for (let k = 0; k <= steps; k++) {
      const zoom = from + k * step;
      if (zoom < ZOOM_MIN || zoom > opts.maxZoom) continue;
      const d = score(zoom);
      if (d < best.distance) best = { zoom, distance: d };
    }
    return best;
  };
  const distanceAtOne = score(ZOOM_MIN);
  const coarse = search(ZOOM_MIN, opts.maxZoom, COARSE_STEP, { zoom: ZOOM_MIN, distance: distanceAtOne });
  const best = search(coarse.zoom - COARSE_STEP, coarse.zoom + COARSE_STEP, ZOOM_STEP, coarse);
  return { zoom: Math.round(best.zoom * 100) / 100, distance: best.distance, distanceAtOne };
}
