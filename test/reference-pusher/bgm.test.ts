// The reference's background music (reference-pusher/bgm.ts) on a file of known length made by
// ffmpeg: the position runs on the wall clock from startTimeMs, stands while paused and while the
// encoder restarts (input() until produced()), progress reports it with the media's duration,
// complete comes at endTimeMs, and what cannot be loaded is a load failure (10003).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgmError, BgmPlayer, parseBgmVolume } from '../../reference-pusher/bgm.ts';
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { runToCompletion } from '../../adapters/process/run-to-completion.ts';

let dir: string;
let music: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpbench-bgm-'));
  music = join(dir, 'music.wav');
  await runToCompletion({ name: 'ffmpeg', command: ffmpegPath(), args: ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=440:d=3', music] });
  await writeFile(join(dir, 'text.wav'), 'not audio\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('BgmPlayer', () => {
  it('plays from startTimeMs, stands while paused and while held for a restart, and completes at endTimeMs', async () => {
    const p = new BgmPlayer();
    const events: string[] = [];
    const progress: { progress: number; duration: number }[] = [];
    p.on('start', () => events.push('start'));
    p.on('complete', () => events.push('complete'));
    p.on('progress', (d: { progress: number; duration: number }) => progress.push(d));
    await p.play({ url: music, startTimeMs: 1000, endTimeMs: 2200 });
    expect(events).toEqual(['start']);
    const held = p.input()!;
    expect(held.fromMs).toBeGreaterThanOrEqual(1000);
    expect(held.fromMs).toBeLessThan(1100);
    expect(held.toMs).toBe(2200);
    await sleep(300);
    expect(p.input()!.fromMs).toBe(held.fromMs);
    p.produced();
    await sleep(300);
    expect(p.pause()).toBe(true);
    const pausedAt = p.input();
    expect(pausedAt).toBeNull();
    await sleep(300);
    expect(p.resume()).toBe(true);
    p.produced();
    await sleep(1200);
    expect(events).toEqual(['start', 'complete']);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.every((d) => d.duration === 3000)).toBe(true);
    expect(progress[progress.length - 1]!.progress).toBe(2200);
    expect(p.input()).toBeNull();
    p.dispose();
  });

  it('fails a load of what is not audio or not there (10003), and names bad arguments', async () => {
    const p = new BgmPlayer();
    await expect(p.play({ url: join(dir, 'text.wav') })).rejects.toMatchObject({ loadFailed: true });
    await expect(p.play({ url: join(dir, 'missing.wav') })).rejects.toMatchObject({ loadFailed: true });
    await expect(p.play({ url: '' })).rejects.toThrow(/url: "" is not legal/);
    await expect(p.play({ url: music, startTimeMs: -1 })).rejects.toThrow(/startTimeMs: -1 is not legal/);
    await expect(p.play({ url: music, startTimeMs: 2000, endTimeMs: 1000 })).rejects.toThrow(/endTimeMs: 1000 is not legal/);
    await expect(p.play({ url: music, startTimeMs: 5000 })).rejects.toThrow(/the music lasts 3000 ms/);
    p.dispose();
  });

  it('takes setBGMVolume as a string from 0 to 1', () => {
    expect(parseBgmVolume('0.5')).toBe(0.5);
    expect(() => parseBgmVolume(0.5)).toThrow(BgmError);
    expect(() => parseBgmVolume('2')).toThrow(/volume: "2" is not legal/);
    expect(() => parseBgmVolume('')).toThrow(/not legal/);
  });
});
