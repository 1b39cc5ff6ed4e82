// The camera pattern as data: geometry invariants, the rendered image, the PPM cache, and the
// video oracles reading a rendered pattern under every transform (pure, no ffmpeg).
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CAMERA_COLOURS,
  COUNTER_BITS,
  COUNTER_MODULUS,
  GREY,
  PATTERN_GEOMETRY,
  QUADRANTS,
  TEXTURE_DARK,
  TEXTURE_LIGHT,
  counterCells,
  encodePpm,
  patternPpm,
  rectToPixels,
  renderPattern,
  type NormRect,
} from '../../../adapters/camera/pattern.ts';
import type { RgbFrame } from '../../../conformance/oracles/frame.ts';
import { PpmStreamReader } from '../../../conformance/oracles/frame.ts';
import { TRANSFORMS, mapPoint, mapRect, type Transform } from '../../../conformance/oracles/transform.ts';
import { greyPatch, identifyPattern, quadrantColours, readFrameCounter, textureEnergy } from '../../../conformance/oracles/video.ts';

const W = 240;
const H = 320;

function inside(inner: NormRect, outer: NormRect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}

function overlaps(a: NormRect, b: NormRect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function pixel(rgb: Uint8Array, width: number, x: number, y: number): number[] {
  const o = (y * width + x) * 3;
  return [rgb[o]!, rgb[o + 1]!, rgb[o + 2]!];
}

/** The pattern with the counter showing `value`, as the camera's drawbox chain draws it. */
function patternFrame(position: 'front' | 'back', value: number, width = W, height = H): RgbFrame {
  const data = renderPattern({ position, width, height });
  for (const c of counterCells()) {
    if (c.role !== 'bit' || Math.floor(value / 2 ** c.bit) % 2 === 0) continue;
    const { x0, y0, x1, y1 } = rectToPixels(c.rect, width, height);
    for (let y = y0; y < y1; y++) data.fill(255, (y * width + x0) * 3, (y * width + x1) * 3);
  }
  return { width, height, data, ptsMs: 0, receivedAt: Number.NaN };
}

/** Applies a transform in JS: each output pixel takes the pattern pixel that maps onto it. */
function transformFrame(f: RgbFrame, t: Transform): RgbFrame {
  const swap = t.includes('rot90');
  const width = swap ? f.height : f.width;
  const height = swap ? f.width : f.height;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const [nx, ny] = mapPoint(t, [(x + 0.5) / f.width, (y + 0.5) / f.height]);
      const tx = Math.min(width - 1, Math.floor(nx * width));
      const ty = Math.min(height - 1, Math.floor(ny * height));
      data.set(f.data.subarray((y * f.width + x) * 3, (y * f.width + x) * 3 + 3), (ty * width + tx) * 3);
    }
  }
  return { width, height, data, ptsMs: f.ptsMs, receivedAt: f.receivedAt };
}

describe('pattern geometry', () => {
  it('keeps every patch and sample area inside one quadrant', () => {
    const q = PATTERN_GEOMETRY.quadrants;
    expect(inside(PATTERN_GEOMETRY.texture, q.tr)).toBe(true);
    expect(inside(PATTERN_GEOMETRY.grey, q.bl)).toBe(true);
    expect(inside(PATTERN_GEOMETRY.counterBackground, q.br)).toBe(true);
    expect(inside(PATTERN_GEOMETRY.counterGrid, PATTERN_GEOMETRY.counterBackground)).toBe(true);
    for (const k of QUADRANTS) expect(inside(PATTERN_GEOMETRY.colourSamples[k], q[k])).toBe(true);
  });

  it('keeps the colour sample areas clear of the patches', () => {
    const patches = [PATTERN_GEOMETRY.texture, PATTERN_GEOMETRY.grey, PATTERN_GEOMETRY.counterBackground];
    for (const k of QUADRANTS) for (const p of patches) expect(overlaps(PATTERN_GEOMETRY.colourSamples[k], p)).toBe(false);
  });

  it('has 16 distinct data bits and 8 guard cells in the counter', () => {
    const cells = counterCells();
    const bits = cells.flatMap((c) => (c.role === 'bit' ? [c.bit] : [])).sort((a, b) => a - b);
    expect(bits).toEqual(Array.from({ length: COUNTER_BITS }, (_, i) => i));
    expect(cells.filter((c) => c.role === 'guard')).toHaveLength(8);
  });

  it('maps rectangles into the unit square under every transform (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TRANSFORMS),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.double({ min: 0.01, max: 0.1, noNaN: true }),
        (t, x, y, s) => {
          const r = mapRect(t, { x, y, w: s, h: s });
          return r.x >= -1e-9 && r.y >= -1e-9 && r.x + r.w <= 1 + 1e-9 && r.y + r.h <= 1 + 1e-9 && Math.abs(r.w * r.h - s * s) < 1e-9;
        },
      ),
    );
  });

  it('sends the pattern corners where ffmpeg transforms send them', () => {
    expect(mapPoint('mirror', [0, 0])).toEqual([1, 0]);
    expect(mapPoint('rot90cw', [0, 0])).toEqual([1, 0]);
    expect(mapPoint('rot90ccw', [0, 0])).toEqual([0, 1]);
    expect(mapPoint('rot180', [0, 0])).toEqual([1, 1]);
    expect(mapPoint('mirror+rot90cw', [0, 0])).toEqual([1, 1]);
  });
});

