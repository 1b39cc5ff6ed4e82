// Custom rendering, judged at the server (docs/driver-protocol.md "Custom rendering"): the bench
// plays the page. One push created with enableVideoCustomRender true: the check subscribes to
// 'update' and 'frame', creates the canvas, and for each camera frame offered draws a magenta box
// (a colour the front pattern does not have) over a copy of it and writes it to the canvas (temp
// file + rename), in a loop bounded by the push. At the server:
// - the box is in every judged frame where it was drawn, over the camera's pattern, and the
//   pattern's frame counter in the stream advances and only shows values the page was offered
//   (the pushed frames are the drawn ones, not a static canvas, not the camera);
// - the offered frames are the camera's (front pattern, the push size, the counter advancing);
// - 'update' told the push size the server decodes.
// A second, short push with enableVideoCustomRender false: both methods fail naming the attribute
// and the camera's pattern is pushed, its counter advancing.
// Spec: live-pusher.zh.md 通用属性 enableVideoCustomRender (自定义渲染，允许开发者自行处理所采集的视频帧);
// context-api.md onCustomRendererEvent ('frame' / 'update'), createOffscreenCanvas [2.29.0].
import { readFile, rename, writeFile } from 'node:fs/promises';
import { check, type CheckContext } from '../../check.ts';
import { IutCallError, type IutEvent } from '../../iut-client.ts';
import { findColourBox, type PixelBox } from '../../oracles/colour-box.ts';
import { observeStream, type Observation } from '../../oracles/observe.ts';
import { counterDelta, identifyPattern, readFrameCounter, type RgbFrame } from '../../oracles/video.ts';
import type { Rgb } from '../../../adapters/camera/pattern.ts';
import { expectAtLeast, expectTrue, fail } from '../support/expect.ts';
import { PUBLISH_TIMEOUT_MS, attachFrame, expectPublish } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';

/** How long the true push is watched at the server, and the false one. */
const OBSERVE_MS = 5000;
const FALSE_OBSERVE_MS = 2500;
/** Decoded frames sampled this often (stream time). */
const FRAMES_EVERY_MS = 200;
/** Frames of the first this-many ms of the stream are not judged (the canvas is black until the
 *  page has drawn the first offered frame). */
const SETTLE_MS = 1500;
const MIN_JUDGED_FRAMES = 10;
/** The box drawn: x, y, width, height as fractions of the frame (over the red quadrant, clear of
 *  its colour sample, the zoom ruler, the texture and the counter). */
const MARK: readonly [number, number, number, number] = [0.1, 0.08, 0.3, 0.15];
const MARK_COLOUR: Rgb = [255, 0, 255];
/** A pixel belongs to the box within this RGB distance of its colour (4:2:0 edges blur). */
const MARK_COLOUR_DISTANCE = 80;
/** Each edge of the box found within this many pixels of where it was drawn. */
const EDGE_TOLERANCE_PX = 4;
/** At most this share of the judged frames (or offered frames) may have an unreadable counter. */
const MAX_UNREADABLE_SHARE = 0.1;
/** At most this share of the stream's readable counters may be values never offered (misreads). */
const MAX_FOREIGN_SHARE = 0.1;
/** The stream's counter must take at least this many distinct values a second (the page drew at
 *  least this often), and the page must be offered at least this many frames a second. */
const MIN_DISTINCT_PER_S = 2;
const MIN_OFFERS_PER_S = 2;
/** 'update' must come this soon after the subscription's reply. */
const UPDATE_WAIT_MS = 2000;
/** The painter polls for a new offered frame this often. */
const PAINT_POLL_MS = 10;
const TIMEOUT_MS = 60_000;

const FRAME_EVENT = 'customrendererframe';
const UPDATE_EVENT = 'customrendererupdate';

const PUSHED_CHECK = 'context/createOffscreenCanvas/pushed';
const FRAME_CHECK = 'context/onCustomRendererEvent/frame';
const UPDATE_CHECK = 'context/onCustomRendererEvent/update';
const FALSE_CHECK = 'attributes/enableVideoCustomRender/false';

