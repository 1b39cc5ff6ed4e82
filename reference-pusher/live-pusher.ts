// LivePusher: the reference implementation of the component outside the mini-program runtime.
// Attribute model (validated against spec/) and context methods, wiring together the lifecycle
// table (pusher-state.ts), the encoder supervisor (encoder-supervisor.ts), the stream clock
// (stream-clock.ts), the preview/snapshot pictures (preview-still.ts), the media pipeline, the
// publisher and netstatus.
// Spec: live-pusher.zh.md (通用属性, 错误码, 状态码, 网络状态数据) and context-api.md.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeDefaults, retry as retrySpec, statusCode as statusSpec, errorCode as errorSpec } from '../spec/index.ts';
import { validateAttributes, type AttributeError } from '../spec/validate.ts';
import { parseVideoTagBody } from '../protocol/flv/index.ts';
import { parseAvcDecoderConfigurationRecord, parseSps } from '../protocol/avc.ts';
import { encoderChanged, resolveEncodeConfig, type EncodeConfig } from './encode-config.ts';
import { RestartBudget, audioDeathReport, deathReport, firstLine, followUpFailureReport, startFailureReport, type StatusReport } from './encoder-supervisor.ts';
import { probeMicrophone, type MicrophoneProbe } from '../adapters/microphone/probe.ts';
import { CAPTURE_PIPE_FD } from '../adapters/microphone/synthetic.ts';
import { fallbackReport } from './hardware-encoder.ts';
import { tryHardwareEncoder } from '../adapters/encoder/hardware-trial.ts';
import { ProcessStartError } from '../adapters/process/supervised.ts';
import { MediaPipeline, type AudioInput, type PipelineOptions, type EncodedAudio, type EncodedVideo, type PictureSource, type VideoInput } from './media-pipeline.ts';
import { NETSTATUS_INTERVAL_MS, NetstatusMeter, type NetstatusInfo } from './netstatus.ts';
import { PreviewStill, checkSnapshotArgs } from './preview-still.ts';
import { StreamPublisher } from './publisher.ts';
import { CODE, encodesIn, milestonesRaised, transition, type LifecycleCall, type PusherState, type Transition } from './pusher-state.ts';
import { resolveSources, type PusherRig } from './rig-sources.ts';
import { StreamClock } from './stream-clock.ts';
import { AUDIO_STALL_MS, FramesStalledError, frameStallMs, watchAudio, watchFrames } from './source-watchdog.ts';
import { benchHoldStep, type BenchHold, type BenchPhase } from './interruption.ts';
import { sourceLimitReport } from './source-limits.ts';
import { STATUS } from '../spec/codes.ts';
import { ERROR } from '../spec/codes.ts';
import { micVolumeProblem } from './audio-effects.ts';
import { BgmError, BgmPlayer, parseBgmVolume, type BgmProgress } from './bgm.ts';
import { MicLevelMeter } from './mic-level.ts';
import { PushAdaptation, type AdaptationReport } from './push-adaptation.ts';
import { MAX_ZOOM, checkZoom } from './video-effects.ts';
import { addSeiMessage, checkMessage } from './sei-message.ts';
import { checkLutArgs, writeCube } from './lut-filter.ts';
import { checkStickerArgs, encodeStickers } from './stickers.ts';
import { CustomRenderer, OFFER_FPS, type CustomRenderHooks, type OfferedFrame, type PushSize } from './custom-render.ts';

export type { PusherState } from './pusher-state.ts';

/** An audio stall while the video has been silent this long too is the camera's (onAudioStall). */
const VIDEO_SILENT_WITH_AUDIO_MS = 1000;
export { ENCODER_RESTART_LIMIT } from './encoder-supervisor.ts';

/** A context method's fail payload (the driver protocol's `error` reply). */
export class PusherCallError extends Error {
  constructor(
    readonly errMsg: string,
    readonly errCode = -1,
  ) {
    super(errMsg);
    this.name = 'PusherCallError';
  }
}

/** Illegal attributes: every error names the attribute, the value and what is legal. */
export class AttributeValidationError extends PusherCallError {
  constructor(
    op: string,
    readonly errors: AttributeError[],
  ) {
    super(`${op}:fail ${errors.map((e) => e.message).join('; ')}`);
    this.name = 'AttributeValidationError';
  }
}

export interface LivePusherOptions {
  rig?: PusherRig;
  /** Where snapshots and stills go; a temp dir by default, removed on dispose. */
  workDir?: string;
  /** Reconnect policy; the vendor default is 3 retries, 3 s apart (spec/ retry). */
  retry?: { count: number; intervalMs: number };
  /** Seams for experiments and for the deliberately broken variants of the project's tests. */
  hooks?: PusherHooks;
}

/** A media packet on its way from the encoder to the publisher (stream time, ms). */
export interface OutgoingMedia {
  kind: 'video' | 'audio';
  timestampMs: number;
  body: Uint8Array;
  keyframe: boolean;
  sequenceHeader: boolean;
}

/**
 * Places where the pusher's behaviour can be altered from outside without forking it. Each
 * defaults to the identity. The project's own tests use them to build implementations that
 * are wrong in one known way (test/conformance/broken); they are not a configuration surface.
 */
