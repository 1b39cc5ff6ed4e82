// Round trips of the pushed bytes, timed by the server's RTMP Acknowledgements (Adobe RTMP spec
// §5.4.3: once the pusher set a window with Window Acknowledgement Size, the server acknowledges
// each window's worth with the count of bytes it received so far). The session notes when each
// message's last byte went into the socket (its offset in the connection's byte count); an
// acknowledgement of N bytes arriving dates the round trip of byte N. netJitter (live-pusher.zh.md
// 网络状态数据（info） 网络抖动情况) is the mean change between consecutive round trips (the
// interarrival-jitter idea of RFC 3550 §6.4.1, unsmoothed), in ms. Pure: time comes in. Sequence
// numbers wrap at 4 GiB; a push's connection is not expected to carry that much.

/** The window the pusher asks for: an acknowledgement per 16 KiB, several a second at any
 *  bitrate the spec's presets use (200 kbps: 1.5 per second). */
export const ACK_WINDOW_BYTES = 16 * 1024;
/** Flush marks kept for acknowledgements still to come (a server that never acks keeps none long). */
const MAX_MARKS = 4096;

export interface RoundTripJitter {
  /** Sum of |round trip − previous round trip| over the samples so far, ms. */
  sumMs: number;
  /** How many such differences (round trips − 1). */
  count: number;
}

export class AckRoundTrips {
  private marks: { end: number; at: number }[] = [];
  private last: number | undefined;
  private diffSum = 0;
  private diffs = 0;

  /** The connection's bytes up to `end` (its byte count, handshake included) left for the socket at `at`. */
  flushed(end: number, at: number): void {
    this.marks.push({ end, at });
    if (this.marks.length > MAX_MARKS) this.marks.shift();
  }

  /** The server acknowledged `sequence` bytes at `at`: the round trip of that byte (ms), or
   *  undefined when no flush mark covers it. */
  acknowledged(sequence: number, at: number): number | undefined {
    const i = this.marks.findIndex((m) => m.end >= sequence);
    if (i < 0) return undefined;
    const rtt = Math.max(0, at - this.marks[i]!.at);
    this.marks.splice(0, i);
    if (this.last !== undefined) {
      this.diffSum += Math.abs(rtt - this.last);
      this.diffs += 1;
    }
    this.last = rtt;
    return rtt;
  }

  get jitter(): RoundTripJitter {
    return { sumMs: this.diffSum, count: this.diffs };
  }
}
