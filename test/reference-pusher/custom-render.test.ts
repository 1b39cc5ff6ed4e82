// Custom rendering's side channel (reference-pusher/custom-render.ts): bad input is refused naming
// what is wrong and what is legal, frames are offered at a bounded rate round a ring of files, the
// push size is told at subscription and when it changes, the latest whole canvas is fed to the
// encoder (black before anything is drawn, a file of the wrong size not pushed), and close()
// leaves no timer or file behind. The last test runs the media pipeline with a canvas feed.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CUSTOM_RENDER_FORMAT,
  CustomRenderer,
  FRAME_SLOTS,
  OFFER_FPS,
  RENDERER_EVENTS,
  canvasOptionsProblem,
  canvasSizeProblem,
  checkRendererEvent,
  type OfferedFrame,
} from '../../reference-pusher/custom-render.ts';
import { resolveEncodeConfig } from '../../reference-pusher/encode-config.ts';
import { LivePusher } from '../../reference-pusher/live-pusher.ts';
import { MediaPipeline, buildFfmpegArgs, type RawFrame, type VideoInput } from '../../reference-pusher/media-pipeline.ts';
import { attributeDefaults } from '../../spec/index.ts';

const dirs: string[] = [];
function workDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lpb-custom-render-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SIZE = { width: 4, height: 2 };
const BYTES = SIZE.width * SIZE.height * 3;
const frame = (at: number, fill: number): RawFrame => ({ width: SIZE.width, height: SIZE.height, rgb: new Uint8Array(BYTES).fill(fill), at });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Replaces the canvas file whole, as a page must (temp file + rename). */
function draw(path: string, bytes: Buffer): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

