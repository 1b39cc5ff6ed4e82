// RTMP chunk stream writer (Adobe RTMP spec §5.3): splits messages into chunks of the current
// outgoing chunk size. Header compression per chunk stream: fmt 0 for the first message or a
// change of message stream (or a timestamp going backwards), fmt 1 when length or type change,
// fmt 2 when only the timestamp delta changes, fmt 3 when every field repeats and for
// continuation chunks. Timestamps (or deltas) >= 0xFFFFFF go in an extended timestamp, which
// is repeated on the fmt 3 chunks that follow. fmt 3 is never used for a new message right
// after a fmt 0 header (readers disagree on what delta that implies).
import { ProtocolError } from '../errors.ts';
import { writeU24BE, writeU32BE, writeU32LE } from './bytes.ts';
import {
  CHUNK_FMT_SHIFT,
  ChunkFmt,
  CSID_MARKER_2BYTE,
  CSID_MARKER_3BYTE,
  CSID_MAX,
  CSID_MIN,
  CSID_ONE_BYTE_MAX,
  CSID_TWO_BYTE_BASE,
  CSID_TWO_BYTE_MAX,
  DEFAULT_CHUNK_SIZE,
  EXTENDED_TIMESTAMP_MARKER,
  EXTENDED_TIMESTAMP_SIZE,
  MAX_MESSAGE_LENGTH_FIELD,
  MESSAGE_HEADER_SIZE,
  TIMESTAMP_MODULO,
} from './constants.ts';
import { isValidChunkSize } from './control.ts';
import type { RtmpMessage } from './message.ts';

interface WriterStreamState {
  timestamp: number;
  timestampField: number;
  /** The last header written carried a delta (fmt 1/2), so fmt 3 can repeat it. */
  hasDelta: boolean;
  extended: boolean;
  length: number;
  typeId: number;
  streamId: number;
}

const BYTE = 0xff;
const BITS_PER_BYTE = 8;

export function basicHeaderSize(chunkStreamId: number): number {
  if (chunkStreamId <= CSID_ONE_BYTE_MAX) return 1;
  if (chunkStreamId <= CSID_TWO_BYTE_MAX) return 2;
  return 3;
}

function writeBasicHeader(out: Uint8Array, o: number, fmt: ChunkFmt, csid: number): number {
  const top = fmt << CHUNK_FMT_SHIFT;
  if (csid <= CSID_ONE_BYTE_MAX) {
    out[o] = top | csid;
    return o + 1;
  }
  const rel = csid - CSID_TWO_BYTE_BASE;
  if (csid <= CSID_TWO_BYTE_MAX) {
    out[o] = top | CSID_MARKER_2BYTE;
    out[o + 1] = rel;
    return o + 2;
  }
  out[o] = top | CSID_MARKER_3BYTE;
  out[o + 1] = rel & BYTE;
  out[o + 2] = rel >>> BITS_PER_BYTE;
  return o + 3;
}

export class ChunkWriter {
  private chunkSizeValue: number;
  private readonly streams = new Map<number, WriterStreamState>();

  constructor(chunkSize: number = DEFAULT_CHUNK_SIZE) {
    if (!isValidChunkSize(chunkSize)) throw new ProtocolError('rtmp-chunk', `invalid chunk size ${chunkSize}`);
    this.chunkSizeValue = chunkSize;
  }

  /** Outgoing chunk size now in effect. */
  get chunkSize(): number {
    return this.chunkSizeValue;
  }

  /** Switches the outgoing chunk size; call right after writing the Set Chunk Size message. */
  setChunkSize(chunkSize: number): void {
    if (!isValidChunkSize(chunkSize)) throw new ProtocolError('rtmp-chunk', `invalid chunk size ${chunkSize}`);
    this.chunkSizeValue = chunkSize;
  }

  /** Forgets a chunk stream's header state (after an Abort): its next message uses fmt 0. */
  reset(chunkStreamId: number): void {
    this.streams.delete(chunkStreamId);
  }

  /** Encodes one message into chunks. */
  write(msg: RtmpMessage): Uint8Array {
    const { chunkStreamId: csid, timestamp, typeId, streamId, payload } = msg;
    if (!Number.isInteger(csid) || csid < CSID_MIN || csid > CSID_MAX) {
      throw new ProtocolError('rtmp-chunk', `chunk stream id ${csid} outside ${CSID_MIN}..${CSID_MAX}`);
    }
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp >= TIMESTAMP_MODULO) {
      throw new ProtocolError('rtmp-chunk', `timestamp ${timestamp} is not a 32-bit unsigned integer`);
    }
    if (payload.length > MAX_MESSAGE_LENGTH_FIELD) {
      throw new ProtocolError('limit', `message of ${payload.length} bytes exceeds the ${MAX_MESSAGE_LENGTH_FIELD}-byte length field`);
    }
    const prev = this.streams.get(csid);
    let fmt: ChunkFmt;
    let field: number;
    if (prev === undefined || prev.streamId !== streamId || timestamp < prev.timestamp) {
      fmt = ChunkFmt.Full;
      field = timestamp;
    } else {
      field = timestamp - prev.timestamp;
      if (payload.length !== prev.length || typeId !== prev.typeId) fmt = ChunkFmt.SameStream;
      else if (!prev.hasDelta || field !== prev.timestampField) fmt = ChunkFmt.TimestampDelta;
      else fmt = ChunkFmt.Continuation;
    }
    const extended = fmt === ChunkFmt.Continuation ? prev!.extended : field >= EXTENDED_TIMESTAMP_MARKER;
    const basic = basicHeaderSize(csid);
    const ext = extended ? EXTENDED_TIMESTAMP_SIZE : 0;
    const chunks = Math.max(1, Math.ceil(payload.length / this.chunkSizeValue));
    const out = new Uint8Array(basic + MESSAGE_HEADER_SIZE[fmt] + ext + (chunks - 1) * (basic + ext) + payload.length);
    let o = writeBasicHeader(out, 0, fmt, csid);
    if (fmt !== ChunkFmt.Continuation) {
      writeU24BE(out, o, extended ? EXTENDED_TIMESTAMP_MARKER : field);
      o += 3;
      if (fmt !== ChunkFmt.TimestampDelta) {
        writeU24BE(out, o, payload.length);
        out[o + 3] = typeId;
        o += 4;
        if (fmt === ChunkFmt.Full) {
          writeU32LE(out, o, streamId);
          o += 4;
        }
      }
    }
    if (extended) {
      writeU32BE(out, o, field);
      o += EXTENDED_TIMESTAMP_SIZE;
    }
    let p = 0;
    for (let i = 0; i < chunks; i++) {
      if (i > 0) {
        o = writeBasicHeader(out, o, ChunkFmt.Continuation, csid);
        if (extended) {
          writeU32BE(out, o, field);
          o += EXTENDED_TIMESTAMP_SIZE;
        }
      }
      const take = Math.min(this.chunkSizeValue, payload.length - p);
      out.set(payload.subarray(p, p + take), o);
      o += take;
      p += take;
    }
    this.streams.set(csid, {
      timestamp,
      timestampField: field,
      hasDelta: fmt !== ChunkFmt.Full,
      extended,
      length: payload.length,
      typeId,
      streamId,
    });
    return out;
  }
}