interface Canvas {
  path: string;
  width: number;
  height: number;
}

/** One offered frame as the page read it. */
interface Offer {
  receivedAt: number;
  width: number;
  height: number;
  /** What is wrong with the offered file; null when it is a whole picture of its size. */
  problem: string | null;
  counter: number | null;
  camera: string | null;
  /** Drawn into the canvas (the latest offered when the page was free). */
  drawn: boolean;
}

interface TrueRun {
  canvas: Canvas;
  subscribedAt: number;
  updates: IutEvent[];
  offers: Offer[];
  observation: Observation;
  observedFrom: number;
  observedTo: number;
  /** The frames judged: past SETTLE_MS of stream time. */
  judged: RgbFrame[];
}

function frameOf(width: number, height: number, data: Uint8Array): RgbFrame {
  return { width, height, data, ptsMs: Number.NaN, receivedAt: Number.NaN };
}

/** Where MARK lies in a frame of this size, in pixels (end exclusive). */
function markBox(width: number, height: number): PixelBox {
  const [x, y, w, h] = MARK;
  return { x0: Math.round(x * width), y0: Math.round(y * height), x1: Math.round((x + w) * width), y1: Math.round((y + h) * height) };
}

const fmtBox = (b: PixelBox) => `x ${b.x0}..${b.x1}, y ${b.y0}..${b.y1}`;

/** createOffscreenCanvas's answer, which must describe an rgb24 canvas file. */
function readCanvas(result: unknown): Canvas {
  const r = (result ?? {}) as Record<string, unknown>;
  if (typeof r['path'] !== 'string' || !r['path']) fail(`createOffscreenCanvas answered no canvas path: ${JSON.stringify(result)}`);
  if (!Number.isInteger(r['width']) || !Number.isInteger(r['height'])) fail(`createOffscreenCanvas answered no integer width/height: ${JSON.stringify(result)}`);
  if (r['format'] !== 'rgb24') fail(`createOffscreenCanvas answered format ${JSON.stringify(r['format'])}; the driver protocol's canvas is "rgb24"`);
  return { path: r['path'] as string, width: r['width'] as number, height: r['height'] as number };
}

/**
 * The page: draws MARK over a copy of the newest offered frame and replaces the canvas with it,
 * until stopped (or the hard deadline: a loop bounded whatever happens).
 */
function startPainter(ctx: CheckContext, canvas: Canvas, deadline: number): { offers: Offer[]; stop(): Promise<void> } {
  const offers: Offer[] = [];
  let newest: IutEvent | undefined;
  const unsubscribe = ctx.iut.onEvent((e) => {
    if (e.event === FRAME_EVENT) newest = e;
  });
  let stopped = false;
  const tmp = `${canvas.path}.bench-tmp`;
  const paint = async (e: IutEvent): Promise<void> => {
    const d = (e.detail ?? {}) as Record<string, unknown>;
    const width = Number(d['width']);
    const height = Number(d['height']);
    const offer: Offer = { receivedAt: e.receivedAt, width, height, problem: null, counter: null, camera: null, drawn: false };
    offers.push(offer);
    let bytes: Buffer;
    try {
      bytes = await readFile(String(d['path']));
    } catch (err) {
      offer.problem = `the offered file ${String(d['path'])} could not be read: ${(err as Error).message}`;
      return;
    }
    if (!(width > 0 && height > 0) || bytes.length !== width * height * 3) {
      offer.problem = `the offered file holds ${bytes.length} bytes; the event says ${width}x${height} rgb24 (${width * height * 3} bytes)`;
      return;
    }
    const f = frameOf(width, height, bytes);
    offer.counter = readFrameCounter(f);
    offer.camera = identifyPattern(f).camera;
    if (width !== canvas.width || height !== canvas.height) {
      offer.problem = `the offered frame is ${width}x${height}; the canvas is ${canvas.width}x${canvas.height}`;
      return;
    }
    const b = markBox(width, height);
    for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) bytes.set(MARK_COLOUR, (y * width + x) * 3);
    await writeFile(tmp, bytes);
    await rename(tmp, canvas.path);
    offer.drawn = true;
  };
  const loop = (async () => {
    let handled: IutEvent | undefined;
    while (!stopped && Date.now() < deadline) {
      if (newest && newest !== handled) {
        handled = newest;
        await paint(handled);
      } else {
        await new Promise((r) => setTimeout(r, PAINT_POLL_MS));
      }
    }
  })();
  return {
    offers,
    stop: async () => {
      stopped = true;
      unsubscribe();
      await loop;
    },
  };
}

