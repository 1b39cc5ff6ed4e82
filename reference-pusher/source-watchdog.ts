// The camera watchdog: a camera whose frames end or stall while the encoder keeps running (the
// microphone still feeds it) leaves a push without pictures that no process exit reports. The
// pusher notices the silence itself: once the encoder has produced video, no video for
// frameStallMs() is a failure of the video encoder generation, reported and restarted like an
// encoder death (1104; -1303 once the restart budget is spent: encoder-supervisor.ts).
// The audio watchdog does the same for the encoded audio: a microphone whose samples end while
// the camera goes on leaves a push without sound; no audio for audioStallMs() once audio flowed
// is a failure of the audio side of the generation, restarted without a code (the spec has no
// "audio encoder restarting" code; 1104 names the video encoder) until the budget is spent, then
// -1304 (encoder-supervisor.ts).
// Spec: live-pusher.zh.md 状态码 1104 (视频编码失败, 内部会重启编码器), -1303 (视频编码失败),
// -1304 (音频编码失败).
import type { EventEmitter } from 'node:events';

/** The least silence that counts as a stall: well above any encoder hiccup on a loaded machine. */
export const FRAME_STALL_MIN_MS = 3000;
/** At low frame rates, this many frame intervals without a frame count as a stall. */
export const FRAME_STALL_INTERVALS = 4;
const MS_PER_S = 1000;

/** How long without video is a stall at `fps`. */
export function frameStallMs(fps: number): number {
  return Math.max(FRAME_STALL_MIN_MS, Math.round((FRAME_STALL_INTERVALS * MS_PER_S) / fps));
}

/** The error a stall is reported with (its first line is the status message's cause). */
export class FramesStalledError extends Error {
  constructor(readonly silentMs: number) {
    super(`the camera delivered no frame for ${silentMs} ms`);
    this.name = 'FramesStalledError';
  }
}

/** The least silence of the encoded audio that counts as a stall (AAC packets come every
 *  ~21-128 ms at the spec's sample rates): as the camera's floor, well above any hiccup. */
export const AUDIO_STALL_MS = 3000;

/** The error an audio stall is reported with (its first line is the status message's cause). */
export class AudioStalledError extends Error {
  constructor(readonly silentMs: number) {
    super(`the microphone's audio stopped: no encoded audio for ${silentMs} ms`);
    this.name = 'AudioStalledError';
  }
}

/**
 * Watches the `event` ('video' or 'audio') events of one encoder generation: armed by the first
 * one, re-armed by each; after `limitMs` without one, calls `onStall` once with `stalled()`. The
 * timer does not keep the process alive, and stops with the pipeline's 'died' or `stop()`.
 */
function watchPackets<E extends Error>(pipeline: EventEmitter, event: 'video' | 'audio', limitMs: number, stalled: () => E, onStall: (err: E) => void): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    if (timer) clearTimeout(timer);
    pipeline.off(event, onPacket);
  };
  function onPacket(): void {
    if (stopped) return;
    if (timer) {
      timer.refresh();
      return;
    }
    timer = setTimeout(() => {
      stop();
      onStall(stalled());
    }, limitMs);
    timer.unref();
  }
  pipeline.on(event, onPacket);
  pipeline.once('died', stop);
  return { stop };
}

/** The camera watchdog: 'video' events, FramesStalledError after `limitMs` without one. */
export function watchFrames(pipeline: EventEmitter, limitMs: number, onStall: (err: FramesStalledError) => void): { stop(): void } {
  return watchPackets(pipeline, 'video', limitMs, () => new FramesStalledError(limitMs), onStall);
}

/** The audio watchdog: 'audio' events, AudioStalledError after `limitMs` without one. */
export function watchAudio(pipeline: EventEmitter, limitMs: number, onStall: (err: AudioStalledError) => void): { stop(): void } {
  return watchPackets(pipeline, 'audio', limitMs, () => new AudioStalledError(limitMs), onStall);
}
