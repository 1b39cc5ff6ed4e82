import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { crc32, encodePngRgb, mirrorRgb } from '../../reference-pusher/png.ts';

describe('png', () => {
  it('computes the standard CRC-32', () => {
    expect((crc32(Buffer.from('123456789')) ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
  });

  it('mirrors rows left-right', () => {
    const rgb = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect([...mirrorRgb(2, 2, rgb)]).toEqual([4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9]);
  });

  it('writes a PNG that an independent decoder (ffmpeg) reads back pixel for pixel', () => {
    const w = 7;
    const h = 5;
    const rgb = new Uint8Array(w * h * 3).map((_, i) => (i * 37) % 256);
    const dir = mkdtempSync(join(tmpdir(), 'png-test-'));
    try {
      const file = join(dir, 'x.png');
      writeFileSync(file, encodePngRgb(w, h, rgb));
      const out = spawnSync(ffmpegPath(), ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 20 });
      expect(out.status).toBe(0);
      expect([...out.stdout]).toEqual([...rgb]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a buffer smaller than the image', () => {
    expect(() => encodePngRgb(4, 4, new Uint8Array(10))).toThrow(/less than 4x4x3/);
  });
});
