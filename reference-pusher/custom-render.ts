// Custom rendering on a desk (live-pusher.zh.md 通用属性 enableVideoCustomRender: 自定义渲染，允许开发者
// 自行处理所采集的视频帧; context-api.md onCustomRendererEvent / createOffscreenCanvas [2.29.0]). In the
// mini-program the page gets each captured frame ('frame'), draws into an OffscreenCanvas that takes
// the pusher's texture, and what it draws is pushed; 'update' tells it the push size. Here the page
// is the bench, and the texture is a file (docs/driver-protocol.md "Custom rendering"):
// - createOffscreenCanvas answers a canvas file (raw rgb24, the push size) the page replaces whole
//   (temp file + rename); the encoder is fed the latest canvas at the push fps through a pipe
//   (media-pipeline.ts CanvasFeed), black until the page has drawn;
// - onCustomRendererEvent('frame') offers camera frames (captured, oriented, scaled to the push
//   size, not mirrored) as files in a ring of FRAME_SLOTS, at most OFFER_FPS a second;
// - onCustomRendererEvent('update') reports the push size at subscription and at each encoder
//   start with another size.
// Without enableVideoCustomRender both methods fail naming the attribute (a choice: the spec is
// silent; README "Choices where the spec is silent").
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { method as methodSpec } from '../spec/index.ts';
import type { CanvasFeed, RawFrame } from './media-pipeline.ts';

/** The most camera frames offered a second ('frame'): every frame of a 720x1280 push at 30 fps
 *  would be 80 MB/s of files. */
export const OFFER_FPS = 5;
/** Offered frames are written round a ring of this many files: a path stays valid for at least
 *  FRAME_SLOTS / OFFER_FPS seconds after its event (2 s). */
export const FRAME_SLOTS = 10;
/** The pixel format of the canvas and of the offered frames: packed RGB, 3 bytes a pixel, rows top down. */
export const CUSTOM_RENDER_FORMAT = 'rgb24';
const BYTES_PER_PIXEL = 3;
/** The tap delivers OFFER_FPS frames a second, unevenly (pipe reads): an offer at least this share
 *  of 1 / OFFER_FPS after the last is taken. */
const OFFER_MIN_SPACING = 0.5;
/** The canvas waits in front of the encoder's pipe at most this many frames; more are dropped. */
const MAX_QUEUED_CANVAS_FRAMES = 2;

/** The events of onCustomRendererEvent, from the spec (context-api.md: 'frame' / 'update'). */
export const RENDERER_EVENTS = (methodSpec('onCustomRendererEvent').params.find((p) => p.name === 'event')?.values ?? []) as readonly string[];
export type RendererEvent = 'frame' | 'update';

export interface PushSize {
  width: number;
  height: number;
}

/** createOffscreenCanvas's answer: the file the page writes whole frames into. */
export interface CanvasDescription extends PushSize {
  path: string;
  format: typeof CUSTOM_RENDER_FORMAT;
}

/** One offered camera frame (the customrendererframe event's detail). */
export interface OfferedFrame extends PushSize {
  /** When the frame was captured, ms since the Unix epoch. */
  timestamp: number;
  path: string;
  format: typeof CUSTOM_RENDER_FORMAT;
}

/** Seams for the deliberately broken variants (test/conformance/broken); identity by default. */
export interface CustomRenderHooks {
  /** Rewrites (or drops, with null) each camera frame before it is offered. */
  offered?: (frame: RawFrame) => RawFrame | null;
  /** Rewrites the canvas picture read from the file before it is pushed. */
  canvas?: (picture: Buffer) => Buffer;
}

export interface CustomRendererEvents {
  frame: [OfferedFrame];
  update: [PushSize];
}

/** Only the width and height of something sized (an EncodeConfig is one). */
function sizeOf(s: PushSize): PushSize {
  return { width: s.width, height: s.height };
}

