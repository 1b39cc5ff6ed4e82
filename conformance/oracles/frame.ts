// Decoded video frames as the oracles hold them (rgb24, row-major), and an incremental
// reader of ffmpeg's `-f image2pipe -c:v ppm` output (each frame self-describes its size, so a
// mid-stream resolution change is read correctly).
export interface RgbFrame {
  width: number;
  height: number;
  /** rgb24, row-major, width*height*3 bytes. */
  data: Uint8Array;
  /** Presentation time in the stream's timeline, ms (NaN when unknown). */
  ptsMs: number;
  /** Wall time (epoch ms) the reader had the decoded frame; NaN for frames not read live. Checks
   *  of runtime changes line frames up with the calls they made by it. */
  receivedAt: number;
  /** Wall time (epoch ms) the frame's packet arrived from the server (the observer matches it by
   *  presentation time); absent when unknown. Unlike receivedAt, free of decoder delay. */
  arrivedAtMs?: number;
}

const PPM_MAGIC = 'P6';
const PPM_HEADER_FIELDS = 4;
const MAX_HEADER_BYTES = 64;
const RGB_BYTES = 3;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Splits a byte stream of concatenated binary PPM (P6, maxval 255) images into frames. */
export class PpmStreamReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly frames: { width: number; height: number; data: Uint8Array; receivedAt: number }[] = [];

  /** Chunks not yet joined onto `pending` (joined once a whole frame may be there). */
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  /** Bytes the frame at the head of `pending` needs in all (0: header not read yet). */
  private needed = 0;

  feed(chunk: Buffer): void {
    this.queued.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.needed > 0 && this.pending.length + this.queuedBytes < this.needed) return;
    this.pending = Buffer.concat([this.pending, ...this.queued]);
    this.queued = [];
    this.queuedBytes = 0;
    for (;;) {
      this.needed = 0;
      const header = this.parseHeader();
      if (!header) return;
      const size = header.width * header.height * RGB_BYTES;
      this.needed = header.length + size;
      if (this.pending.length < header.length + size) return;
      const data = new Uint8Array(size);
      data.set(this.pending.subarray(header.length, header.length + size));
      this.frames.push({ width: header.width, height: header.height, data, receivedAt: Date.now() });
      this.pending = this.pending.subarray(header.length + size);
    }
  }

  /** Frames read so far (removed from the reader). */
  take(): { width: number; height: number; data: Uint8Array; receivedAt: number }[] {
    return this.frames.splice(0, this.frames.length);
  }

  /** Bytes left over that do not form a whole frame. */
  get leftover(): number {
    return this.pending.length + this.queuedBytes;
  }

  private parseHeader(): { width: number; height: number; length: number } | null {
    const fields: string[] = [];
    let i = 0;
    const limit = Math.min(this.pending.length, MAX_HEADER_BYTES);
    while (fields.length < PPM_HEADER_FIELDS) {
      while (i < limit && isSpace(this.pending[i]!)) i++;
      const start = i;
      while (i < limit && !isSpace(this.pending[i]!)) i++;
      if (i >= limit) {
        if (limit === MAX_HEADER_BYTES) throw new Error('ppm stream: header too long');
        return null;
      }
      fields.push(this.pending.toString('ascii', start, i));
    }
    const [magic, w, h, maxval] = fields;
    if (magic !== PPM_MAGIC || maxval !== '255') throw new Error(`ppm stream: unsupported header ${fields.join(' ')}`);
    const width = Number(w);
    const height = Number(h);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new Error(`ppm stream: bad size ${w}x${h}`);
    }
    return { width, height, length: i + 1 };
  }
}
