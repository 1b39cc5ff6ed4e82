// Background music (BGM): what playBGM / pauseBGM / resumeBGM / stopBGM / setBGMVolume do to
// the state of the music, its position on the wall clock and the bgmstart / bgmprogress /
// bgmcomplete events. The music itself is mixed into the stream by the media pipeline, which
// opens the file (or http(s) URL) as a second audio input from the current position
// (bgmInput()). A URL that cannot be read is a load failure: errCode 10003, the push goes on.
// Spec: live-pusher.zh.md 事件 (bindbgmstart, bindbgmprogress detail = {progress, duration},
// bindbgmcomplete), 错误码 10003 背景音资源（BGM）加载失败; context-api.md playBGM
// {url, startTimeMs?, endTimeMs?}, setBGMVolume {volume} typed string 0-1.
import { EventEmitter } from 'node:events';
import { ffprobePath } from '../adapters/ffmpeg.ts';
import { runToCompletion } from '../adapters/process/run-to-completion.ts';

/** bgmprogress is reported this often while the music plays (ms). The spec gives no rate. */
export const BGM_PROGRESS_INTERVAL_MS = 500;
/** How long loading (probing) the music may take before it is a load failure. */
const PROBE_TIMEOUT_MS = 5_000;

/** What the pipeline mixes in: the music from `fromMs` to `toMs` of the media, at `volume`. */
export interface BgmInput {
  url: string;
  fromMs: number;
  toMs: number;
  volume: number;
}

/** playBGM's arguments could not be used (the call's fail); `loadFailed` is errCode 10003. */
export class BgmError extends Error {
  constructor(
    message: string,
    readonly loadFailed: boolean,
  ) {
    super(message);
    this.name = 'BgmError';
  }
}

function nonNegativeInteger(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new BgmError(`${name}: ${JSON.stringify(v)} is not legal; expected an integer number of milliseconds >= 0`, false);
  return v;
}

/** setBGMVolume's volume: a string (context-api.md), numeric value 0-1. */
export function parseBgmVolume(v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (typeof v !== 'string' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new BgmError(`volume: ${JSON.stringify(v)} is not legal; expected a string holding a number from 0 to 1 (e.g. "0.5")`, false);
  }
  return n;
}

/** The media's duration in ms, read by ffprobe; throws BgmError(loadFailed) when it cannot be read. */
async function probeDurationMs(url: string): Promise<number> {
  let out: string;
  try {
    const { stdout } = await runToCompletion({
      name: 'ffprobe bgm',
      command: ffprobePath(),
      args: ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', url],
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    out = stdout.toString('utf8');
  } catch (err) {
    throw new BgmError(`cannot load ${url}: ${(err as Error).message.split('\n').slice(-2).join(' ').trim()}`, true);
  }
  const parsed = JSON.parse(out) as { streams?: { codec_type?: string }[]; format?: { duration?: string } };
  const seconds = Number(parsed.format?.duration);
  if (!parsed.streams?.some((s) => s.codec_type === 'audio')) throw new BgmError(`cannot load ${url}: it holds no audio stream`, true);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new BgmError(`cannot load ${url}: its duration cannot be read`, true);
  return Math.round(seconds * 1000);
}

type BgmState = 'idle' | 'playing' | 'paused';

/**
 * Events: 'start' (bgmstart), 'progress' ({progress, duration} in ms: the position in the media
 * and the media's length), 'complete' (bgmcomplete: the end of the range was reached).
 * Each method returns true when what the pipeline must mix changed.
 */
export interface BgmProgress {
  progress: number;
  duration: number;
}

export interface BgmPlayerEvents {
  start: [Record<string, never>];
  progress: [BgmProgress];
  complete: [Record<string, never>];
}

export class BgmPlayer extends EventEmitter<BgmPlayerEvents> {
  private state: BgmState = 'idle';
  private url = '';
  private durationMs = 0;
  private endMs = 0;
  /** Position in the media (ms) at `anchorAt` (wall clock) while playing, or where it paused. */
  private positionMs = 0;
  private anchorAt = 0;
  private volume = 1;
  /** True from input() until produced(): the music's clock stands while the encoder restarts. */
  private held = false;
  private progressTimer: NodeJS.Timeout | undefined;
  private endTimer: NodeJS.Timeout | undefined;

  /** Loads the music and starts it; throws BgmError (loadFailed: 10003) when it cannot. */
  async play(args: { url?: unknown; startTimeMs?: unknown; endTimeMs?: unknown }): Promise<void> {
    if (typeof args.url !== 'string' || args.url.trim() === '') throw new BgmError(`url: ${JSON.stringify(args.url)} is not legal; expected the path or http(s) URL of an audio file`, false);
    const start = nonNegativeInteger('startTimeMs', args.startTimeMs) ?? 0;
    const end = nonNegativeInteger('endTimeMs', args.endTimeMs);
    if (end !== undefined && end <= start) throw new BgmError(`endTimeMs: ${end} is not legal; expected more than startTimeMs (${start})`, false);
    const duration = await probeDurationMs(args.url);
    if (start >= duration) throw new BgmError(`startTimeMs: ${start} is not legal; the music lasts ${duration} ms`, false);
    this.clearTimers();
    this.url = args.url;
    this.durationMs = duration;
    this.endMs = Math.min(end ?? duration, duration);
    this.positionMs = start;
    this.run();
    this.emit('start', {});
  }

  pause(): boolean {
    if (this.state !== 'playing') return false;
    this.positionMs = this.position();
    this.state = 'paused';
    this.clearTimers();
    return true;
  }

  resume(): boolean {
    if (this.state !== 'paused') return false;
    this.run();
    return true;
  }

  stop(): boolean {
    const was = this.state;
    this.state = 'idle';
    this.clearTimers();
    return was === 'playing';
  }

  setVolume(volume: number): boolean {
    this.volume = volume;
    return this.state === 'playing';
  }

  /** The music to mix now, or null. */
  input(): BgmInput | null {
    if (this.state !== 'playing') return null;
    this.positionMs = Math.round(this.position());
    this.clearTimers();
    this.held = true;
    return { url: this.url, fromMs: this.positionMs, toMs: this.endMs, volume: this.volume };
  }

  /** The pipeline given the last input() now produces it: the music's clock runs again from
   *  that input's start (an encoder restart takes a while; the stream, not the call, is the truth). */
  produced(): void {
    if (this.state !== 'playing' || !this.held) return;
    this.run();
  }

  dispose(): void {
    this.stop();
    this.removeAllListeners();
  }

  private position(): number {
    return this.state === 'playing' && !this.held ? Math.min(this.endMs, this.positionMs + (Date.now() - this.anchorAt)) : this.positionMs;
  }

  private run(): void {
    this.state = 'playing';
    this.held = false;
    this.anchorAt = Date.now();
    this.progressTimer = setInterval(() => this.emit('progress', { progress: Math.round(this.position()), duration: this.durationMs }), BGM_PROGRESS_INTERVAL_MS);
    this.endTimer = setTimeout(() => this.finish(), Math.max(0, this.endMs - this.positionMs));
  }

  private finish(): void {
    this.positionMs = this.endMs;
    this.emit('progress', { progress: this.endMs, duration: this.durationMs });
    this.stop();
    this.emit('complete', {});
  }

  private clearTimers(): void {
    if (this.progressTimer) clearInterval(this.progressTimer);
    if (this.endTimer) clearTimeout(this.endTimer);
    this.progressTimer = undefined;
    this.endTimer = undefined;
  }
}
