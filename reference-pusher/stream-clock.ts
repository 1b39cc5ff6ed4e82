// The stream clock: RTMP timestamps of one push continue across encoder restarts (setData,
// pause/resume, switchCamera, a crashed encoder), so the pushed stream never goes back in time.
// Spec: live-pusher.zh.md (通用属性: attributes change while pushing; 状态码 1104: 内部会重启编码器).

const MS_PER_SECOND = 1000;

export class StreamClock {
  private base = 0;
  private last = -1;

  /** A new push starts at 0. */
  reset(): void {
    this.base = 0;
    this.last = -1;
  }

  /** A new encoder starts one frame interval (at `fps`) after the last timestamp sent. */
  rebase(fps: number): void {
    this.base = this.last < 0 ? 0 : this.last + Math.round(MS_PER_SECOND / fps);
  }

  /** The stream time of an encoder timestamp `ts` (ms since that encoder started). */
  time(ts: number): number {
    const out = this.base + ts;
    if (out > this.last) this.last = out;
    return out;
  }

  /** The latest stream time handed out, or -1 before any. */
  get lastTimestamp(): number {
    return this.last;
  }
}