export interface PusherHooks {
  /** Rewrites the arguments of each encoder/preview ffmpeg before it is spawned. */
  ffmpegArgs?: (args: string[], options: PipelineOptions) => string[];
  /** Rewrites (or drops, with null) each encoded packet before it is published. */
  media?: (m: OutgoingMedia) => OutgoingMedia | null;
  /** Rewrites the encode configuration resolved from the attributes. */
  encodeConfig?: (config: EncodeConfig) => EncodeConfig;
  /** Alters custom rendering: the offered frames, the canvas read (custom-render.ts). */
  customRender?: CustomRenderHooks;
}

type Detail = Record<string, unknown>;

/**
 * Events: 'statechange' {code, message}, 'netstatus' {info}, 'error' {errCode, errMsg}
 * (the component's bind* events; see spec/ events).
 */
/** The events of a LivePusher: the component's events (live-pusher.zh.md bindstatechange,
 *  bindnetstatus, binderror, bindbgmstart/progress/complete, bindaudiovolumenotify). */
export interface LivePusherEvents {
  statechange: [{ code: number; message: string }];
  netstatus: [{ info: NetstatusInfo }];
  error: [{ errCode: number; errMsg: string }];
  bgmstart: [Record<string, never>];
  bgmprogress: [BgmProgress];
  bgmcomplete: [Record<string, never>];
  audiovolumenotify: [{ volume: number }];
  /** Custom rendering's side channel (custom-render.ts, docs/driver-protocol.md "Custom rendering"). */
  customrendererframe: [OfferedFrame];
  customrendererupdate: [PushSize];
}

export class LivePusher extends EventEmitter<LivePusherEvents> {
  private attrs: Record<string, unknown> = { ...attributeDefaults() };
  private explicit = new Set<string>();
  private created = false;
  private state: PusherState = 'idle';
  private config: EncodeConfig;
  private position: 'front' | 'back' = 'front';
  /** The zoom setZoom applied; undefined: the zoom attribute's (video-effects.ts). */
  private zoomLevel: number | undefined;
  /** sendMessage's messages waiting for the next encoded frame (sei-message.ts), in order. */
  private readonly messages: Uint8Array[] = [];
  /** applyFilter's lookup table (.cube in the work dir), '' after clearFilters; and how many were made. */
  private lutFile = '';
  private lutCount = 0;
  /** applySticker's stickers (stickers.ts encodeStickers), '' after clearStickers. */
  private stickers = '';
  /** toggleTorch's state; the camera adapter lights the scene when its camera has a torch. */
  private torch = false;
  /** The gain setMICVolume applied; undefined: full volume (audio-effects.ts). */
  private micVolume: number | undefined;
  /** Background music (bgm.ts): its events are the pusher's bgmstart/bgmprogress/bgmcomplete. */
  private readonly bgm = new BgmPlayer();
  /** enableVideoCustomRender's frames, canvas and size events (custom-render.ts). */
  private readonly customRender: CustomRenderer;
  private pipeline: MediaPipeline | undefined;
  private publisher: StreamPublisher | undefined;
  private meter: NetstatusMeter | undefined;
  private netTimer: NodeJS.Timeout | undefined;
  private readonly workDir: string;
  private readonly ownsWorkDir: boolean;
  private readonly rig: PusherRig;
  private readonly retryPolicy: { count: number; intervalMs: number };
  private readonly hooks: PusherHooks;
  private readonly clock = new StreamClock();
  /** What of the bench's device events holds the push (interruption.ts); empty when pause() did. */
  private heldBy: ReadonlySet<BenchHold> = new Set();
  /** Bitrate adaptation to the uplink (push-adaptation.ts): 1006 / 1005 / 1101. */
  private readonly adaptation = new PushAdaptation();
  private pushMilestones = new Set<number>();
  private readonly pictures: PreviewStill;
  private op: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** Deaths of the encoder within ENCODER_RESTART_LIMIT's window. */
  private readonly restartBudget = new RestartBudget();
  /** Stalls of the encoded audio within ENCODER_RESTART_LIMIT's window (-1304 when spent). */
  private readonly audioRestartBudget = new RestartBudget();
  /** When the pipeline last produced video: an audio stall with the video silent too is the camera's. */
  private lastVideoAt = 0;
  /** This push's video encoder (hardware-encoder.ts): the rig's hardware device when its trial
   *  passed; else software, with 1103 due once when the encoder starts (then cleared). */
  private videoEncoder: { device?: string; fallback?: StatusReport } = {};

