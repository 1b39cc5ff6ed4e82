// applyFilter's lookup table (context-api.md applyFilter): the .cube made from a lookup image
// (identity and red/blue swap, drawn here in the 512x512 layout), alpha blending, and the
// argument checks.
import { describe, expect, it } from 'vitest';
import { CUBE_SIZE, LUT_IMAGE_SIZE, LUT_LEVELS, checkLutArgs, cubeFromLookup } from '../../reference-pusher/lut-filter.ts';

const TILES = LUT_IMAGE_SIZE / LUT_LEVELS;
const MAX = 255;

function lookup(map: (r: number, g: number, b: number) => [number, number, number]): Uint8Array {
  const rgb = new Uint8Array(LUT_IMAGE_SIZE * LUT_IMAGE_SIZE * 3);
  for (let y = 0; y < LUT_IMAGE_SIZE; y++) {
    for (let x = 0; x < LUT_IMAGE_SIZE; x++) {
      const b = Math.floor(y / LUT_LEVELS) * TILES + Math.floor(x / LUT_LEVELS);
      const lv = (v: number) => Math.round((v * MAX) / (LUT_LEVELS - 1));
      rgb.set(map(lv(x % LUT_LEVELS), lv(y % LUT_LEVELS), lv(b)), (y * LUT_IMAGE_SIZE + x) * 3);
    }
  }
  return rgb;
}

/** The cube's entry for grid indices (red fastest). */
function entry(cube: string, r: number, g: number, b: number): number[] {
  const lines = cube.trim().split('\n');
  return lines[1 + r + g * CUBE_SIZE + b * CUBE_SIZE * CUBE_SIZE]!.split(' ').map(Number);
}

describe('lut-filter', () => {
  it('an identity lookup gives the identity cube (within half a level)', () => {
    const cube = cubeFromLookup(lookup((r, g, b) => [r, g, b]), 1);
    expect(cube.startsWith(`LUT_3D_SIZE ${CUBE_SIZE}\n`)).toBe(true);
    const e = entry(cube, 32, 0, 16);
    expect(e[0]).toBeCloseTo(1, 2);
    expect(e[1]).toBeCloseTo(0, 2);
    expect(e[2]).toBeCloseTo(0.5, 1);
  });

  it('a red/blue swap moves red to blue; alpha 0 keeps the identity', () => {
    const swap = lookup((r, g, b) => [b, g, r]);
    expect(entry(cubeFromLookup(swap, 1), 32, 0, 0)).toEqual([0, 0, 1]);
    expect(entry(cubeFromLookup(swap, 0), 32, 0, 0)).toEqual([1, 0, 0]);
    expect(entry(cubeFromLookup(swap, 0.5), 32, 0, 0)).toEqual([0.5, 0, 0.5]);
  });

  it('checks path and alpha, naming what is legal', () => {
    expect(checkLutArgs({})).toEqual({ problem: `path must be the path of a ${LUT_IMAGE_SIZE}x${LUT_IMAGE_SIZE} LUT image, got undefined` });
    expect(checkLutArgs({ path: '/nonexistent/lut.png' })).toEqual({ problem: 'path /nonexistent/lut.png cannot be read' });
    expect(checkLutArgs({ path: '/nonexistent/lut.png', alpha: 2 })).toEqual({ problem: 'alpha must be a number from 0 to 1, got 2' });
  });
});
