// The media pipeline: one supervised ffmpeg per encoder generation. Capture (camera, microphone,
// or a still / black / silence in their place) -> orientation, aspect crop, scale, mirror, fps ->
// H.264 + AAC in FLV on stdout, plus a low-rate raw RGB tap of the picture (fd 3) for snapshot()
// and the paused still. FLV tags are demuxed with protocol/flv and handed up as events.
// Under custom rendering (custom-render.ts) the camera still runs through its chain into the tap
// (the frames offered to the page) while the encoded picture is the page's canvas, fed as rawvideo
// on stdin.
// Spec: live-pusher.zh.md 通用属性 (encode-side attributes, enableVideoCustomRender), context-api.md
// (snapshot, pause, createOffscreenCanvas).
import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import { ffmpegPath } from '../adapters/ffmpeg.ts';
import { ProcessStartError, SupervisedProcess, type ProcessDiedError } from '../adapters/process/supervised.ts';
import { FlvDemuxer, parseAudioTagBody, parseVideoTagBody } from '../protocol/flv/index.ts';
import type { EncodeConfig } from './encode-config.ts';
import { audioEffectFilters } from './audio-effects.ts';
import type { BgmInput } from './bgm.ts';
import { LEVEL_TAP_RATE } from './mic-level.ts';
import { CAPTURE_PIPE_FD, type CaptureCommand } from '../adapters/microphone/synthetic.ts';
import { effectsChain, zoomChain } from './video-effects.ts';
import { HW_UPLOAD_FILTER, hardwareCodecArgs, hardwareGlobalArgs } from './hardware-encoder.ts';
import { decodeStickers, stickerGraph, stickerInputArgs } from './stickers.ts';

/** A video source as the adapters provide it (adapters/camera). */
export interface VideoInput {
  inputArgs(opts: { fps: number; controls?: { torch: boolean; autoFocus: boolean } }): Promise<string[]>;
  inputFilter(opts: { fps: number; controls?: { torch: boolean; autoFocus: boolean } }): string;
  describe(): string;
}

/** An audio source as the adapters provide it (adapters/microphone). */
export interface AudioInput {
  inputArgs(opts: { sampleRate: number }): Promise<string[]>;
  /** A process capturing the microphone for ffmpeg (adapters/microphone/synthetic.ts
   *  CaptureCommand): run beside ffmpeg when its input args read CAPTURE_PIPE_FD. */
  capture?(opts: { sampleRate: number }): CaptureCommand;
  describe(): string;
}

/** What feeds the encoded picture under custom rendering (custom-render.ts CustomRenderer): whole
 *  rgb24 frames of the push size written into `sink` at `fps` until stopped. */
export interface CanvasFeed {
  feed(sink: Writable, opts: { width: number; height: number; fps: number }): { stop(): void };
}

/** `canvas`: custom rendering; the camera feeds the tap only and the canvas is encoded. */
export type PictureSource = { kind: 'camera'; camera: VideoInput; canvas?: CanvasFeed } | { kind: 'still'; path: string } | { kind: 'black' };

export interface PipelineOptions {
  config: EncodeConfig;
  picture: PictureSource;
  /** null: the microphone stays closed and the track carries silence. */
  microphone: AudioInput | null;
  /** false: capture and tap only (preview without pushing). */
  encode: boolean;
  /** Frames per second of the raw tap used for snapshot and the paused still. */
  tapFps?: number;
  /** Background music mixed into the audio (bgm.ts), from its current position. */
  bgm?: BgmInput | null;
  /** Encode video on this device's hardware encoder (hardware-encoder.ts); absent: libx264. */
  hardwareEncoder?: string;
  /** Rewrites the ffmpeg arguments before the spawn (LivePusher hooks). */
  argsHook?: (args: string[], options: PipelineOptions) => string[];
}

export interface RawFrame {
  width: number;
  height: number;
  /** Packed RGB24, not mirrored: the picture as captured, oriented and scaled. */
  rgb: Uint8Array;
  at: number;
}

export interface EncodedVideo {
  timestampMs: number;
  body: Uint8Array;
  keyframe: boolean;
  sequenceHeader: boolean;
}

export interface EncodedAudio {
  timestampMs: number;
  body: Uint8Array;
  sequenceHeader: boolean;
}