/** The event name onCustomRendererEvent subscribes to, or what is wrong with it. */
export function checkRendererEvent(event: unknown): { event: RendererEvent } | { problem: string } {
  if (typeof event === 'string' && RENDERER_EVENTS.includes(event)) return { event: event as RendererEvent };
  return { problem: `event ${JSON.stringify(event) ?? 'undefined'} is not known; expected ${RENDERER_EVENTS.map((e) => `"${e}"`).join(' or ')}` };
}

/** createOffscreenCanvas's options: {} or {width, height} equal to the push size (the canvas takes
 *  the pusher's picture, so it is the push size); null when they are fine. */
export function canvasOptionsProblem(options: Record<string, unknown>, size: PushSize): string | null {
  for (const key of ['width', 'height'] as const) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || v !== size[key]) {
      return `${key} ${JSON.stringify(v)} is not the push size's (${size.width}x${size.height}): the canvas takes the pusher's picture, so leave width and height out or give the push size`;
    }
  }
  return null;
}

/** What is wrong with a canvas file of `bytes` bytes for a picture of `size`; null when it fits. */
export function canvasSizeProblem(bytes: number, size: PushSize): string | null {
  const expected = size.width * size.height * BYTES_PER_PIXEL;
  if (bytes === expected) return null;
  return `the canvas file holds ${bytes} bytes; a ${size.width}x${size.height} ${CUSTOM_RENDER_FORMAT} picture is ${expected} bytes (width x height x ${BYTES_PER_PIXEL}); the frame is not pushed`;
}

/** The canvas as last read, kept while the file does not change. */
interface CanvasRead {
  key: string;
  picture: Buffer;
}

export class CustomRenderer extends EventEmitter<CustomRendererEvents> implements CanvasFeed {
  private readonly dir: string;
  private readonly canvasPath: string;
  private readonly subscribed = new Set<RendererEvent>();
  private size: PushSize | undefined;
  private canvasMade = false;
  private lastOfferAt = Number.NEGATIVE_INFINITY;
  /** The last captured picture offered (before any hook), to skip the tap's repeats of it. */
  private lastCaptured: Uint8Array | undefined;
  private slot = 0;
  /** The offered frame being written (one at a time; offers meanwhile are skipped). */
  private writing: Promise<void> | undefined;
  private readonly feeds = new Set<{ stop(): void }>();
  private readonly warned = new Set<string>();
  private closed = false;

