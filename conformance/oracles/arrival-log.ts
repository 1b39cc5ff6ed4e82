// When each byte of a stream arrived: the observer logs (cumulative byte offset, wall time) per
// chunk it reads from the puller, so a packet's byte position (ffprobe's pos) gives the wall
// time it reached the reader. Spec: the rates and netstatus checks judge on this wall clock
// (live-pusher.zh.md 通用属性 fps / min-bitrate / max-bitrate; netstatus).
export class ArrivalLog {
  /** Cumulative byte count after each chunk (strictly increasing). */
  private readonly ends: number[] = [];
  private readonly times: number[] = [];
  private total = 0;

  /** A chunk of `bytes` bytes arrived at `atMs` (epoch ms). Empty chunks are ignored. */
  record(bytes: number, atMs: number): void {
    if (!(bytes > 0)) return;
    this.total += bytes;
    this.ends.push(this.total);
    this.times.push(atMs);
  }

  /** Bytes logged so far. */
  get bytes(): number {
    return this.total;
  }

  /** Wall time the byte at `offset` (0-based) arrived; undefined past the end or before 0. */
  arrivalOf(offset: number): number | undefined {
    if (!(offset >= 0) || offset >= this.total) return undefined;
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! > offset) hi = mid;
      else lo = mid + 1;
    }
    return this.times[lo];
  }
}
