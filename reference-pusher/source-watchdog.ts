// The camera watchdog: a camera whose frames end or stall while the encoder keeps running (the
// microphone still feeds it) leaves a push without pictures that no process exit reports. The
// pusher notices the silence itself: once the encoder has produced video, no video for
// frameStallMs() is a failure of the video encoder generation, reported and restarted like an
// encoder death (1104; -1303 once the restart budget is spent: encoder-supervisor.ts).
// Spec: live-pusher.zh.md 状态码 1104 (视频编码失败, 内部会重启编码器), -1303 (视频编码失败).
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

/**
 * Watches the 'video' events of one encoder generation: armed by its first video packet,
 * re-armed by each one; after `limitMs` without one, calls `onStall` once. The timer does not
 * keep the process alive, and stops with the pipeline's 'died' or `stop()`.
 */
export function watchFrames(pipeline: EventEmitter, limitMs: number, onStall: (err: FramesStalledError) => void): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    if (timer) clearTimeout(timer);
    pipeline.off('video', onVideo);
  };
  function onVideo(): void {
    if (stopped) return;
    if (timer) {
      timer.refresh();
      return;
    }
    timer = setTimeout(() => {
      stop();
      onStall(new FramesStalledError(limitMs));
    }, limitMs);
    timer.unref();
  }
  pipeline.on('video', onVideo);
  pipeline.once('died', stop);
  return { stop };
}
