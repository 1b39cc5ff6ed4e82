// Where a colour is in a decoded frame: the rectangle of the pixels near a marker colour, read row
// by row and column by column so stray pixels (encoding noise, a patch edge that happens to come
// near the colour) do not stretch it. Used to find a sticker the check drew in a colour the
// synthetic pattern does not use (conformance/tests/video/stickers.check.ts).
// Spec: context-api.md applySticker / clearStickers.
import type { Rgb } from '../../adapters/camera/pattern.ts';
import type { RgbFrame } from './frame.ts';

/** A rectangle in pixels, end exclusive. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ColourBox {
  /** The rows and columns where the colour fills at least `fill` of the widest run; null when
   *  the colour is not in the frame. */
  box: PixelBox | null;
  /** Pixels near the colour, anywhere in the frame. */
  pixels: number;
}

/** A row or column belongs to the box when it holds at least this share of the fullest one. */
const LINE_FILL = 0.5;

function near(frame: RgbFrame, o: number, c: Rgb, maxDistance: number): boolean {
  const dr = frame.data[o]! - c[0];
  const dg = frame.data[o + 1]! - c[1];
  const db = frame.data[o + 2]! - c[2];
  return dr * dr + dg * dg + db * db <= maxDistance * maxDistance;
}

/** The box of the pixels within `maxDistance` (RGB) of `colour`. */
export function findColourBox(frame: RgbFrame, colour: Rgb, maxDistance: number): ColourBox {
  const rows = new Array<number>(frame.height).fill(0);
  const cols = new Array<number>(frame.width).fill(0);
  let pixels = 0;
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      if (!near(frame, (y * frame.width + x) * 3, colour, maxDistance)) continue;
      rows[y] += 1;
      cols[x] += 1;
      pixels += 1;
    }
  }
  if (pixels === 0) return { box: null, pixels };
  const span = (counts: number[]): [number, number] => {
    const need = Math.max(...counts) * LINE_FILL;
    const first = counts.findIndex((n) => n >= need);
    let last = first;
    counts.forEach((n, i) => {
      if (n >= need) last = i;
    });
    return [first, last + 1];
  };
  const [y0, y1] = span(rows);
  const [x0, x1] = span(cols);
  return { box: { x0, y0, x1, y1 }, pixels };
}

/** Mean RGB of a pixel box. */
export function meanRgb(frame: RgbFrame, b: PixelBox): Rgb {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.max(0, b.y0); y < Math.min(frame.height, b.y1); y++) {
    for (let x = Math.max(0, b.x0); x < Math.min(frame.width, b.x1); x++) {
      const o = (y * frame.width + x) * 3;
      sum[0] += frame.data[o]!;
      sum[1] += frame.data[o + 1]!;
      sum[2] += frame.data[o + 2]!;
      n += 1;
    }
  }
  return n === 0 ? [Number.NaN, Number.NaN, Number.NaN] : [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}
