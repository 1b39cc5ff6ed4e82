// Video oracles against ffmpeg-made clips of known properties: black frames, colour cast of
// the grey patch, texture energy under smoothing, frame differences, the counter's rate, PNG
// evidence.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../../conformance/oracles/frame.ts';
import {
  counterDelta,
  frameDifference,
  greyPatch,
  identifyPattern,
  isBlack,
  meanLuma,
  readFrameCounter,
  textureEnergy,
  writePng,
} from '../../../conformance/oracles/video.ts';
import { renderClip } from './media-fixtures.ts';

const SIZE = '360x640';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

let base: RgbFrame[];
beforeAll(async () => {
  base = await renderClip({ frames: 16, size: SIZE });
});

describe('video oracles', () => {
  it('reads a neutral grey patch as neutral and a colorchannelmixer cast as warm', async () => {
    const neutral = greyPatch(base[5]!);
    expect(neutral.chroma).toBeLessThan(4);
    expect(neutral.luma).toBeGreaterThan(120);
    expect(neutral.luma).toBeLessThan(136);
    const [warm] = (await renderClip({ frames: 1, size: SIZE, filter: 'colorchannelmixer=rr=1.2:bb=0.8' }));
    const cast = greyPatch(warm!);
    expect(cast.chroma).toBeGreaterThan(30);
    expect(cast.hueDeg!).toBeGreaterThan(15);
    expect(cast.hueDeg!).toBeLessThan(45);
  });

  it('sees brightness in the grey patch luma', async () => {
    const [bright] = await renderClip({ frames: 1, size: SIZE, filter: 'hue=b=2' });
    expect(greyPatch(bright!).luma - greyPatch(base[0]!).luma).toBeGreaterThan(30);
    expect(greyPatch(bright!).chroma).toBeLessThan(4);
  });

  it('measures texture energy that boxblur lowers by more than half', async () => {
    const [blurred] = await renderClip({ frames: 1, size: SIZE, filter: 'boxblur=2:1' });
    const sharp = textureEnergy(base[0]!);
    expect(sharp).toBeGreaterThan(20);
    expect(textureEnergy(blurred!)).toBeLessThan(sharp / 2);
  });

  it('tells a black source from the pattern', async () => {
    const [black] = await renderClip({ frames: 1, size: SIZE, filter: 'drawbox=t=fill:c=black' });
    expect(isBlack(black!)).toBe(true);
    expect(identifyPattern(black!).camera).toBeNull();
    expect(readFrameCounter(black!)).toBeNull();
    expect(isBlack(base[0]!)).toBe(false);
    expect(meanLuma(base[0]!)).toBeGreaterThan(60);
  });

  it('counts one per frame: 15 per second of a 15 fps clip', () => {
    const first = readFrameCounter(base[0]!)!;
    const last = readFrameCounter(base[15]!)!;
    const perSecond = (counterDelta(first, last) * 1000) / (base[15]!.ptsMs - base[0]!.ptsMs);
    expect(perSecond).toBeCloseTo(15, 6);
    expect(counterDelta(65535, 2)).toBe(3);
  });

  it('measures frame differences: tiny between frames, large between cameras', async () => {
    const [back] = await renderClip({ camera: 'back', frames: 1, size: SIZE });
    expect(frameDifference(base[1]!, base[2]!)).toBeLessThan(5);
    expect(frameDifference(base[0]!, back!)).toBeGreaterThan(40);
    expect(() => frameDifference(base[0]!, { width: 1, height: 1, data: new Uint8Array(3), ptsMs: 0, receivedAt: Number.NaN })).toThrow(RangeError);
  });

  describe('writePng', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'lpbench-png-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    it('writes the frame as a PNG file', async () => {
      const path = join(dir, 'frame.png');
      await writePng(base[0]!, path);
      expect((await readFile(path)).subarray(0, 4).equals(PNG_SIGNATURE)).toBe(true);
    });
  });
});
