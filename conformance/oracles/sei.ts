// SEI messages in a live H.264 stream, read by an independent ffmpeg on its own connection to
// the server: the video is copied to an Annex B byte stream (h264_mp4toannexb), split into NAL
// units, and every SEI of type user_data_unregistered (ITU-T H.264 D.1.7: a 16-byte UUID, then
// the data) is kept with the wall time its bytes reached the reader, in stream order. The
// parsing below is pure and independent of the reference pusher's own code.
// Spec: context-api.md sendMessage ({msg}; carried in-band as an SEI message).
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { SupervisedProcess } from '../../adapters/process/supervised.ts';

export interface SeiMessage {
  /** The 16-byte UUID, as hex. */
  uuid: string;
  /** The bytes after the UUID. */
  data: Uint8Array;
  /** Wall time (epoch ms) the NAL unit's last byte reached the reader. */
  at: number;
}

const NAL_TYPE_SEI = 6;
const NAL_TYPE_MASK = 0x1f;
const SEI_USER_DATA_UNREGISTERED = 5;
const UUID_BYTES = 16;
const RBSP_STOP_BIT = 0x80;
const US_PER_MS = 1000;
/** The reader gives up on a server that sends nothing for this long. */
const READ_TIMEOUT_MS = 10_000;
/** Input analysis kept short (the stream is known to carry H.264), so bytes flow at once; each
 *  packet is written out as it is copied (-flush_packets), so arrival times are live. */
const ANALYZE_US = 500_000;

/** Removes emulation-prevention bytes (the 0x03 after two zero bytes). */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const b of nal) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The user_data_unregistered payloads of one SEI NAL unit (header byte included), in order. */
export function parseSeiNal(nal: Uint8Array): { uuid: string; data: Uint8Array }[] {
  if (nal.length < 2 || (nal[0]! & NAL_TYPE_MASK) !== NAL_TYPE_SEI) return [];
  const rbsp = unescapeRbsp(nal.subarray(1));
  const out: { uuid: string; data: Uint8Array }[] = [];
  let i = 0;
  // sei_message()s until the rbsp trailing bits (0x80 as the last byte).
  while (i < rbsp.length && !(rbsp[i] === RBSP_STOP_BIT && i === rbsp.length - 1)) {
    let type = 0;
    while (rbsp[i] === 0xff) {
      type += 0xff;
      i++;
    }
    type += rbsp[i++] ?? 0;
    let size = 0;
    while (rbsp[i] === 0xff) {
      size += 0xff;
      i++;
    }
    size += rbsp[i++] ?? 0;
    if (i + size > rbsp.length) break;
    if (type === SEI_USER_DATA_UNREGISTERED && size >= UUID_BYTES) {
      out.push({ uuid: hex(rbsp.subarray(i, i + UUID_BYTES)), data: rbsp.slice(i + UUID_BYTES, i + size) });
    }
    i += size;
  }
  return out;
}

/** Splits an Annex B byte stream into NAL units as bytes arrive; a NAL unit is complete when
 *  the next start code is seen (or at end()). */
export class AnnexBSeiReader {
  private pending = Buffer.alloc(0);
  private readonly found: SeiMessage[] = [];

  feed(chunk: Buffer, at = Date.now()): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    const starts = startCodes(this.pending);
    // Every NAL unit between two start codes is complete.
    for (let k = 0; k + 1 < starts.length; k++) this.take(this.pending.subarray(starts[k]!.payload, starts[k + 1]!.at), at);
    if (starts.length > 0) this.pending = this.pending.subarray(starts[starts.length - 1]!.at);
  }

  /** The stream ended: the last NAL unit is complete too. */
  end(at = Date.now()): void {
    const starts = startCodes(this.pending);
    if (starts.length > 0) this.take(this.pending.subarray(starts[0]!.payload), at);
    this.pending = Buffer.alloc(0);
  }

  messages(): SeiMessage[] {
    return [...this.found];
  }

  private take(nal: Uint8Array, at: number): void {
    for (const m of parseSeiNal(nal)) this.found.push({ ...m, at });
  }
}

/** Positions of the start codes (00 00 01, or 00 00 00 01) and of the NAL unit after each. */
function startCodes(b: Buffer): { at: number; payload: number }[] {
  const out: { at: number; payload: number }[] = [];
  for (let i = 0; i + 2 < b.length; i++) {
    if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1) {
      const at = i > 0 && b[i - 1] === 0 ? i - 1 : i;
      out.push({ at, payload: i + 3 });
      i += 2;
    }
  }
  return out;
}

/** ffmpeg arguments that copy `input`'s first video stream out as an H.264 Annex B stream. */
export function annexBArgs(input: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-rw_timeout', String(READ_TIMEOUT_MS * US_PER_MS),
    '-analyzeduration', String(ANALYZE_US), '-i', input,
    '-map', '0:v:0', '-c', 'copy', '-bsf:v', 'h264_mp4toannexb', '-flush_packets', '1', '-f', 'h264', 'pipe:1',
  ];
}

/** A running reader: stop() ends it and returns every user_data_unregistered SEI it saw. */
export interface SeiWatch {
  stop(): Promise<SeiMessage[]>;
}

/** Starts reading a live stream's SEI messages (or a finite input's, then stop() at its end). */
export async function watchSeiMessages(input: string): Promise<SeiWatch> {
  const reader = new AnnexBSeiReader();
  const proc = await SupervisedProcess.start({ name: 'ffmpeg SEI reader', command: ffmpegPath(), args: annexBArgs(input), stdin: false, stdoutMode: 'raw' });
  proc.stdout.on('data', (chunk: Buffer) => reader.feed(chunk));
  return {
    async stop() {
      await proc.close();
      reader.end();
      return reader.messages();
    },
  };
}