const trueScenario = sharedScenario(
  async (ctx: CheckContext): Promise<TrueRun> => {
    await ctx.iut.create({ url: ctx.streamUrl, enableVideoCustomRender: true }, ctx.rig);
    await ctx.iut.call('onCustomRendererEvent', { event: 'update' });
    const subscribedAt = Date.now();
    await ctx.iut.call('onCustomRendererEvent', { event: 'frame' });
    const canvas = readCanvas(await ctx.iut.call('createOffscreenCanvas', {}));
    ctx.log(`canvas ${canvas.width}x${canvas.height} at ${canvas.path}`);
    const painter = startPainter(ctx, canvas, Date.now() + PUBLISH_TIMEOUT_MS + OBSERVE_MS + 10_000);
    let observation: Observation;
    let observedFrom: number;
    try {
      const published = expectPublish(ctx, PUBLISH_TIMEOUT_MS);
      await ctx.iut.call('start');
      await published;
      observedFrom = Date.now();
      observation = await observeStream(ctx.streamUrl, { durationMs: OBSERVE_MS, frames: { everyMs: FRAMES_EVERY_MS }, audio: false, workDir: ctx.workDir });
    } finally {
      await painter.stop();
    }
    const observedTo = Date.now();
    const pts = observation.frames.map((f) => f.ptsMs).filter(Number.isFinite);
    const first = pts.length ? Math.min(...pts) : 0;
    const judged = observation.frames.filter((f) => Number.isFinite(f.ptsMs) && f.ptsMs >= first + SETTLE_MS);
    return { canvas, subscribedAt, updates: ctx.iut.events(UPDATE_EVENT), offers: painter.offers, observation, observedFrom, observedTo, judged };
  },
  async (ctx, run) => {
    await ctx.attach('ffprobe output', 'application/json', run.observation.probeOutput);
    const offers = run.offers.map((o) => ({ at: o.receivedAt - run.observedFrom, size: `${o.width}x${o.height}`, counter: o.counter, camera: o.camera, drawn: o.drawn, problem: o.problem }));
    const stream = run.judged.map((f) => ({ pts: Math.round(f.ptsMs), counter: readFrameCounter(f), mark: findColourBox(f, MARK_COLOUR, MARK_COLOUR_DISTANCE).box }));
    await ctx.attach('offered frames (at: ms after observing began) and judged stream frames', 'application/json', JSON.stringify({ canvas: run.canvas, updates: run.updates.map((u) => u.detail), offers, stream }, null, 1));
    await attachFrame(ctx, 'stream frame under custom rendering', run.judged[Math.floor(run.judged.length / 2)]);
  },
);

function judgedFrames(run: TrueRun): RgbFrame[] {
  if (run.judged.length < MIN_JUDGED_FRAMES) fail(`only ${run.judged.length} decoded frames after the first ${SETTLE_MS} ms of stream (need ${MIN_JUDGED_FRAMES}; ${run.observation.frames.length} decoded in all)`);
  return run.judged;
}

/** Distinct values of a counter sequence, and whether it never went back. */
function counterRun(counters: number[]): { distinct: number; backwards: number } {
  let backwards = 0;
  for (let i = 1; i < counters.length; i++) {
    const d = counterDelta(counters[i - 1]!, counters[i]!);
    // A step back reads as a huge forward delta (mod 2^16).
    if (d > 0x8000) backwards++;
  }
  return { distinct: new Set(counters).size, backwards };
}