export const DEFAULT_TAP_FPS = 2;
/** Seconds the raw tap's timestamps are moved ahead of the encoded stream's (see buildFfmpegArgs). */
const TAP_LEAD_S = 1;
/** Seconds of video the encoder's VBV buffer holds (see buildFfmpegArgs). */
const VBV_BUFFER_S = 0.1;
const X264_PRESET = 'ultrafast';
const START_TIMEOUT_MS = 10_000;
/** The most one stream waits for the other in the FLV muxer's interleaving, in µs (see buildFfmpegArgs). */
export const MAX_INTERLEAVE_DELTA_US = 1_000_000;

/** The ffmpeg filter that crops the captured picture to the encoded aspect and scales it. */
function pictureChain(config: EncodeConfig, picture: PictureSource, camera: VideoInput | null): string {
  const parts: string[] = [];
  if (camera) {
    const own = camera.inputFilter({ fps: config.fps, controls: { torch: config.torch, autoFocus: config.autoFocus } });
    if (own) parts.push(own);
  }
  // Digital zoom: a centre crop of the capture, scaled back below (video-effects.ts).
  const zoom = picture.kind === 'camera' ? zoomChain(config.zoom) : '';
  if (zoom) parts.push(zoom);
  // orientation horizontal: the portrait capture is turned a quarter clockwise (spec: 画面方向).
  if (picture.kind === 'camera' && config.orientation === 'horizontal') parts.push('transpose=clock');
  const w = config.width;
  const h = config.height;
  parts.push(`crop=w='min(iw,ih*${w}/${h})':h='min(ih,iw*${h}/${w})'`);
  parts.push(`scale=${w}:${h}`, 'setsar=1', `fps=${config.fps}`);
  // Beauty, whiteness and the colour filter act on the camera's picture (video-effects.ts).
  const effects = picture.kind === 'camera' ? effectsChain(config) : '';
  if (effects) parts.push(effects);
  return parts.join(',');
}

