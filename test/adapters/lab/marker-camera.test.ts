// The marker camera's patch (adapters/lab/marker-camera.ts) and the glass-to-glass pairing of
// marks with the changes seen at the reader (bench/perf/glass-to-glass.ts markLatencies).
import { describe, expect, it } from 'vitest';
import { MARKER_CAMERA_HEIGHT, MARKER_CAMERA_WIDTH, MARKER_RECT, markerLit, paintMarker } from '../../../adapters/lab/marker-camera.ts';
import { markLatencies } from '../../../bench/perf/glass-to-glass.ts';

const W = MARKER_CAMERA_WIDTH;
const H = MARKER_CAMERA_HEIGHT;

/** yuv420p grey frame -> rgb (luma only, as grey), for markerLit. */
function yuvToGreyRgb(yuv: Buffer): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) data.fill(yuv[i]!, i * 3, i * 3 + 3);
  return { width: W, height: H, data };
}

describe('marker patch', () => {
  const grey = Buffer.alloc((W * H * 3) / 2, 128);

  it('paints the patch lit or dark and reads it back; the rest of the picture is untouched', () => {
    const lit = paintMarker(grey, W, H, true);
    const dark = paintMarker(grey, W, H, false);
    expect(markerLit(yuvToGreyRgb(lit))).toBe(true);
    expect(markerLit(yuvToGreyRgb(dark))).toBe(false);
    expect(lit[0]).toBe(128); // top-left corner, outside the patch
    const inside = Math.round(((MARKER_RECT.y0 + MARKER_RECT.y1) / 2) * H) * W + Math.round(((MARKER_RECT.x0 + MARKER_RECT.x1) / 2) * W);
    expect([lit[inside], dark[inside]]).toEqual([235, 16]);
  });

  it('reads a scaled-down frame the same way (the reader decodes at 180 wide)', () => {
    const small = { width: 180, height: 320, data: new Uint8Array(180 * 320 * 3).fill(16) };
    for (let y = Math.round(MARKER_RECT.y0 * 320); y < Math.round(MARKER_RECT.y1 * 320); y++) {
      small.data.fill(235, (y * 180 + Math.round(MARKER_RECT.x0 * 180)) * 3, (y * 180 + Math.round(MARKER_RECT.x1 * 180)) * 3);
    }
    expect(markerLit(small)).toBe(true);
  });
});

describe('markLatencies', () => {
  const marks = [
    { lit: true, litAtMs: 1000 },
    { lit: false, litAtMs: 1600 },
    { lit: true, litAtMs: 2200 },
  ];

  it('pairs the k-th change seen with mark k', () => {
    const frames = [
      { arrivedAtMs: 900, lit: false },
      { arrivedAtMs: 1100, lit: false },
      { arrivedAtMs: 1150, lit: true },
      { arrivedAtMs: 1700, lit: true },
      { arrivedAtMs: 1780, lit: false },
      { arrivedAtMs: 2390, lit: true },
      { lit: false }, // not read live: no arrival, ignored
    ];
    expect(markLatencies(marks, frames)).toEqual([150, 180, 190]);
  });

  it('a mark never seen is null, and a change before its mark breaks the pairing from there on', () => {
    expect(markLatencies(marks, [{ arrivedAtMs: 1150, lit: true }])).toEqual([150, null, null]);
    expect(markLatencies(marks, [{ arrivedAtMs: 900, lit: true }, { arrivedAtMs: 1700, lit: false }])).toEqual([null, null, null]);
  });
});
