// The SEI oracle against an H.264 stream ffmpeg made with known SEI messages (h264_metadata's
// sei_user_data inserts a UUID + string into the first access unit; x264 adds its own version
// SEI under its published UUID), read whole and in 1-byte-odd chunks; escaped payloads.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { runToCompletion } from '../../../adapters/process/run-to-completion.ts';
import { AnnexBSeiReader, parseSeiNal, unescapeRbsp, watchSeiMessages } from '../../../conformance/oracles/sei.ts';

const UUID = '0123456789abcdef0123456789abcdef';
const TEXT = 'hello from the test';
/** x264's user_data_unregistered UUID (its encoder settings string). */
const X264_UUID = 'dc45e9bde6d948b7962cd820d923eeef';
const CHUNK = 7;

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sei-test-'));
  file = join(dir, 'clip.h264');
  await runToCompletion({
    name: 'sei clip encoder',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=s=160x120:r=10', '-frames:v', '5', '-c:v', 'libx264', '-preset', 'ultrafast',
      '-bsf:v', `h264_metadata=sei_user_data=${UUID}+${TEXT}`, '-f', 'h264', '-y', file],
  });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('SEI oracle', () => {
  it('finds the inserted message and x264 own SEI, fed in small chunks', async () => {
    const bytes = await readFile(file);
    const reader = new AnnexBSeiReader();
    for (let i = 0; i < bytes.length; i += CHUNK) reader.feed(bytes.subarray(i, i + CHUNK));
    reader.end();
    const found = reader.messages();
    const ours = found.filter((m) => m.uuid === UUID);
    expect(ours).toHaveLength(1);
    expect(Buffer.from(ours[0]!.data).toString('utf8').replace(/\0+$/, '')).toBe(TEXT);
    expect(found.some((m) => m.uuid === X264_UUID && Buffer.from(m.data).toString('latin1').startsWith('x264'))).toBe(true);
  });

  it('reads the same through ffmpeg (watchSeiMessages on a file)', async () => {
    const watch = await watchSeiMessages(file);
    await new Promise((r) => setTimeout(r, 1500));
    const found = await watch.stop();
    expect(found.filter((m) => m.uuid === UUID)).toHaveLength(1);
  });

  it('removes emulation prevention and parses multi-byte sizes', () => {
    expect([...unescapeRbsp(Uint8Array.from([0, 0, 3, 1, 0, 0, 3, 0]))]).toEqual([0, 0, 1, 0, 0, 0]);
    const data = new Uint8Array(300).fill(0x41);
    const size = 16 + data.length;
    const rbsp = [5, 0xff, size - 0xff, ...Buffer.from(UUID, 'hex'), ...data, 0x80];
    const [m] = parseSeiNal(Uint8Array.from([6, ...rbsp]));
    expect(m!.uuid).toBe(UUID);
    expect(m!.data.length).toBe(300);
    expect(parseSeiNal(Uint8Array.from([5, 1, 2]))).toEqual([]);
  });
});