export function buildFfmpegArgs(opts: PipelineOptions, videoInput: string[], audioInput: string[] | null): string[] {
  const { config } = opts;
  const tapFps = opts.tapFps ?? DEFAULT_TAP_FPS;
  const camera = opts.picture.kind === 'camera' ? opts.picture.camera : null;
  const hardware = opts.encode ? opts.hardwareEncoder : undefined;
  const args = ['-hide_banner', '-nostats', '-loglevel', 'error', ...(hardware ? hardwareGlobalArgs(hardware) : []), ...videoInput];
  if (audioInput) args.push(...audioInput);
  const graph: string[] = [];
  const picture = pictureChain(config, opts.picture, camera);
  const canvas = opts.encode && opts.picture.kind === 'camera' && opts.picture.canvas !== undefined;
  // applySticker's images (stickers.ts): inputs after the others, drawn over the camera picture
  // (under custom rendering the page draws its own picture: no sticker over it).
  const stickers = camera && !canvas ? decodeStickers(config.stickers) : [];
  const firstSticker = [...videoInput, ...(audioInput ?? [])].filter((a) => a === '-i').length;
  if (stickers.length > 0) {
    args.push(...stickerInputArgs(stickers));
    graph.push(`[0:v]${picture}[scene]`, ...stickerGraph(stickers, firstSticker, config.width, config.height, 'scene', 'stickered'));
  }
  // The picture's head: a labelled pad when stickers were drawn, else the chain itself.
  const head = stickers.length > 0 ? '[stickered]' : `[0:v]${picture},`;
  if (canvas) {
    // Custom rendering: the camera picture goes to the tap alone (the offered frames); the
    // encoded picture is the canvas, raw frames on stdin stamped with the wall clock as they
    // arrive (node writes them at the push fps), made constant-rate by fps.
    const canvasInput = args.filter((a) => a === '-i').length;
    args.push(...canvasInputArgs(config));
    graph.push(`[0:v]${picture},fps=${tapFps},setpts=PTS+${TAP_LEAD_S}/TB,format=rgb24[tap]`);
    graph.push(`[${canvasInput}:v]fps=${config.fps},setsar=1,${config.streamMirror ? 'hflip,' : ''}${hardware ? HW_UPLOAD_FILTER : 'format=yuv420p'}[venc]`);
    graph.push(...audioGraph(config, opts.bgm ?? null));
  } else if (opts.encode) {
    graph.push(`${head}split=2[pic][tapin]`);
    graph.push(`[pic]${config.streamMirror ? 'hflip,' : ''}${hardware ? HW_UPLOAD_FILTER : 'format=yuv420p'}[venc]`);
    // The tap's timestamps lead by TAP_LEAD_S so ffmpeg, which serves the output furthest
    // behind first, never holds the encoded stream back to fill the low-rate tap (without the
    // lead the FLV left in bursts of 1/tapFps s, and the server saw them so).
    graph.push(`[tapin]fps=${tapFps},setpts=PTS+${TAP_LEAD_S}/TB,format=rgb24[tap]`);
    graph.push(...audioGraph(config, opts.bgm ?? null));
  } else {
    graph.push(`${head}fps=${tapFps},format=rgb24[tap]`);
  }
  args.push('-filter_complex', graph.join(';'));
  if (opts.encode) {
    const kbps = config.targetBitrateKbps;
    args.push('-map', '[venc]', '-map', '[aenc]');
    if (hardware) args.push(...hardwareCodecArgs(kbps, config.gopFrames));
    else args.push(
      '-c:v', 'libx264', '-preset', X264_PRESET, '-tune', 'zerolatency', '-profile:v', 'baseline',
      '-g', String(config.gopFrames), '-keyint_min', String(config.gopFrames), '-sc_threshold', '0',
      // Constant bitrate with filler: the stream carries the bitrate asked for, so what reaches
      // the server is what the bitrate attributes say. A VBV buffer of VBV_BUFFER_S bounds the
      // bits in any 1 s to kbps * (1 + VBV_BUFFER_S), keyframes included.
      '-b:v', `${kbps}k`, '-minrate', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${Math.round(kbps * VBV_BUFFER_S)}k`,
      '-x264-params', 'nal-hrd=cbr',
    );
    args.push(
      '-c:a', 'aac', '-b:a', `${config.audioBitrateKbps}k`, '-ar', String(config.audioSampleRate), '-ac', '1',
      // A stream that stops (a microphone whose samples end) holds the other back at most this
      // long in the muxer's interleaving (default 10 s), so the pictures go on without sound and
      // the audio watchdog, not the camera's, notices (source-watchdog.ts).
      '-max_interleave_delta', String(MAX_INTERLEAVE_DELTA_US),
      '-f', 'flv', '-flvflags', 'no_duration_filesize', 'pipe:1',
    );
  }
  args.push('-map', '[tap]', '-f', 'rawvideo', 'pipe:3');
  // The captured level (audiovolumenotify, mic-level.ts), written as it is made.
  if (opts.encode) args.push('-map', '[alevel]', '-f', 's16le', '-flush_packets', '1', 'pipe:4');
  return args;
}

/** The audio part of the graph: the microphone (input 1) through its effects (audio-effects.ts),
 *  the background music (input 2) mixed in at its volume, split into the encoder's input [aenc]
 *  and the level tap [alevel]. amix divides by its input count, so the sum is brought back up;
 *  the music is padded with silence so that divisor never changes when it ends. */
function audioGraph(config: EncodeConfig, bgm: BgmInput | null): string[] {
  const format = `aresample=${config.audioSampleRate},aformat=sample_fmts=fltp:channel_layouts=mono`;
  const effects = audioEffectFilters(config);
  const mic = `[1:a]${[...effects, format].join(',')}`;
  const out = 'asplit=2[aenc][alevelin]';
  const level = `[alevelin]aresample=${LEVEL_TAP_RATE},aformat=sample_fmts=s16:channel_layouts=mono[alevel]`;
  if (!bgm) return [`${mic},${out}`, level];
  return [
    `${mic}[amic]`,
    `[2:a]${format},volume=${bgm.volume.toFixed(4)},apad[abgm]`,
    `[amic][abgm]amix=inputs=2:duration=first:dropout_transition=0,volume=2,${out}`,
    level,
  ];
}

/** The canvas on stdin: raw rgb24 frames of the push size, timestamped by their arrival. */
function canvasInputArgs(config: EncodeConfig): string[] {
  return ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-video_size', `${config.width}x${config.height}`, '-framerate', String(config.fps), '-use_wallclock_as_timestamps', '1', '-i', 'pipe:0'];
}

/** The background music as a real-time paced input from its position to the end of its range. */
function bgmInputArgs(bgm: BgmInput): string[] {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  return ['-re', '-ss', seconds(bgm.fromMs), '-t', seconds(Math.max(0, bgm.toMs - bgm.fromMs)), '-i', bgm.url];
}

async function videoInputArgs(opts: PipelineOptions): Promise<string[]> {
  const { config, picture } = opts;
  switch (picture.kind) {
    case 'camera':
      return picture.camera.inputArgs({ fps: config.fps, controls: { torch: config.torch, autoFocus: config.autoFocus } });
    case 'still':
      return ['-re', '-loop', '1', '-framerate', String(config.fps), '-i', picture.path];
    case 'black':
      return ['-re', '-f', 'lavfi', '-i', `color=c=black:s=${config.width}x${config.height}:r=${config.fps}`];
  }
}

async function audioInputArgs(opts: PipelineOptions): Promise<string[] | null> {
  if (!opts.encode) return null;
  const bgm = opts.bgm ? bgmInputArgs(opts.bgm) : [];
  if (opts.microphone) return [...(await opts.microphone.inputArgs({ sampleRate: opts.config.audioSampleRate })), ...bgm];
  return ['-re', '-f', 'lavfi', '-i', `anullsrc=r=${opts.config.audioSampleRate}:cl=mono`, ...bgm];
}

/** The supervised process's name in logs and errors. */
function pipelineName(options: PipelineOptions): string {
  return options.encode ? 'ffmpeg encoder' : 'ffmpeg preview';
}

/**
 * Events: 'video' (EncodedVideo), 'audio' (EncodedAudio), 'metadata' (Uint8Array script tag body),
 * 'frame' (RawFrame), 'mic-level' (Buffer: s16le PCM of the level tap, mic-level.ts), 'started' (the first output, before any other media event), 'died'
 * (ProcessDiedError, only after 'started'), 'error' (Error: the FLV from ffmpeg was bad).
 *
 * start() resolves once ffmpeg is spawned, so the caller can attach its listeners before any
 * media flows; started() then resolves with the first output: FLV bytes or a raw frame, whichever
 * comes first. ffmpeg writes neither before every input (camera, microphone, image)
 * has opened, so a source that cannot be opened rejects started() with a ProcessStartError (a
 * failed start: -1301/-1302 for the pusher), never a 'died' (a death after start: 1104).
 */
export interface MediaPipelineEvents {
  started: [];
  frame: [RawFrame];
  'mic-level': [Buffer];
  video: [EncodedVideo];
  audio: [EncodedAudio];
  metadata: [Uint8Array];
  died: [ProcessDiedError];
  error: [Error];
}

export class MediaPipeline extends EventEmitter<MediaPipelineEvents> {
  private latest: RawFrame | undefined;
  private closed = false;
  private producing = false;
  private settleStart: ((err?: Error) => void) | undefined;
  private readonly startedPromise: Promise<void>;
  /** The microphone's capture process (PulseAudio: parec), when ffmpeg cannot open it itself. */
  private capture: SupervisedProcess | undefined;
  /** Custom rendering: the canvas being written into ffmpeg's stdin. */
  private canvasFeed: { stop(): void } | undefined;

  private constructor(
    readonly options: PipelineOptions,
    private readonly proc: SupervisedProcess,
  ) {
    super();
    this.startedPromise = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(new ProcessStartError(this.name, `no output within ${START_TIMEOUT_MS} ms`, this.proc.stderrTail())), START_TIMEOUT_MS);
      const settle = (err?: Error) => {
        clearTimeout(timer);
        this.settleStart = undefined;
        if (err) reject(err);
        else resolve();
      };
      this.settleStart = settle;
    });
    // A pipeline closed before anyone awaited started() must not leave an unhandled rejection.
    this.startedPromise.catch(() => undefined);
  }

  private get name(): string {
    return pipelineName(this.options);
  }

  /** Resolves with the first output; rejects when ffmpeg exits or stays silent before it. */
  started(): Promise<void> {
    return this.startedPromise;
  }

  private onOutput(): void {
    if (this.producing) return;
    this.producing = true;
    this.settleStart?.();
    // Synchronously, before the same chunk is demuxed: 'started' precedes every 'video'.
    this.emit('started');
  }

  static async start(options: PipelineOptions): Promise<MediaPipeline> {
    const video = await videoInputArgs(options);
    const audio = await audioInputArgs(options);
    const built = buildFfmpegArgs(options, video, audio);
    const args = options.argsHook ? options.argsHook(built, options) : built;
    // A microphone ffmpeg cannot open itself (PulseAudio): its capture process writes into CAPTURE_PIPE_FD.
    const capture = audio?.includes(`pipe:${CAPTURE_PIPE_FD}`) ? options.microphone?.capture?.({ sampleRate: options.config.audioSampleRate }) : undefined;
    const proc = await SupervisedProcess.start({
      name: pipelineName(options),
      command: ffmpegPath(),
      args,
      stdoutMode: options.encode ? 'raw' : 'ignore',
      // fd 3: the raw picture tap, 4: the level tap, 5 (CAPTURE_PIPE_FD): the capture's audio.
      extraOutputPipes: options.encode ? (capture ? 3 : 2) : 1,
      startTimeoutMs: START_TIMEOUT_MS,
    });
    const pipeline = new MediaPipeline(options, proc);
    pipeline.wire();
    if (capture) await pipeline.startCapture(capture);
    const { picture, config } = options;
    if (options.encode && picture.kind === 'camera' && picture.canvas) {
      pipeline.canvasFeed = picture.canvas.feed(proc.stdin, { width: config.width, height: config.height, fps: config.fps });
    }
    return pipeline;
  }

  private wire(): void {
    const { config } = this.options;
    this.proc.on('died', (err: ProcessDiedError) => {
      if (this.closed) return;
      if (this.producing) this.emit('died', err);
      else this.settleStart?.(new ProcessStartError(this.name, `exited before its first output (code ${err.exit.code ?? '-'}, signal ${err.exit.signal ?? '-'})`, err.stderrTail));
    });
    const frameBytes = config.width * config.height * 3;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    this.proc.extraPipe(3).on('data', (chunk: Buffer) => {
      this.onOutput();
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = Buffer.concat(pending);
        const frame: RawFrame = { width: config.width, height: config.height, rgb: new Uint8Array(all.subarray(0, frameBytes)), at: Date.now() };
        const rest = all.subarray(frameBytes);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        this.latest = frame;
        this.emit('frame', frame);
      }
    });
    if (!this.options.encode) return;
    this.proc.extraPipe(4).on('data', (chunk: Buffer) => this.emit('mic-level', chunk));
    const demuxer = new FlvDemuxer();
    this.proc.stdout.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.onOutput();
      let events;
      try {
        events = demuxer.feed(chunk);
      } catch (err) {
        this.emit('error', err as Error);
        void this.close();
        return;
      }
      for (const ev of events) {
        if (ev.kind !== 'tag') continue;
        const tag = ev.tag;
        if (tag.type === 'video') {
          const v = parseVideoTagBody(tag.data);
          this.emit('video', {
            timestampMs: tag.timestamp,
            body: tag.data,
            keyframe: v.frameType === 'key',
            sequenceHeader: v.avcPacketType === 'sequence-header',
          } satisfies EncodedVideo);
        } else if (tag.type === 'audio') {
          const a = parseAudioTagBody(tag.data);
          this.emit('audio', { timestampMs: tag.timestamp, body: tag.data, sequenceHeader: a.aacPacketType === 'sequence-header' } satisfies EncodedAudio);
        } else {
          this.emit('metadata', tag.data);
        }
      }
    });
  }

  /** Runs the microphone's capture process into ffmpeg's CAPTURE_PIPE_FD. One that cannot start,
   *  or ends before ffmpeg's first output, fails the start as ffmpeg failing to open the device
   *  would (a ProcessStartError from started(), so the pusher probes the microphone: -1302 or
   *  -1311); one that ends later ends the audio input, as a device that goes away does. */
  private async startCapture(command: CaptureCommand): Promise<void> {
    try {
      this.capture = await SupervisedProcess.start({ name: command.name, command: command.command, args: command.args, stdin: false, stdoutMode: 'raw' });
    } catch (err) {
      this.settleStart?.(err instanceof ProcessStartError ? err : new ProcessStartError(command.name, (err as Error).message, ''));
      return;
    }
    const capture = this.capture;
    const sink = this.proc.extraInputPipe(CAPTURE_PIPE_FD);
    capture.stdout.pipe(sink);
    // Once ffmpeg is gone nothing reads the capture: unpiped, its output would pause, never end,
    // and its exit would never be reported (a process's 'close' waits for its stdout). Drain it.
    sink.once('close', () => {
      capture.stdout.unpipe(sink);
      capture.stdout.resume();
    });
    capture.on('died', (err: ProcessDiedError) => {
      if (this.closed || this.producing) return;
      this.settleStart?.(new ProcessStartError(command.name, `exited before the encoder's first output (code ${err.exit.code ?? '-'}, signal ${err.exit.signal ?? '-'})`, err.stderrTail));
    });
  }

  /** The newest tapped picture, not mirrored. */
  latestFrame(): RawFrame | undefined {
    return this.latest;
  }

  get stderrTail(): string {
    return this.proc.stderrTail();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.canvasFeed?.stop();
    this.canvasFeed = undefined;
    this.settleStart?.(new ProcessStartError(this.name, 'closed before its first output', ''));
    await Promise.all([this.proc.close('SIGKILL', 500), this.capture?.close('SIGKILL', 500)]);
  }
}
