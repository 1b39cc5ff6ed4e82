// The pusher's pictures (context-api.md snapshot; live-pusher.zh.md waiting-image,
// waiting-image-hash, 错误码 10004): argument checks, the waiting-image check and the still.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attributeDefaults } from '../../spec/index.ts';
import { resolveEncodeConfig } from '../../reference-pusher/encode-config.ts';
import { PreviewStill, checkSnapshotArgs, waitingImageProblem } from '../../reference-pusher/preview-still.ts';

const dir = mkdtempSync(join(tmpdir(), 'preview-still-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = resolveEncodeConfig({ ...attributeDefaults() }, new Set());

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SOI = [0xff, 0xd8];
const JPEG_EOI = [0xff, 0xd9];

/** A 2x1 frame: red then blue. */
const frame = { width: 2, height: 1, rgb: new Uint8Array([255, 0, 0, 0, 0, 255]), at: 0 };

describe('checkSnapshotArgs', () => {
  it('defaults to stream/raw and accepts view/compressed', () => {
    expect(checkSnapshotArgs({})).toEqual({ sourceType: 'stream', quality: 'raw' });
    expect(checkSnapshotArgs({ sourceType: 'view', quality: 'compressed' })).toEqual({ sourceType: 'view', quality: 'compressed' });
  });

  it('names the illegal value and the legal ones, sourceType first', () => {
    expect(checkSnapshotArgs({ sourceType: 'x', quality: 'y' })).toEqual({ problem: 'sourceType "x" is not legal; expected "stream" or "view"' });
    expect(checkSnapshotArgs({ quality: 'y' })).toEqual({ problem: 'quality "y" is not legal; expected "raw" or "compressed"' });
  });
});

describe('waitingImageProblem', () => {
  const image = join(dir, 'wait.png');
  writeFileSync(image, 'not really a png');
  const md5 = createHash('md5').update(readFileSync(image)).digest('hex');

  it('accepts a readable image with no hash or the matching hash (any case)', () => {
    expect(waitingImageProblem(image, undefined)).toBeUndefined();
    expect(waitingImageProblem(image, md5.toUpperCase())).toBeUndefined();
  });

  it('reports an unreadable image and a hash mismatch', () => {
    expect(waitingImageProblem(join(dir, 'missing.png'), undefined)).toMatch(/cannot be read/);
    expect(waitingImageProblem(image, '0'.repeat(32))).toBe(`waiting-image-hash ${'0'.repeat(32)} does not match the image's MD5 ${md5}`);
  });
});

describe('PreviewStill', () => {
  it('numbers snapshots and reports width/height as strings', async () => {
    const pictures = new PreviewStill(dir);
    const first = await pictures.writeSnapshot(frame, false);
    const second = await pictures.writeSnapshot(frame, true);
    expect(first).toEqual({ tempImagePath: join(dir, 'snapshot-1.png'), width: '2', height: '1' });
    expect(second.tempImagePath).toBe(join(dir, 'snapshot-2.png'));
    expect([...readFileSync(first.tempImagePath).subarray(0, PNG_SIGNATURE.length)]).toEqual(PNG_SIGNATURE);
  });

  it('writes quality compressed as a JPEG (SOI marker first, EOI last)', async () => {
    const pictures = new PreviewStill(dir);
    const jpeg = await pictures.writeSnapshot(frame, false, 'compressed');
    expect(jpeg).toEqual({ tempImagePath: join(dir, 'snapshot-1.jpg'), width: '2', height: '1' });
    const bytes = readFileSync(jpeg.tempImagePath);
    expect([...bytes.subarray(0, 2)]).toEqual(JPEG_SOI);
    expect([...bytes.subarray(bytes.length - 2)]).toEqual(JPEG_EOI);
  });

  it('the still is the waiting-image when usable, else the last frame, else black at the encode size', () => {
    const image = join(dir, 'still-wait.png');
    writeFileSync(image, 'image');
    const problems: string[] = [];
    const pictures = new PreviewStill(dir);
    expect(pictures.stillPath({ 'waiting-image': image }, config, (p) => problems.push(p))).toBe(image);
    expect(problems).toEqual([]);

    const black = pictures.stillPath({}, config, (p) => problems.push(p));
    expect(readFileSync(black).subarray(0, 20).toString('latin1')).toContain(`${config.width} ${config.height}`);

    pictures.remember(frame);
    pictures.remember(undefined);
    const still = pictures.stillPath({ 'waiting-image': join(dir, 'gone.png') }, config, (p) => problems.push(p));
    expect(problems).toHaveLength(1);
    expect(readFileSync(still).subarray(0, 20).toString('latin1')).toContain('2 1');
  });
});