const RIG = ['synthetic-camera', 'embedded-server'] as const;
const REQUIRES = { attributes: ['enableVideoCustomRender'], methods: ['onCustomRendererEvent', 'createOffscreenCanvas'], rig: [...RIG] };

check(
  {
    id: PUSHED_CHECK,
    area: 'context',
    feature: 'createOffscreenCanvas',
    story: 'what the page draws into the canvas is pushed, frame after frame',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 enableVideoCustomRender (自定义渲染，允许开发者自行处理所采集的视频帧); context-api.md createOffscreenCanvas [2.29.0] (custom rendering)',
    specRows: ['method:createOffscreenCanvas', 'attribute:enableVideoCustomRender', 'attribute:enableVideoCustomRender=true'],
    tolerance: `created with enableVideoCustomRender true, the bench draws a magenta box at [${MARK.join(', ')}] (fractions of the frame) over each offered frame it reads and writes it to the canvas; every decoded frame from ${SETTLE_MS} ms of stream on (one per ${FRAMES_EVERY_MS} ms over ${OBSERVE_MS} ms, at least ${MIN_JUDGED_FRAMES}) shows the box (within ${MARK_COLOUR_DISTANCE} RGB), each edge within ${EDGE_TOLERANCE_PX} px of where it was drawn, over the front pattern; the stream's frame counter is readable in at least ${(1 - MAX_UNREADABLE_SHARE) * 100} % of them, at most ${MAX_FOREIGN_SHARE * 100} % of the readable values were never offered, the offered values it shows never go back and take at least ${MIN_DISTINCT_PER_S} distinct values a second`,
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const run = await trueScenario(ctx);
    const frames = judgedFrames(run);
    const drawn = run.offers.filter((o) => o.drawn).length;
    if (drawn === 0) fail(`the page drew nothing: no offered frame could be drawn (${run.offers.length} offered${run.offers[0]?.problem ? `; first: ${run.offers[0].problem}` : ''}), so the canvas stayed empty`);
    const asked = markBox(frames[0]!.width, frames[0]!.height);
    const wrong: string[] = [];
    for (const f of frames) {
      const box = findColourBox(f, MARK_COLOUR, MARK_COLOUR_DISTANCE).box;
      const at = `+${Math.round(f.ptsMs - frames[0]!.ptsMs)} ms`;
      if (!box) wrong.push(`${at}: no box`);
      else if ((['x0', 'y0', 'x1', 'y1'] as const).some((k) => Math.abs(box[k] - asked[k]) > EDGE_TOLERANCE_PX)) wrong.push(`${at}: box at ${fmtBox(box)}`);
      else if (identifyPattern(f).camera !== 'front') wrong.push(`${at}: not the front pattern under the box`);
    }
    if (wrong.length > 0) {
      await attachFrame(ctx, 'a stream frame without the drawing', frames.find((f) => findColourBox(f, MARK_COLOUR, MARK_COLOUR_DISTANCE).box === null) ?? frames[0]);
      fail(`the page's drawing is not what was pushed in ${wrong.length} of ${frames.length} judged frames (the box was drawn at ${fmtBox(asked)}; ${drawn} offered frames drawn): ${wrong.slice(0, 5).join('; ')}`);
    }
    const read = frames.map((f) => readFrameCounter(f));
    const counters = read.filter((c): c is number => c !== null);
    expectTrue(`the frame counter readable in the stream (${counters.length} of ${frames.length} frames)`, counters.length >= frames.length * (1 - MAX_UNREADABLE_SHARE));
    const offered = new Set(run.offers.map((o) => o.counter).filter((c): c is number => c !== null));
    const foreign = counters.filter((c) => !offered.has(c));
    ctx.log(`stream counters ${counters.join(', ')}; offered ${[...offered].join(', ')}`);
    if (foreign.length > counters.length * MAX_FOREIGN_SHARE) fail(`${foreign.length} of ${counters.length} counter values in the stream were never offered to the page (${foreign.slice(0, 5).join(', ')}): the pushed frames are not the frames the page drew`);
    // Judged on the values that were offered (a misread, already bounded above, is no step back).
    const { distinct, backwards } = counterRun(counters.filter((c) => offered.has(c)));
    if (backwards > 0) fail(`the stream's frame counter went back ${backwards} times (${counters.join(', ')})`);
    const spanS = (frames.at(-1)!.ptsMs - frames[0]!.ptsMs) / 1000;
    expectAtLeast(`distinct frame counter values a second in the stream over ${spanS.toFixed(1)} s (${distinct} values): the canvas must follow the drawn frames, not stand still`, distinct / spanS, MIN_DISTINCT_PER_S);
  },
);