describe('argument checks', () => {
  it('knows the spec events and refuses another, naming the legal ones', () => {
    expect([...RENDERER_EVENTS]).toEqual(['frame', 'update']);
    expect(checkRendererEvent('frame')).toEqual({ event: 'frame' });
    expect(checkRendererEvent('update')).toEqual({ event: 'update' });
    expect(checkRendererEvent('draw')).toEqual({ problem: 'event "draw" is not known; expected "frame" or "update"' });
    expect(checkRendererEvent(undefined)).toEqual({ problem: 'event undefined is not known; expected "frame" or "update"' });
  });

  it('takes canvas options that leave the size out or give the push size', () => {
    expect(canvasOptionsProblem({}, SIZE)).toBeNull();
    expect(canvasOptionsProblem({ width: 4, height: 2 }, SIZE)).toBeNull();
    expect(canvasOptionsProblem({ width: 8 }, SIZE)).toMatch(/^width 8 is not the push size's \(4x2\)/);
    expect(canvasOptionsProblem({ height: '2' }, SIZE)).toMatch(/^height "2" is not/);
  });

  it('names a canvas file of the wrong size with the bytes expected', () => {
    expect(canvasSizeProblem(BYTES, SIZE)).toBeNull();
    expect(canvasSizeProblem(BYTES - 3, SIZE)).toBe('the canvas file holds 21 bytes; a 4x2 rgb24 picture is 24 bytes (width x height x 3); the frame is not pushed');
  });
});

describe('CustomRenderer', () => {
  it('tells the push size at subscription and when it changes, and refuses an unknown event', async () => {
    const r = new CustomRenderer(workDir());
    const sizes: unknown[] = [];
    r.on('update', (s) => sizes.push(s));
    r.pushSize({ width: 360, height: 640 });
    expect(sizes).toEqual([]);
    expect(() => r.subscribe('resize', { width: 360, height: 640 })).toThrow('event "resize" is not known; expected "frame" or "update"');
    // An EncodeConfig is passed as the size: only width and height are told.
    r.subscribe('update', { width: 360, height: 640, fps: 15 } as { width: number; height: number });
    r.pushSize({ width: 360, height: 640 });
    r.pushSize({ width: 540, height: 960 });
    expect(sizes).toEqual([{ width: 360, height: 640 }, { width: 540, height: 960 }]);
    await r.close();
  });

  it('offers frames only once subscribed, at most OFFER_FPS a second, round a ring of whole files', async () => {
    const dir = workDir();
    const r = new CustomRenderer(dir);
    const offered: OfferedFrame[] = [];
    r.on('frame', (f) => offered.push(f));
    r.offer(frame(0, 1));
    await sleep(20);
    expect(offered).toEqual([]);
    r.subscribe('frame', SIZE);
    const step = 1000 / OFFER_FPS;
    for (let i = 0; i < FRAME_SLOTS + 2; i++) {
      r.offer(frame(10_000 + i * step, i + 1));
      // Too soon after the one before: skipped.
      r.offer(frame(10_000 + i * step + step / 4, 200));
      // Let the write finish (offers meanwhile are skipped); 15 ms missed one on a loaded machine.
      await sleep(60);
    }
    expect(offered).toHaveLength(FRAME_SLOTS + 2);
    expect(offered[0]).toEqual({ width: 4, height: 2, timestamp: 10_000, path: join(dir, 'custom-render', `frame-0.${CUSTOM_RENDER_FORMAT}`), format: 'rgb24' });
    expect(offered[FRAME_SLOTS]!.path).toBe(offered[0]!.path);
    const last = offered[FRAME_SLOTS + 1]!;
    expect([...readFileSync(last.path)]).toEqual(new Array(BYTES).fill(FRAME_SLOTS + 2));
    await r.close();
    expect(existsSync(join(dir, 'custom-render'))).toBe(false);
  });

  it('a picture the tap repeats is not offered again (not a new capture)', async () => {
    const r = new CustomRenderer(workDir());
    const offered: OfferedFrame[] = [];
    r.on('frame', (f) => offered.push(f));
    r.subscribe('frame', SIZE);
    const step = 1000 / OFFER_FPS;
    for (const [i, value] of [1, 1, 1, 2, 2, 3].entries()) {
      r.offer(frame(10_000 + i * step, value));
      // One offer is written at a time (others meanwhile are skipped): let each finish.
      await sleep(100);
    }
    expect(offered.map((f) => readFileSync(f.path)[0])).toEqual([1, 2, 3]);
    await r.close();
  });

  it('drops the frames its hook drops', async () => {
    const r = new CustomRenderer(workDir(), { hooks: { offered: () => null } });
    const offered: unknown[] = [];
    r.on('frame', (f) => offered.push(f));
    r.subscribe('frame', SIZE);
    r.offer(frame(0, 1));
    await sleep(20);
    expect(offered).toEqual([]);
    await r.close();
  });

  it('feeds black before anything is drawn, then the latest whole canvas; a wrong size is told once and not pushed', async () => {
    const warnings: string[] = [];
    const r = new CustomRenderer(workDir(), { warn: (m) => warnings.push(m) });
    const canvas = r.createCanvas({}, SIZE);
    expect(canvas).toMatchObject({ width: 4, height: 2, format: 'rgb24' });
    expect(r.createCanvas({}, SIZE).path).toBe(canvas.path);
    const sink = new PassThrough();
    const written: Buffer[] = [];
    sink.on('data', (b: Buffer) => written.push(b));
    const fps = 50;
    r.feed(sink, { ...SIZE, fps });
    await sleep(60);
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((b) => b.length === BYTES && b.every((v) => v === 0))).toBe(true);
    draw(canvas.path, Buffer.alloc(BYTES, 7));
    await sleep(60);
    expect(written.at(-1)!.every((v) => v === 7)).toBe(true);
    draw(canvas.path, Buffer.alloc(BYTES + 3, 9));
    await sleep(60);
    expect(written.at(-1)!.every((v) => v === 7)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('the canvas file holds 27 bytes; a 4x2 rgb24 picture is 24 bytes');
    await r.close();
    const count = written.length;
    await sleep(60);
    expect(written.length).toBe(count);
  });

  it('does not queue without bound in front of a sink that does not read', async () => {
    const r = new CustomRenderer(workDir());
    const sink = new PassThrough({ highWaterMark: 1 });
    r.feed(sink, { ...SIZE, fps: 200 });
    await sleep(100);
    expect(sink.writableLength).toBeLessThanOrEqual(BYTES * 3);
    await r.close();
    sink.destroy();
  });
});

describe('LivePusher wiring', () => {
  it('without enableVideoCustomRender both methods fail naming it', async () => {
    const p = new LivePusher({ workDir: workDir() });
    await p.create({});
    await expect(p.createOffscreenCanvas({})).rejects.toThrow('createOffscreenCanvas:fail enableVideoCustomRender is false');
    await expect(p.onCustomRendererEvent({ event: 'frame' })).rejects.toThrow('onCustomRendererEvent:fail enableVideoCustomRender is false');
    await p.dispose();
  });

  it('with it: the canvas is the push size, update tells the size, a bad event fails, dispose removes the files', async () => {
    const dir = workDir();
    const p = new LivePusher({ workDir: dir });
    const updates: unknown[] = [];
    p.on('customrendererupdate', (d) => updates.push(d));
    await p.create({ enableVideoCustomRender: true, mode: 'HD' });
    await expect(p.onCustomRendererEvent({ event: 'resize' })).rejects.toThrow('onCustomRendererEvent:fail event "resize" is not known; expected "frame" or "update"');
    expect(await p.onCustomRendererEvent({ event: 'update' })).toEqual({ errMsg: 'onCustomRendererEvent:ok' });
    expect(updates).toEqual([{ width: 540, height: 960 }]);
    const canvas = await p.createOffscreenCanvas({});
    expect(canvas).toEqual({ errMsg: 'createOffscreenCanvas:ok', path: join(dir, 'custom-render', 'canvas.rgb24'), width: 540, height: 960, format: 'rgb24' });
    draw(String(canvas['path']), Buffer.alloc(540 * 960 * 3));
    await p.dispose();
    expect(existsSync(join(dir, 'custom-render'))).toBe(false);
  });
});

describe('the media pipeline under custom rendering', () => {
  const config = { ...resolveEncodeConfig({ ...attributeDefaults(), enableVideoCustomRender: true }, new Set(['enableVideoCustomRender'])), width: 64, height: 96, fps: 10 };
  const camera: VideoInput = {
    inputArgs: async () => ['-re', '-f', 'lavfi', '-i', `testsrc=size=${config.width}x${config.height}:rate=${config.fps}`],
    inputFilter: () => '',
    describe: () => 'test source',
  };

  it('encodes the canvas from stdin (after the audio inputs) and taps the camera', () => {
    const args = buildFfmpegArgs({ config, picture: { kind: 'camera', camera, canvas: new CustomRenderer(workDir()) }, microphone: null, encode: true, tapFps: OFFER_FPS }, ['-f', 'lavfi', '-i', 'cam'], ['-f', 'lavfi', '-i', 'mic']);
    expect(args.join(' ')).toContain(`-i mic -f rawvideo -pix_fmt rgb24 -video_size ${config.width}x${config.height} -framerate ${config.fps} -use_wallclock_as_timestamps 1 -i pipe:0`);
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).toMatch(/^\[0:v\].*fps=5,setpts=PTS\+1\/TB,format=rgb24\[tap\]/);
    expect(graph).toContain(`[2:v]fps=${config.fps},setsar=1,format=yuv420p[venc]`);
  });

  it('pushes video fed by the canvas, offers camera frames, and stops feeding when closed', async () => {
    const dir = workDir();
    const r = new CustomRenderer(dir);
    r.subscribe('frame', config);
    const canvas = r.createCanvas({}, config);
    draw(canvas.path, Buffer.alloc(config.width * config.height * 3, 200));
    const offered: OfferedFrame[] = [];
    r.on('frame', (f) => offered.push(f));
    const pipeline = await MediaPipeline.start({ config, picture: { kind: 'camera', camera, canvas: r }, microphone: null, encode: true, tapFps: OFFER_FPS });
    let videos = 0;
    pipeline.on('video', () => videos++);
    pipeline.on('frame', (f) => r.offer(f));
    try {
      await pipeline.started();
      const until = Date.now() + 10_000;
      while ((videos < 10 || offered.length < 3) && Date.now() < until) await sleep(50);
    } finally {
      await pipeline.close();
      await r.close();
    }
    expect(videos).toBeGreaterThanOrEqual(10);
    expect(offered.length).toBeGreaterThanOrEqual(3);
    expect(offered[0]).toMatchObject({ width: config.width, height: config.height, format: 'rgb24' });
    expect(existsSync(join(dir, 'custom-render'))).toBe(false);
  }, 20_000);
});
