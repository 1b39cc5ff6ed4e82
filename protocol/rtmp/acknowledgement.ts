// Acknowledgement bookkeeping (Adobe RTMP spec §5.4.3/§5.4.4): once the peer set a window with
// Window Acknowledgement Size, the receiver sends an Acknowledgement carrying the number of bytes
// received so far each time another window's worth has arrived. Pure counting, no I/O.
import { TIMESTAMP_MODULO } from './constants.ts';

/** Sequence numbers are 32-bit and wrap, like timestamps. */
const SEQUENCE_MODULO = TIMESTAMP_MODULO;

export class AcknowledgementTracker {
  private window = 0;
  private total = 0;
  private lastAcked = 0;

  /** Window in effect (0: the peer never asked for acknowledgements). */
  get windowSize(): number {
    return this.window;
  }

  /** Bytes received so far (not wrapped). */
  get bytesReceived(): number {
    return this.total;
  }

  setWindowSize(size: number): void {
    this.window = size;
  }

  /** Counts received bytes. Returns the sequence number to acknowledge when an ack is due. */
  received(byteCount: number): number | undefined {
    this.total += byteCount;
    if (this.window <= 0 || this.total - this.lastAcked < this.window) return undefined;
    this.lastAcked = this.total;
    return this.total % SEQUENCE_MODULO;
  }
}