check(
  {
    id: FRAME_CHECK,
    area: 'context',
    feature: 'onCustomRendererEvent',
    story: "'frame' offers the camera's frames as they are captured",
    severity: 'normal',
    spec: "context-api.md onCustomRendererEvent [2.29.0] ('frame': a captured video frame for custom rendering)",
    specRows: ['method:onCustomRendererEvent'],
    tolerance: `after onCustomRendererEvent({event: 'frame'}) and start, the page is offered at least ${MIN_OFFERS_PER_S} frames a second while the server is read; each offered file is a whole rgb24 picture of the canvas size showing the front pattern, its frame counter readable in at least ${(1 - MAX_UNREADABLE_SHARE) * 100} % of them, rising from each offered frame to the next`,
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const run = await trueScenario(ctx);
    const during = run.offers.filter((o) => o.receivedAt >= run.observedFrom && o.receivedAt <= run.observedTo);
    const seconds = (run.observedTo - run.observedFrom) / 1000;
    expectAtLeast(`frames offered a second while the server was read (${during.length} in ${seconds.toFixed(1)} s)`, during.length / seconds, MIN_OFFERS_PER_S);
    const bad = run.offers.filter((o) => o.problem !== null);
    if (bad.length > 0) fail(`${bad.length} of ${run.offers.length} offered frames are wrong; first: ${bad[0]!.problem}`);
    const notCamera = run.offers.filter((o) => o.camera !== 'front');
    if (notCamera.length > 0) fail(`${notCamera.length} of ${run.offers.length} offered frames do not show the front camera's pattern`);
    const counters = run.offers.map((o) => o.counter).filter((c): c is number => c !== null);
    expectTrue(`the frame counter readable in the offered frames (${counters.length} of ${run.offers.length})`, counters.length >= run.offers.length * (1 - MAX_UNREADABLE_SHARE));
    const still = counters.slice(1).filter((c, i) => counterDelta(counters[i]!, c) === 0 || counterDelta(counters[i]!, c) > 0x8000).length;
    if (still > 0) fail(`the offered frames' counter did not rise ${still} times from one offered frame to the next (${counters.join(', ')}): the same frame offered again, or an old one`);
  },
);

check(
  {
    id: UPDATE_CHECK,
    area: 'context',
    feature: 'onCustomRendererEvent',
    story: "'update' tells the push size the server receives",
    severity: 'normal',
    spec: "context-api.md onCustomRendererEvent [2.29.0] ('update': the push size)",
    specRows: ['method:onCustomRendererEvent'],
    tolerance: `after onCustomRendererEvent({event: 'update'}) an update comes within ${UPDATE_WAIT_MS} ms, and every update of the push says the width and height the server decodes (and the canvas has); a change of size mid-push is not provoked`,
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const run = await trueScenario(ctx);
    const frames = judgedFrames(run);
    const decoded = { width: frames[0]!.width, height: frames[0]!.height };
    if (run.updates.length === 0) fail(`no ${UPDATE_EVENT} event after onCustomRendererEvent({event: 'update'})`);
    const firstAfter = run.updates[0]!.receivedAt - run.subscribedAt;
    if (firstAfter > UPDATE_WAIT_MS) fail(`the first update came ${firstAfter} ms after the subscription (at most ${UPDATE_WAIT_MS} ms)`);
    for (const u of run.updates) {
      const d = (u.detail ?? {}) as Record<string, unknown>;
      if (d['width'] !== decoded.width || d['height'] !== decoded.height) fail(`update says ${String(d['width'])}x${String(d['height'])}; the server decodes ${decoded.width}x${decoded.height}`);
    }
    if (run.canvas.width !== decoded.width || run.canvas.height !== decoded.height) fail(`the canvas is ${run.canvas.width}x${run.canvas.height}; the server decodes ${decoded.width}x${decoded.height}`);
  },
);