  constructor(opts: LivePusherOptions = {}) {
    super();
    this.rig = opts.rig ?? {};
    this.ownsWorkDir = !opts.workDir;
    this.workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'lpbench-ref-'));
    this.retryPolicy = opts.retry ?? { count: retrySpec.count.default, intervalMs: retrySpec.intervalSeconds.default * 1000 };
    this.hooks = opts.hooks ?? {};
    this.pictures = new PreviewStill(this.workDir);
    this.config = resolveEncodeConfig(this.attrs, this.explicit);
    this.bgm.on('start', (d) => this.emit('bgmstart', d));
    this.bgm.on('progress', (d) => this.emit('bgmprogress', d));
    this.bgm.on('complete', (d) => this.emit('bgmcomplete', d));
    this.customRender = new CustomRenderer(this.workDir, { ...(this.hooks.customRender ? { hooks: this.hooks.customRender } : {}) });
    this.customRender.on('frame', (d) => this.emit('customrendererframe', d));
    this.customRender.on('update', (d) => this.emit('customrendererupdate', d));
  }

  get currentState(): PusherState {
    return this.state;
  }

  get encodeConfig(): EncodeConfig {
    return this.config;
  }

  attributes(): Readonly<Record<string, unknown>> {
    return this.attrs;
  }

  // ---- attributes ------------------------------------------------------------------------

  /** Sets the initial attributes (the component's creation). Throws AttributeValidationError. */
  create(attrs: Record<string, unknown>): Promise<void> {
    return this.serial(async () => {
      if (this.created) throw new PusherCallError('create:fail the pusher was already created');
      const result = validateAttributes(attrs);
      if (!result.ok) throw new AttributeValidationError('create', result.errors);
      this.apply(result.values);
      this.created = true;
      this.position = this.attrs['device-position'] === 'back' ? 'back' : 'front';
      this.config = this.resolve();
      if (this.attrs['autopush'] === true && this.attrs['url']) await this.doStart();
    });
  }

  /** The runtime setData: takes effect within one encoder restart, the connection stays up. */
  update(attrs: Record<string, unknown>): Promise<void> {
    return this.serial(async () => {
      const result = validateAttributes(attrs, { current: this.attrs });
      if (!result.ok) throw new AttributeValidationError('update', result.errors);
      const oldUrl = this.attrs['url'];
      this.apply(result.values);
      if ('device-position' in result.values) this.position = this.attrs['device-position'] === 'back' ? 'back' : 'front';
      if ('zoom' in result.values) this.zoomLevel = undefined;
      const next = this.resolve();
      const changed = encoderChanged(this.config, next);
      this.config = next;
      if (this.state === 'idle') {
        if ('autopush' in result.values && this.attrs['autopush'] === true && this.attrs['url']) await this.doStart();
        return;
      }
      if (this.publisher && this.attrs['url'] !== oldUrl) {
        await this.publisher.close();
        this.publisher = undefined;
        if (this.attrs['url']) this.startPublisher();
      }
      // The paused picture is the waiting-image: a new one shows at once, like any other change.
      const stillChanged = this.state === 'paused' && ('waiting-image' in result.values || 'waiting-image-hash' in result.values);
      if (changed || stillChanged) await this.restartPipeline();
    });
  }

  private apply(values: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(values)) {
      this.attrs[name] = value;
      this.explicit.add(name);
    }
  }

  private resolve(): EncodeConfig {
    const resolved = resolveEncodeConfig({ ...this.attrs, 'device-position': this.position }, this.explicit);
    const zoomed = this.zoomLevel === undefined ? resolved : { ...resolved, zoom: this.zoomLevel };
    const config = this.micVolume === undefined ? zoomed : { ...zoomed, micVolume: this.micVolume };
    const adapted = this.adaptation.apply(config, this.attrs, this.explicit);
    const filtered = { ...adapted, lut: this.lutFile, stickers: this.stickers, torch: this.torch };
    return this.hooks.encodeConfig ? this.hooks.encodeConfig(filtered) : filtered;
  }

  /** A change of the adaptation: reported, then the encoder restarts at the adapted bitrate/size. */
  private onAdaptation(report: AdaptationReport): void {
    this.emitStatus(report.code, report.message);
    if (!report.restart) return;
    this.background(async () => {
      if (this.state === 'idle' || !this.pipeline) return;
      const next = this.resolve();
      if (!encoderChanged(this.config, next)) return;
      this.config = next;
      await this.restartPipeline();
    });
  }

  // ---- context methods ---------------------------------------------------------------------

  /** The lifecycle table's answer for `call` now; an illegal call fails with its reason. */
  private legal(call: LifecycleCall): Transition {
    const t = transition(this.state, call);
    if (t.kind === 'illegal') throw new PusherCallError(`${call}:fail ${t.reason}`);
    return t;
  }

  start(): Promise<Detail> {
    return this.serial(async () => {
      if (this.legal('start').kind === 'noop') return { errMsg: 'start:ok' };
      if (!this.attrs['url']) throw new PusherCallError('start:fail url is empty; set the url attribute to an rtmp:// address first');
      await this.doStart();
      return { errMsg: 'start:ok' };
    });
  }

  stop(): Promise<Detail> {
    return this.serial(async () => {
      this.legal('stop');
      await this.teardown();
      return { errMsg: 'stop:ok' };
    });
  }

  pause(): Promise<Detail> {
    return this.serial(async () => {
      this.state = this.moveTo(this.legal('pause'));
      await this.restartPipeline();
      return { errMsg: 'pause:ok' };
    });
  }

  resume(): Promise<Detail> {
    return this.serial(async () => {
      this.state = this.moveTo(this.legal('resume'));
      this.heldBy = new Set();
      await this.restartPipeline();
      return { errMsg: 'resume:ok' };
    });
  }

  /** A device event of the bench (docs/driver-protocol.md "bench"): an interruption (状态码 5001
   *  系统电话打断) or the page going to the background. Its begin holds a push as pause does (the
   *  interruption reports 5001); its end resumes a push it held (interruption.ts). */
  benchEvent(event: BenchHold, phase: BenchPhase): Promise<Detail> {
    return this.serial(async () => {
      const step = benchHoldStep(event, this.state, this.heldBy, phase);
      if (step.report) this.emitStatus(STATUS.INTERRUPTED);
      this.heldBy = step.heldBy;
      if (step.call) {
        this.state = this.moveTo(this.legal(step.call));
        await this.restartPipeline();
      }
      return { errMsg: 'bench:ok' };
    });
  }

  startPreview(): Promise<Detail> {
    return this.serial(async () => {
      const t = this.legal('startPreview');
      if (t.kind === 'noop') return { errMsg: 'startPreview:ok' };
      this.checkCameraPermission('startPreview');
      this.pushMilestones = new Set(milestonesRaised(this.state, 'previewing'));
      this.state = this.moveTo(t);
      await this.restartPipeline();
      return { errMsg: 'startPreview:ok' };
    });
  }

  stopPreview(): Promise<Detail> {
    return this.serial(async () => {
      if (this.legal('stopPreview').kind === 'move') await this.teardown();
      return { errMsg: 'stopPreview:ok' };
    });
  }

  switchCamera(): Promise<Detail> {
    return this.serial(async () => {
      const t = this.legal('switchCamera');
      this.position = this.position === 'front' ? 'back' : 'front';
      this.config = this.resolve();
      if (t.kind === 'move' && t.pipeline) await this.restartPipeline();
      return { errMsg: 'switchCamera:ok' };
    });
  }

  /** setZoom({zoom}): zoom in [1, MAX_ZOOM], one decimal; answers the zoom applied
   *  (context-api.md setZoom). Applied now when the camera is open, else at the next start. */
  setZoom(args: { zoom?: unknown } = {}): Promise<Detail> {
    return this.serial(async () => {
      const checked = checkZoom(args.zoom);
      if ('problem' in checked) throw new PusherCallError(`setZoom:fail ${checked.problem}`);
      this.zoomLevel = checked.zoom;
      const next = this.resolve();
      const changed = encoderChanged(this.config, next);
      this.config = next;
      if (changed && this.pipeline) await this.restartPipeline();
      return { errMsg: 'setZoom:ok', zoom: checked.zoom };
    });
  }

  /** setMICVolume({volume}): the microphone's gain, 0-1 (context-api.md, typed number). */
  setMICVolume(args: { volume?: unknown } = {}): Promise<Detail> {
    return this.serial(async () => {
      const problem = micVolumeProblem(args.volume);
      if (problem) throw new PusherCallError(`setMICVolume:fail ${problem}`);
      this.micVolume = args.volume as number;
      await this.applyAudioChange(true);
      return { errMsg: 'setMICVolume:ok' };
    });
  }

  /** playBGM({url, startTimeMs?, endTimeMs?}) while pushing: mixed into the stream; a URL that
   *  cannot be loaded is errCode 10003 (error event and the call's fail) and the push goes on. */
  playBGM(args: { url?: unknown; startTimeMs?: unknown; endTimeMs?: unknown } = {}): Promise<Detail> {
    return this.bgmCall('playBGM', async () => {
      if (this.state !== 'pushing') throw new PusherCallError(`playBGM:fail the push is ${this.state}; background music plays while pushing`);
      try {
        await this.bgm.play(args);
      } catch (err) {
        if (err instanceof BgmError && err.loadFailed) {
          this.emitError(ERROR.BGM_LOAD_FAILED, err.message);
          throw new PusherCallError(`playBGM:fail ${err.message}`, ERROR.BGM_LOAD_FAILED);
        }
        throw err;
      }
      return true;
    });
  }

  pauseBGM(): Promise<Detail> {
    return this.bgmCall('pauseBGM', async () => this.bgm.pause());
  }

  resumeBGM(): Promise<Detail> {
    return this.bgmCall('resumeBGM', async () => this.bgm.resume());
  }

  stopBGM(): Promise<Detail> {
    return this.bgmCall('stopBGM', async () => this.bgm.stop());
  }

  /** setBGMVolume({volume}): volume is a string holding 0-1 (context-api.md). */
  setBGMVolume(args: { volume?: unknown } = {}): Promise<Detail> {
    return this.bgmCall('setBGMVolume', async () => this.bgm.setVolume(parseBgmVolume(args.volume)));
  }

  /** Runs a BGM operation; when what is mixed changed, the encoder restarts with it. */
  private bgmCall(op: string, fn: () => Promise<boolean>): Promise<Detail> {
    return this.serial(async () => {
      let changed: boolean;
      try {
        changed = await fn();
      } catch (err) {
        if (err instanceof BgmError) throw new PusherCallError(`${op}:fail ${err.message}`);
        throw err;
      }
      await this.applyAudioChange(changed);
      return { errMsg: `${op}:ok` };
    });
  }

  /** Re-resolves the configuration and restarts the encoder when the audio it makes changed. */
  private async applyAudioChange(force: boolean): Promise<void> {
    const next = this.resolve();
    const changed = encoderChanged(this.config, next);
    this.config = next;
    if ((changed || force) && this.pipeline && encodesIn(this.state)) await this.restartPipeline();
  }

  /** sendMessage({msg}): the message rides in the next encoded frame as an SEI NAL unit
   *  (sei-message.ts); one message per frame, in call order. Only while pushing. */
  sendMessage(args: { msg?: unknown } = {}): Promise<Detail> {
    return this.serial(async () => {
      const checked = checkMessage(args.msg);
      if ('problem' in checked) throw new PusherCallError(`sendMessage:fail ${checked.problem}`);
      if (this.state !== 'pushing') throw new PusherCallError(`sendMessage:fail the pusher is ${this.state}, not pushing: call start first`);
      this.messages.push(checked.bytes);
      return { errMsg: 'sendMessage:ok' };
    });
  }

  /** applyFilter({path, alpha, md5?}): a lookup-table image applied to the camera's picture
   *  (lut-filter.ts), now when the camera is open, else at the next start. */
  applyFilter(args: { path?: unknown; alpha?: unknown; md5?: unknown } = {}): Promise<Detail> {
    return this.serial(async () => {
      const checked = checkLutArgs(args);
      if ('problem' in checked) throw new PusherCallError(`applyFilter:fail ${checked.problem}`);
      try {
        this.lutFile = await writeCube(this.workDir, checked, ++this.lutCount);
      } catch (err) {
        throw new PusherCallError(`applyFilter:fail ${firstLine(err)}`);
      }
      await this.applyConfigNow();
      return { errMsg: 'applyFilter:ok' };
    });
  }

  /** clearFilters(): back to the picture without applyFilter's table. */
  clearFilters(): Promise<Detail> {
    return this.serial(async () => {
      this.lutFile = '';
      await this.applyConfigNow();
      return { errMsg: 'clearFilters:ok' };
    });
  }

  /** applySticker({type, stickers}): each sticker image drawn over the camera's picture where its
   *  pos says (stickers.ts), replacing the stickers before; now when the camera is open, else at
   *  the next start. */
  applySticker(args: { type?: unknown; stickers?: unknown } = {}): Promise<Detail> {
    return this.serial(async () => {
      const checked = checkStickerArgs(args);
      if ('problem' in checked) throw new PusherCallError(`applySticker:fail ${checked.problem}`);
      this.stickers = encodeStickers(checked.stickers);
      await this.applyConfigNow();
      return { errMsg: 'applySticker:ok' };
    });
  }

  /** clearStickers(): the picture without stickers. */
  clearStickers(): Promise<Detail> {
    return this.serial(async () => {
      this.stickers = '';
      await this.applyConfigNow();
      return { errMsg: 'clearStickers:ok' };
    });
  }

  /** toggleTorch(): the torch on if it was off, off if it was on (context-api.md: flashlight, back
   *  camera). The state is kept across switchCamera; only a camera with a torch (the back one)
   *  lights the scene. */
  toggleTorch(): Promise<Detail> {
    return this.serial(async () => {
      this.torch = !this.torch;
      await this.applyConfigNow();
      return { errMsg: 'toggleTorch:ok' };
    });
  }

  /** Re-resolves the encode configuration and restarts the pipeline if it changed. */
  private async applyConfigNow(): Promise<void> {
    const next = this.resolve();
    const changed = encoderChanged(this.config, next);
    this.config = next;
    if (changed && this.pipeline) await this.restartPipeline();
  }

  /** onCustomRendererEvent({event}): 'frame' offers camera frames, 'update' tells the push size
   *  (custom-render.ts); only with enableVideoCustomRender. */
  onCustomRendererEvent(args: { event?: unknown } = {}): Promise<Detail> {
    return this.customRenderCall('onCustomRendererEvent', () => {
      this.customRender.subscribe(args.event, this.config);
      return {};
    });
  }

  /** createOffscreenCanvas(options): the canvas file whose picture is pushed (custom-render.ts). */
  createOffscreenCanvas(args: Record<string, unknown> = {}): Promise<Detail> {
    return this.customRenderCall('createOffscreenCanvas', () => ({ ...this.customRender.createCanvas(args, this.config) }));
  }

  private customRenderCall(op: string, fn: () => Detail): Promise<Detail> {
    return this.serial(async () => {
      if (this.attrs['enableVideoCustomRender'] !== true) throw new PusherCallError(`${op}:fail enableVideoCustomRender is false; custom rendering needs the attribute enableVideoCustomRender true`);
      try {
        return { errMsg: `${op}:ok`, ...fn() };
      } catch (err) {
        throw new PusherCallError(`${op}:fail ${(err as Error).message}`);
      }
    });
  }

  /** getMaxZoom(): {maxZoom} as a string (context-api.md getMaxZoom). */
  getMaxZoom(): Promise<Detail> {
    return this.serial(async () => ({ errMsg: 'getMaxZoom:ok', maxZoom: String(MAX_ZOOM) }));
  }

  /** The target of a `move` (the table's legal calls that change state). */
  private moveTo(t: Transition): PusherState {
    if (t.kind !== 'move') throw new Error(`lifecycle table: expected a move, got ${t.kind}`);
    return t.to;
  }

  /** snapshot({quality, sourceType}): `stream` is the picture as pushed (remote mirror),
   *  `view` as previewed (local mirror). context-api.md: width/height are strings. */
  snapshot(args: { quality?: unknown; sourceType?: unknown } = {}): Promise<Detail> {
    return this.serial(async () => {
      const checked = checkSnapshotArgs(args);
      if ('problem' in checked) throw new PusherCallError(`snapshot:fail ${checked.problem}`);
      const frame = this.pipeline?.latestFrame();
      if (!frame) throw new PusherCallError('snapshot:fail no picture yet: start the preview or the push first');
      const mirror = checked.sourceType === 'view' ? this.config.previewMirror : this.config.streamMirror;
      return { errMsg: 'snapshot:ok', ...(await this.pictures.writeSnapshot(frame, mirror, checked.quality)) };
    });
  }

  /** Stops everything and removes the work dir. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.op.catch(() => undefined);
    await this.teardown();
    await this.customRender.close();
    if (this.ownsWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Runs operations one at a time, in call order; after dispose() they fail plainly. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.op
      .catch(() => undefined)
      .then(() => {
        if (this.disposed) throw new PusherCallError('fail: the pusher was disposed');
        return fn();
      });
    this.op = next;
    return next;
  }

  /** Internal follow-ups (restart after a crash, stop after giving up): errors are reported, not thrown. */
  private background(fn: () => Promise<void>): void {
    this.serial(fn).catch((err: unknown) => {
      if (!this.disposed) this.report(followUpFailureReport(err));
    });
  }

  private emitStatus(code: number, message?: string): void {
    this.emit('statechange', { code, message: message ?? statusSpec(code).meaning });
  }

  private report(status: StatusReport): void {
    this.emitStatus(status.code, status.message);
  }

  private emitError(code: number, detail?: string): void {
    const meaning = errorSpec(code).meaning;
    this.emit('error', { errCode: code, errMsg: detail ? `${meaning}: ${detail}` : meaning });
    this.emitStatus(code, detail ? `${meaning}: ${detail}` : undefined);
  }

  private checkCameraPermission(op: string): void {
    if (this.rig.permissions?.camera === 'denied' && this.config.cameraEnabled) {
      this.emitError(CODE.cameraDenied, 'scope.camera denied');
      throw new PusherCallError(`${op}:fail scope.camera denied`, CODE.cameraDenied);
    }
  }

  private async doStart(): Promise<void> {
    this.checkCameraPermission('start');
    if (this.rig.permissions?.record === 'denied' && this.config.micEnabled) this.emitError(CODE.micDenied, 'scope.record denied; pushing without audio');
    const limit = sourceLimitReport(
      { width: this.config.width, height: this.config.height, sampleRate: this.config.audioSampleRate, usesCamera: this.config.cameraEnabled, usesMicrophone: this.config.micEnabled && this.rig.permissions?.record !== 'denied' },
      this.rig.camera?.[this.position],
      this.rig.microphone,
    );
    if (limit) {
      this.report(limit);
      throw new PusherCallError(`start:fail ${limit.message}`, limit.code);
    }
    // Also reached from create/update (autopush), so it enters the push from whatever state it finds.
    this.pushMilestones = new Set(milestonesRaised(this.state, 'pushing'));
    this.state = 'pushing';
    this.clock.reset();
    this.adaptation.reset();
    this.config = this.resolve();
    this.meter = new NetstatusMeter(Date.now());
    this.videoEncoder = await this.chooseVideoEncoder();
    try {
      await this.restartPipeline();
    } catch (err) {
      await this.teardown();
      throw err;
    }
    this.netTimer = setInterval(() => this.reportNetstatus(), NETSTATUS_INTERVAL_MS);
    this.adaptation.start(() => this.publisher?.stats(), (r) => this.onAdaptation(r));
  }

  private startPublisher(): void {
    const publisher = new StreamPublisher(String(this.attrs['url']), this.retryPolicy);
    this.publisher = publisher;
    publisher.on('status', (code: number, message?: string) => this.emitStatus(code, message));
    publisher.on('send-delay', (ms: number) => this.meter?.onSendDelay(ms));
    publisher.on('gave-up', () => {
      this.background(() => this.teardown());
    });
    publisher.setMetadata({
      width: this.config.width,
      height: this.config.height,
      framerate: this.config.fps,
      videocodecid: 7,
      audiocodecid: 10,
      audiosamplerate: this.config.audioSampleRate,
      videodatarate: this.config.targetBitrateKbps,
      audiodatarate: this.config.audioBitrateKbps,
      encoder: 'live-pusher-bench reference',
    });
    publisher.start();
  }

  private milestone(code: number): void {
    if (this.pushMilestones.has(code)) return;
    this.pushMilestones.add(code);
    this.emitStatus(code);
  }

  private pictureSource(sources: { camera: VideoInput }): PictureSource {
    if (this.state === 'paused') {
      return { kind: 'still', path: this.pictures.stillPath(this.attrs, this.config, (problem) => this.emitError(CODE.waitingImageFailed, problem)) };
    }
    if (!this.config.cameraEnabled) return { kind: 'black' };
    if (this.config.customRender && this.state === 'pushing') return { kind: 'camera', camera: sources.camera, canvas: this.customRender };
    return { kind: 'camera', camera: sources.camera };
  }

  private async restartPipeline(): Promise<void> {
    const old = this.pipeline;
    this.pipeline = undefined;
    if (old) {
      this.pictures.remember(old.latestFrame());
      await old.close();
    }
    if (this.state === 'idle') return;
    const sources = resolveSources(this.rig, this.position);
    const encode = encodesIn(this.state);
    const micAllowed = this.config.micEnabled && this.rig.permissions?.record !== 'denied' && this.state !== 'paused';
    const picture = this.pictureSource(sources);
    const microphone = micAllowed && encode ? sources.microphone : null;
    // A capture that failed before its first output, with a microphone in it: the microphone is
    // opened alone to tell one that cannot be opened (-1302) or opens and stays silent (-1311)
    // from a camera that failed (-1301).
    const startFailed = async (err: unknown, probe = false): Promise<PusherCallError> => {
      const mic = probe && microphone && err instanceof ProcessStartError ? await this.probeMicrophone(microphone) : undefined;
      const failed = startFailureReport(picture.kind, err, mic);
      this.report(failed);
      return new PusherCallError(`start:fail ${mic === undefined ? firstLine(err) : failed.message}`, failed.code);
    };
    let pipeline: MediaPipeline;
    try {
      pipeline = await MediaPipeline.start({
        config: this.config,
        picture,
        microphone: micAllowed ? sources.microphone : null,
        bgm: this.state === 'pushing' ? this.bgm.input() : null,
        encode,
        ...(this.customRendering() ? { tapFps: OFFER_FPS } : {}),
        ...(this.videoEncoder.device ? { hardwareEncoder: this.videoEncoder.device } : {}),
        ...(this.hooks.ffmpegArgs ? { argsHook: this.hooks.ffmpegArgs } : {}),
      });
    } catch (err) {
      throw await startFailed(err);
    }
    // Listeners go on before media flows (MediaPipeline: 'started' precedes every 'video').
    this.pipeline = pipeline;
    this.clock.rebase(this.config.fps);
    this.meter?.resetKeyframes();
    pipeline.once('started', () => {
      if (this.pipeline === pipeline && picture.kind === 'camera') this.milestone(CODE.cameraOpened);
    });
    pipeline.once('frame', () => {
      if (this.pipeline === pipeline && picture.kind === 'camera') this.milestone(CODE.firstFrame);
    });
    if (this.customRendering()) {
      this.customRender.pushSize(this.config);
      if (picture.kind === 'camera') pipeline.on('frame', (f) => this.pipeline === pipeline && this.customRender.offer(f));
    }
    pipeline.on('video', (v: EncodedVideo) => this.onVideo(pipeline, v));
    pipeline.on('audio', (a: EncodedAudio) => this.onAudio(pipeline, a));
    const level = new MicLevelMeter((volume) => {
      if (this.pipeline === pipeline) this.emit('audiovolumenotify', { volume });
    });
    pipeline.on('mic-level', (chunk: Buffer) => level.feed(chunk));
    pipeline.on('died', (err: Error) => this.onEncoderDeath(pipeline, err));
    pipeline.on('error', (err: Error) => this.onEncoderDeath(pipeline, err));
    if (picture.kind === 'camera' && encode) watchFrames(pipeline, frameStallMs(this.config.fps), (err) => this.onEncoderDeath(pipeline, err));
    if (encode) watchAudio(pipeline, AUDIO_STALL_MS, (err) => this.onAudioStall(pipeline, err));
    try {
      await pipeline.started();
    } catch (err) {
      if (this.pipeline === pipeline) this.pipeline = undefined;
      await pipeline.close();
      throw await startFailed(err, true);
    }
    if (pipeline.options.bgm) this.bgm.produced();
  }

  /** enableVideoCustomRender: camera frames are offered (the picture pushed is config.customRender's). */
  private customRendering(): boolean {
    return this.attrs['enableVideoCustomRender'] === true;
  }

  /** The rig's hardware encoder when its trial passes, else software and 1103 (hardware-encoder.ts). */
  private async chooseVideoEncoder(): Promise<{ device?: string; fallback?: StatusReport }> {
    const device = this.rig.hardwareEncoder?.device;
    if (!device) return {};
    const trial = await tryHardwareEncoder(device);
    return trial.ok ? { device } : { fallback: fallbackReport(trial.reason) };
  }

  /** What the microphone does when opened alone (adapters/microphone/probe.ts). */
  private async probeMicrophone(microphone: AudioInput): Promise<MicrophoneProbe> {
    let input: string[];
    const sampleRate = this.config.audioSampleRate;
    try {
      input = await microphone.inputArgs({ sampleRate });
    } catch {
      return 'fails';
    }
    const capture = input.includes(`pipe:${CAPTURE_PIPE_FD}`) ? microphone.capture?.({ sampleRate }) : undefined;
    return probeMicrophone(capture ?? input);
  }

  /** 1104 and a restart on the same connection, or -1303 and the end of the push once the
   *  encoder has died more than ENCODER_RESTART_LIMIT.count times within its window. */
  private onEncoderDeath(pipeline: MediaPipeline, err: Error): void {
    if (this.pipeline !== pipeline) return;
    const verdict = this.restartBudget.onDeath();
    this.report(deathReport(verdict, err));
    if (verdict === 'give-up') {
      this.background(() => this.teardown());
      return;
    }
    this.background(async () => {
      try {
        await this.restartPipeline();
      } catch {
        // restartPipeline has reported why (-1301 / -1302); a push without an encoder ends.
        await this.teardown();
      }
    });
  }

  /** A restart without a code on the same connection, or -1304 and the end of the push once the
   *  audio has stalled more than ENCODER_RESTART_LIMIT.count times within its window. */
  private onAudioStall(pipeline: MediaPipeline, err: Error): void {
    if (this.pipeline !== pipeline) return;
    // A camera that goes away stops the encoded audio too (ffmpeg's muxer waits for the video):
    // with the video silent as well this is the camera's failure, 1104 as the frame watchdog would
    // report it a moment later, not an audio restart without a code (which would also disarm the
    // frame watchdog until video flows again, so a camera still gone would go unreported).
    const videoSilentMs = Date.now() - this.lastVideoAt;
    if (pipeline.options.picture.kind === 'camera' && videoSilentMs >= VIDEO_SILENT_WITH_AUDIO_MS) {
      this.onEncoderDeath(pipeline, new FramesStalledError(videoSilentMs));
      return;
    }
    const verdict = this.audioRestartBudget.onDeath();
    const status = audioDeathReport(verdict, err);
    if (status) this.report(status);
    this.background(async () => {
      if (verdict === 'give-up') return this.teardown();
      try {
        await this.restartPipeline();
      } catch {
        await this.teardown();
      }
    });
  }

  private onVideo(pipeline: MediaPipeline, v: EncodedVideo): void {
    if (this.pipeline !== pipeline) return;
    this.lastVideoAt = Date.now();
    const ts = this.clock.time(v.timestampMs);
    if (v.sequenceHeader) {
      this.readEncodedSize(v.body);
      // ffmpeg opens the encoder from the first captured frame, so a sequence header proves a
      // frame was captured even when the low-rate tap has not delivered it yet.
      if (this.pipeline.options.picture.kind === 'camera') this.milestone(CODE.firstFrame);
      // The software encoder that started in place of the hardware one (1103 before its 1008).
      if (this.videoEncoder.fallback) this.report(this.videoEncoder.fallback);
      this.videoEncoder = { ...this.videoEncoder, fallback: undefined };
      this.milestone(CODE.encoderStarted);
      if (!this.publisher && this.attrs['url']) this.startPublisher();
    }
    const message = v.sequenceHeader || !this.publisher ? undefined : this.messages.shift();
    const body = message ? addSeiMessage(v.body, message) : v.body;
    if (!v.sequenceHeader) this.meter?.onVideo(body.length, v.keyframe, ts);
    this.publish({ kind: 'video', timestampMs: ts, body, keyframe: v.keyframe, sequenceHeader: v.sequenceHeader });
  }

  private onAudio(pipeline: MediaPipeline, a: EncodedAudio): void {
    if (this.pipeline !== pipeline) return;
    const ts = this.clock.time(a.timestampMs);
    if (!a.sequenceHeader) this.meter?.onAudio(a.body.length);
    this.publish({ kind: 'audio', timestampMs: ts, body: a.body, keyframe: false, sequenceHeader: a.sequenceHeader });
  }

  private publish(m: OutgoingMedia): void {
    const out = this.hooks.media ? this.hooks.media(m) : m;
    if (out) this.publisher?.push(out);
  }

  /** videoWidth/videoHeight come from the SPS the encoder really produced. */
  private readEncodedSize(body: Uint8Array): void {
    try {
      const tag = parseVideoTagBody(body);
      const record = parseAvcDecoderConfigurationRecord(tag.payload);
      const sps = record.sps[0];
      if (!sps) return;
      const info = parseSps(sps);
      this.meter?.onVideoSize(info.width, info.height);
    } catch {
      // A sequence header we cannot read leaves the size at 0 (reported as unknown).
    }
  }

  private reportNetstatus(): void {
    if (!this.meter || !this.publisher) return;
    const info: NetstatusInfo = this.meter.report(Date.now(), this.publisher.stats());
    this.emit('netstatus', { info });
  }

  private async teardown(): Promise<void> {
    this.bgm.stop();
    if (this.netTimer) clearInterval(this.netTimer);
    this.netTimer = undefined;
    this.adaptation.stop();
    const publisher = this.publisher;
    const pipeline = this.pipeline;
    this.publisher = undefined;
    this.pipeline = undefined;
    this.state = 'idle';
    this.heldBy = new Set();
    this.meter = undefined;
    await Promise.all([publisher?.close(), pipeline?.close()]);
  }
}