describe('renderPattern', () => {
  const rgb = renderPattern({ position: 'front', width: W, height: H });

  it('paints each quadrant its camera colour and the grey patch 128,128,128', () => {
    for (const q of QUADRANTS) {
      const r = PATTERN_GEOMETRY.colourSamples[q];
      expect(pixel(rgb, W, Math.floor((r.x + r.w / 2) * W), Math.floor((r.y + r.h / 2) * H))).toEqual([...CAMERA_COLOURS.front[q]]);
    }
    const g = PATTERN_GEOMETRY.grey;
    expect(pixel(rgb, W, Math.floor((g.x + g.w / 2) * W), Math.floor((g.y + g.h / 2) * H))).toEqual([...GREY]);
  });

  it('fills the texture patch with a two-level checkerboard', () => {
    const { x0, y0, x1, y1 } = rectToPixels(PATTERN_GEOMETRY.texture, W, H);
    const levels = new Set<number>();
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) levels.add(pixel(rgb, W, x, y)[0]!);
    expect([...levels].sort((a, b) => a - b)).toEqual([TEXTURE_DARK[0], TEXTURE_LIGHT[0]]);
  });

  it('differs between the front and back cameras in every quadrant', () => {
    for (const q of QUADRANTS) expect(CAMERA_COLOURS.front[q]).not.toEqual(CAMERA_COLOURS.back[q]);
  });

  it('round-trips through PPM encoding and the PPM stream reader', () => {
    const ppm = encodePpm(W, H, rgb);
    const reader = new PpmStreamReader();
    reader.feed(ppm.subarray(0, 100));
    expect(reader.take()).toHaveLength(0);
    reader.feed(Buffer.concat([ppm.subarray(100), ppm]));
    const frames = reader.take();
    expect(frames).toHaveLength(2);
    expect(frames[1]!.width).toBe(W);
    expect(Buffer.from(frames[1]!.data).equals(Buffer.from(rgb))).toBe(true);
    expect(reader.leftover).toBe(0);
  });

  it('caches the PPM under a content-keyed path', async () => {
    const a = await patternPpm({ position: 'back', width: W, height: H });
    const b = await patternPpm({ position: 'back', width: W, height: H });
    const c = await patternPpm({ position: 'front', width: W, height: H });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toContain('lpbench-cache');
    expect(readFileSync(a).subarray(0, 2).toString()).toBe('P6');
    expect(statSync(a).size).toBe(encodePpm(W, H, rgb).length);
  });
});

describe('video oracles on the rendered pattern', () => {
  it.each(TRANSFORMS)('identifies camera and transform %s and reads the counter through it', (t) => {
    for (const position of ['front', 'back'] as const) {
      const f = transformFrame(patternFrame(position, 0xa5c3), t);
      const id = identifyPattern(f);
      expect(id.camera).toBe(position);
      expect(id.transform).toBe(t);
      expect(id.confidence).toBeGreaterThan(0.5);
      expect(readFrameCounter(f, t)).toBe(0xa5c3);
      expect(greyPatch(f, t).chroma).toBe(0);
      expect(textureEnergy(f, t)).toBeGreaterThan(0);
    }
  });

  it('reads any counter value (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: COUNTER_MODULUS - 1 }), (v) => readFrameCounter(patternFrame('front', v), 'identity') === v), { numRuns: 50 });
  });

  it('refuses to read a counter whose guards are wrong', () => {
    const f = patternFrame('front', 7);
    expect(readFrameCounter(transformFrame(f, 'rot180'), 'identity')).toBeNull();
    expect(quadrantColours(f).tl).toEqual([...CAMERA_COLOURS.front.tl]);
  });
});