/** The call's fail errMsg, or null when it succeeded. */
async function failureOf(ctx: CheckContext, name: string, args: Record<string, unknown>): Promise<string | null> {
  try {
    await ctx.iut.call(name, args);
    return null;
  } catch (err) {
    if (err instanceof IutCallError) return err.errMsg;
    throw err;
  }
}

check(
  {
    id: FALSE_CHECK,
    area: 'attributes',
    feature: 'enableVideoCustomRender',
    story: 'false: no custom rendering, the camera is pushed',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 enableVideoCustomRender (default false); docs/driver-protocol.md "Custom rendering" (without it both methods fail)',
    specRows: ['attribute:enableVideoCustomRender=false'],
    tolerance: `created with enableVideoCustomRender false, createOffscreenCanvas and onCustomRendererEvent({event: 'frame'}) fail with an errMsg naming enableVideoCustomRender, no ${FRAME_EVENT} comes, and every decoded frame (one per ${FRAMES_EVERY_MS} ms over ${FALSE_OBSERVE_MS} ms) shows the front pattern with its counter readable in at least ${(1 - MAX_UNREADABLE_SHARE) * 100} % of them, taking at least ${MIN_DISTINCT_PER_S} distinct values a second`,
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl, enableVideoCustomRender: false }, ctx.rig);
    for (const [name, args] of [['createOffscreenCanvas', {}], ['onCustomRendererEvent', { event: 'frame' }]] as const) {
      const failed = await failureOf(ctx, name, args);
      if (failed === null) fail(`${name} succeeded with enableVideoCustomRender false; without the attribute there is no custom rendering (docs/driver-protocol.md "Custom rendering")`);
      expectTrue(`${name}'s errMsg names enableVideoCustomRender (errMsg: ${failed})`, failed.includes('enableVideoCustomRender'));
    }
    const published = expectPublish(ctx, PUBLISH_TIMEOUT_MS);
    await ctx.iut.call('start');
    await published;
    const o = await observeStream(ctx.streamUrl, { durationMs: FALSE_OBSERVE_MS, frames: { everyMs: FRAMES_EVERY_MS }, audio: false, workDir: ctx.workDir });
    await ctx.attach('ffprobe output', 'application/json', o.probeOutput);
    const frames = o.frames.filter((f) => Number.isFinite(f.ptsMs));
    if (frames.length < 5) fail(`only ${frames.length} decoded frames in ${FALSE_OBSERVE_MS} ms`);
    await attachFrame(ctx, 'stream frame with enableVideoCustomRender false', frames[Math.floor(frames.length / 2)]);
    const notCamera = frames.filter((f) => identifyPattern(f).camera !== 'front');
    if (notCamera.length > 0) {
      await attachFrame(ctx, 'a frame that is not the camera', notCamera[0]);
      fail(`${notCamera.length} of ${frames.length} decoded frames do not show the front camera's pattern`);
    }
    const counters = frames.map((f) => readFrameCounter(f)).filter((c): c is number => c !== null);
    expectTrue(`the frame counter readable (${counters.length} of ${frames.length} frames)`, counters.length >= frames.length * (1 - MAX_UNREADABLE_SHARE));
    const { distinct } = counterRun(counters);
    const spanS = (frames.at(-1)!.ptsMs - frames[0]!.ptsMs) / 1000;
    expectAtLeast(`distinct frame counter values a second over ${spanS.toFixed(1)} s (${distinct} values)`, distinct / spanS, MIN_DISTINCT_PER_S);
    const offered = ctx.iut.events(FRAME_EVENT).length;
    if (offered > 0) fail(`${offered} ${FRAME_EVENT} events came with enableVideoCustomRender false`);
  },
);
