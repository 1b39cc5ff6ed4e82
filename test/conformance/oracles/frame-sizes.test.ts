// The frame-size reader on inputs of known properties: an ffmpeg-made H.264 stream whose size
// changes mid-stream (two MPEG-TS segments joined byte for byte) must read every frame at its
// real size, in order, with its presentation time; and the showinfo line parser on its own.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { liveProcessCount } from '../../../adapters/process/supervised.ts';
import { parseShowinfoSize, readFrameSizes } from '../../../conformance/oracles/frame-sizes.ts';
import { runToCompletion } from '../../../adapters/process/run-to-completion.ts';

const FPS = 10;
const FRAMES_EACH = 10;
const FIRST = { width: 320, height: 240 };
const SECOND = { width: 160, height: 128 };

let dir: string;
let joined: string;

async function segment(path: string, size: { width: number; height: number }): Promise<void> {
  await runToCompletion({
    name: 'segment encoder',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=s=${size.width}x${size.height}:r=${FPS}`,
      '-frames:v', String(FRAMES_EACH), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path],
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpbench-frame-sizes-'));
  const a = join(dir, 'a.ts');
  const b = join(dir, 'b.ts');
  await segment(a, FIRST);
  await segment(b, SECOND);
  joined = join(dir, 'joined.ts');
  await writeFile(joined, Buffer.concat([await readFile(a), await readFile(b)]));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readFrameSizes', () => {
  it('reads every frame at its real size across a mid-stream size change', async () => {
    const sizes = await readFrameSizes(joined);
    expect(sizes.map((s) => `${s.width}x${s.height}`)).toEqual([
      ...Array<string>(FRAMES_EACH).fill(`${FIRST.width}x${FIRST.height}`),
      ...Array<string>(FRAMES_EACH).fill(`${SECOND.width}x${SECOND.height}`),
    ]);
    for (let i = 1; i < FRAMES_EACH; i++) expect(sizes[i]!.ptsMs - sizes[i - 1]!.ptsMs).toBeCloseTo(1000 / FPS, 0);
    expect(liveProcessCount()).toBe(0);
  });
});

describe('parseShowinfoSize', () => {
  it('reads presentation time and size from a showinfo frame line', () => {
    const line = '[Parsed_showinfo_0 @ 0x16e284c0] n:   3 pts: 153000 pts_time:1.7     pos:    11468 fmt:yuv420p sar:1/1 s:540x960 i:P iskey:0 type:P checksum:1BEBA236';
    expect(parseShowinfoSize(line, 42)).toEqual({ ptsMs: 1700, width: 540, height: 960, at: 42 });
  });

  it('ignores other lines', () => {
    expect(parseShowinfoSize('[Parsed_showinfo_0 @ 0x1] config in time_base: 1/90000, frame_rate: 10/1')).toBeNull();
    expect(parseShowinfoSize('[Parsed_showinfo_0 @ 0x1] color_range:unknown color_space:unknown')).toBeNull();
  });
});
