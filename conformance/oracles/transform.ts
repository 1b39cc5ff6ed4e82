// Geometric transforms between the camera pattern and a decoded frame: the eight ways a
// portrait pattern can come out after mirror (mirror / remote-mirror) and rotation
// (orientation, aspect). Oracles are told the transform, or find it with identifyPattern.
// 'mirror+R' means the horizontal mirror is applied first, then rotation R.
import type { NormRect } from '../../adapters/camera/pattern.ts';

export const TRANSFORMS = [
  'identity',
  'mirror',
  'rot90cw',
  'rot90ccw',
  'rot180',
  'mirror+rot90cw',
  'mirror+rot90ccw',
  'mirror+rot180',
] as const;
export type Transform = (typeof TRANSFORMS)[number];

/** The ffmpeg filter chain that applies each transform (for tests and evidence). */
export const FFMPEG_TRANSFORM_FILTERS: Readonly<Record<Transform, string>> = {
  identity: 'null',
  mirror: 'hflip',
  rot90cw: 'transpose=clock',
  rot90ccw: 'transpose=cclock',
  rot180: 'hflip,vflip',
  'mirror+rot90cw': 'hflip,transpose=clock',
  'mirror+rot90ccw': 'hflip,transpose=cclock',
  'mirror+rot180': 'vflip',
};

type Point = readonly [number, number];

function rotate(kind: 'identity' | 'rot90cw' | 'rot90ccw' | 'rot180', [x, y]: Point): Point {
  switch (kind) {
    case 'identity':
      return [x, y];
    case 'rot90cw':
      return [1 - y, x];
    case 'rot90ccw':
      return [y, 1 - x];
    case 'rot180':
      return [1 - x, 1 - y];
  }
}

/** Where a normalized pattern point lands in the frame under `t`. */
export function mapPoint(t: Transform, p: Point): Point {
  const mirrored = t === 'mirror' || t.startsWith('mirror+');
  const rotation = (t.startsWith('mirror+') ? t.slice('mirror+'.length) : t === 'mirror' ? 'identity' : t) as
    | 'identity'
    | 'rot90cw'
    | 'rot90ccw'
    | 'rot180';
  return rotate(rotation, mirrored ? [1 - p[0], p[1]] : p);
}

/** Where a normalized pattern rectangle lands in the frame under `t`. */
export function mapRect(t: Transform, r: NormRect): NormRect {
  const [ax, ay] = mapPoint(t, [r.x, r.y]);
  const [bx, by] = mapPoint(t, [r.x + r.w, r.y + r.h]);
  return { x: Math.min(ax, bx), y: Math.min(ay, by), w: Math.abs(bx - ax), h: Math.abs(by - ay) };
}

/** The rectangle shrunk by `fraction` of its size on every side (keeps samples off edges
 *  where chroma subsampling and compression bleed neighbouring colours in). */
export function insetRect(r: NormRect, fraction: number): NormRect {
  return { x: r.x + r.w * fraction, y: r.y + r.h * fraction, w: r.w * (1 - 2 * fraction), h: r.h * (1 - 2 * fraction) };
}