  constructor(
    workDir: string,
    private readonly opts: { hooks?: CustomRenderHooks; warn?: (message: string) => void } = {},
  ) {
    super();
    this.dir = join(workDir, 'custom-render');
    this.canvasPath = join(this.dir, `canvas.${CUSTOM_RENDER_FORMAT}`);
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true });
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    (this.opts.warn ?? ((m: string) => process.stderr.write(`custom render: ${m}\n`)))(message);
  }

  /** onCustomRendererEvent(event): a later subscription to the same event replaces the earlier
   *  (here: the same). 'update' answers the push size at once. Throws the problem as an Error. */
  subscribe(event: unknown, size: PushSize): RendererEvent {
    const checked = checkRendererEvent(event);
    if ('problem' in checked) throw new Error(checked.problem);
    this.subscribed.add(checked.event);
    if (checked.event === 'update') {
      this.size = sizeOf(size);
      this.emit('update', sizeOf(size));
    }
    return checked.event;
  }

  /** The push size of the encoder starting now: 'update' when it differs from the last told. */
  pushSize(size: PushSize): void {
    const changed = !this.size || this.size.width !== size.width || this.size.height !== size.height;
    this.size = sizeOf(size);
    if (changed && this.subscribed.has('update')) this.emit('update', sizeOf(size));
  }

  /** createOffscreenCanvas(options): the canvas file; the same file on every call. */
  createCanvas(options: Record<string, unknown>, size: PushSize): CanvasDescription {
    const problem = canvasOptionsProblem(options, size);
    if (problem) throw new Error(problem);
    this.ensureDir();
    this.canvasMade = true;
    return { path: this.canvasPath, width: size.width, height: size.height, format: CUSTOM_RENDER_FORMAT };
  }

  /** A camera frame of the running encoder: offered when 'frame' is subscribed, at most
   *  OFFER_FPS a second, one file write at a time. */
  offer(frame: RawFrame): void {
    if (this.closed || !this.subscribed.has('frame') || this.writing) return;
    if (frame.at - this.lastOfferAt < (OFFER_MIN_SPACING * 1000) / OFFER_FPS) return;
    // A picture the tap repeats (ffmpeg's fps filter duplicates frames while the capture starts)
    // is not a new capture: 'frame' fires after a frame is captured (采集到视频帧后触发).
    if (this.lastCaptured && Buffer.compare(this.lastCaptured, frame.rgb) === 0) return;
    const offered = this.opts.hooks?.offered ? this.opts.hooks.offered(frame) : frame;
    if (!offered) return;
    this.lastOfferAt = frame.at;
    this.lastCaptured = frame.rgb;
    this.ensureDir();
    const path = join(this.dir, `frame-${this.slot}.${CUSTOM_RENDER_FORMAT}`);
    this.slot = (this.slot + 1) % FRAME_SLOTS;
    const tmp = `${path}.tmp`;
    const detail: OfferedFrame = { width: offered.width, height: offered.height, timestamp: offered.at, path, format: CUSTOM_RENDER_FORMAT };
    this.writing = writeFile(tmp, offered.rgb)
      .then(() => rename(tmp, path))
      .then(
        () => {
          if (!this.closed) this.emit('frame', detail);
        },
        (err: unknown) => this.warn(`offered frame ${path} could not be written: ${(err as Error).message}`),
      )
      .finally(() => {
        this.writing = undefined;
      });
  }

  /** The canvas picture for a push of `size`: the file when it holds a whole picture of that size,
   *  else the last good one of that size, else black. */
  private readCanvas(size: PushSize, last: CanvasRead): CanvasRead {
    if (!this.canvasMade) return last;
    let key: string;
    try {
      const st = statSync(this.canvasPath);
      key = `${st.ino}:${st.mtimeMs}:${st.size}`;
      if (key === last.key) return last;
      const problem = canvasSizeProblem(st.size, size);
      if (problem) {
        this.warn(`${this.canvasPath}: ${problem}`);
        return { key, picture: last.picture };
      }
      const picture = readFileSync(this.canvasPath);
      // Replaced between the stat and the read: the next tick reads it again.
      if (canvasSizeProblem(picture.length, size)) return last;
      return { key, picture: this.opts.hooks?.canvas ? this.opts.hooks.canvas(picture) : picture };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return last;
      this.warn(`${this.canvasPath} could not be read: ${(err as Error).message}`);
      return last;
    }
  }

  /** Writes the latest canvas into the encoder's rawvideo input `sink` at `fps` (CanvasFeed), until stopped. */
  feed(sink: Writable, opts: PushSize & { fps: number }): { stop(): void } {
    const frameBytes = opts.width * opts.height * BYTES_PER_PIXEL;
    let current: CanvasRead = { key: '', picture: Buffer.alloc(frameBytes) };
    const tick = (): void => {
      if (sink.destroyed || !sink.writable) return;
      current = this.readCanvas(opts, current);
      // The encoder not keeping up: drop this frame rather than queue without bound.
      if (sink.writableLength > frameBytes * MAX_QUEUED_CANVAS_FRAMES) return;
      sink.write(current.picture);
    };
    tick();
    const timer = setInterval(tick, 1000 / opts.fps);
    const handle = {
      stop: () => {
        clearInterval(timer);
        this.feeds.delete(handle);
      },
    };
    this.feeds.add(handle);
    return handle;
  }

  /** Stops every feed, waits for the frame being written, removes the canvas and frame files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const f of [...this.feeds]) f.stop();
    await this.writing?.catch(() => undefined);
    this.subscribed.clear();
    await rm(this.dir, { recursive: true, force: true });
  }
}
