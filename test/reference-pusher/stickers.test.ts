// applySticker's arguments and overlay graph (reference-pusher/stickers.ts), and the synthetic
// camera's controls chain (adapters/camera/synthetic.ts): bad input is refused naming what is
// wrong, a sticker lands at the pixels its pos asks, the torch lights only the back camera.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_STICKERS, checkStickerArgs, decodeStickers, encodeStickers, stickerGraph } from '../../reference-pusher/stickers.ts';
import { controlsChain } from '../../adapters/camera/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'lpb-stickers-'));
const png = join(dir, 'a.png');
const text = join(dir, 'a.txt');
writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
writeFileSync(text, 'not an image');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problem = (args: Record<string, unknown>) => {
  const r = checkStickerArgs(args);
  return 'problem' in r ? r.problem : '';
};

describe('checkStickerArgs', () => {
  it('accepts pos as strings or numbers, fractions of the frame', () => {
    const r = checkStickerArgs({ type: '2D', stickers: [{ path: png, title: 't', len: 1, pos: ['0.1', '0.2', '0.3', 0.4] }] });
    expect(r).toEqual({ type: '2D', stickers: [{ path: png, x: 0.1, y: 0.2, w: 0.3, h: 0.4 }] });
  });

  it('refuses bad input naming the field and what is legal', () => {
    expect(problem({ stickers: [] })).toMatch(/^type must be a non-empty string/);
    expect(problem({ type: '2D', stickers: [] })).toMatch(/^stickers must be a non-empty array/);
    expect(problem({ type: '2D', stickers: Array.from({ length: MAX_STICKERS + 1 }, () => ({ path: png, pos: [0, 0, 0.1, 0.1] })) })).toMatch(/at most 4 stickers/);
    expect(problem({ type: '2D', stickers: [{ pos: [0, 0, 0.1, 0.1] }] })).toMatch(/^stickers\[0\]\.path must be/);
    expect(problem({ type: '2D', stickers: [{ path: text, pos: [0, 0, 0.1, 0.1] }] })).toMatch(/cannot be read as a PNG or JPEG/);
    expect(problem({ type: '2D', stickers: [{ path: png }] })).toMatch(/^stickers\[0\]\.pos must be \[x, y, width, height\].*face tracker/);
    expect(problem({ type: '2D', stickers: [{ path: png, pos: [0.8, 0, 0.3, 0.1] }] })).toMatch(/x \+ width <= 1/);
    expect(problem({ type: '2D', stickers: [{ path: png, pos: ['a', 0, 0.3, 0.1] }] })).toMatch(/not a rectangle inside the frame/);
    expect(problem({ type: '2D', stickers: [{ path: png, md5: 'abc', pos: [0, 0, 0.1, 0.1] }] })).toMatch(/md5 "abc" does not match/);
  });
});

describe('stickerGraph', () => {
  it('scales each image to its rectangle and overlays it at its place, chained', () => {
    const stickers = [
      { path: png, x: 0.1, y: 0.08, w: 0.3, h: 0.15 },
      { path: png, x: 0.5, y: 0.5, w: 0.25, h: 0.25 },
    ];
    expect(decodeStickers(encodeStickers(stickers))).toEqual(stickers);
    expect(stickerGraph(stickers, 2, 360, 640, 'scene', 'out')).toEqual([
      '[2:v]scale=108:96,format=rgba[stkimg0]',
      '[scene][stkimg0]overlay=x=36:y=51:eof_action=repeat[stk0]',
      '[3:v]scale=90:160,format=rgba[stkimg1]',
      '[stk0][stkimg1]overlay=x=180:y=320:eof_action=repeat[out]',
    ]);
    expect(encodeStickers([])).toBe('');
  });
});

describe('controlsChain', () => {
  it('lights only the back camera and defocuses either when auto-focus is off', () => {
    expect(controlsChain('back', undefined, 720, 1280)).toBe('');
    expect(controlsChain('back', { torch: false, autoFocus: true }, 720, 1280)).toBe('');
    expect(controlsChain('front', { torch: true, autoFocus: true }, 720, 1280)).toBe('');
    expect(controlsChain('back', { torch: true, autoFocus: true }, 720, 1280)).toMatch(/^lutrgb=r='clip\(val\*1\.3,0,255\)'/);
    expect(controlsChain('front', { torch: false, autoFocus: false }, 720, 1280)).toBe('scale=180:320:flags=area,scale=720:1280:flags=fast_bilinear');
  });
});
