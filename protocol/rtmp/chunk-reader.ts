// RTMP chunk stream reader (Adobe RTMP spec §5.3): reassembles messages from interleaved chunk
// streams. Basic header fmt 0-3 with 1/2/3-byte chunk stream ids, message headers with absolute
// timestamps (fmt 0) or deltas (fmt 1/2/3), extended timestamps (also on fmt 3 chunks that
// follow a header which used one), Set Chunk Size (§5.4.1) and Abort (§5.4.2) applied as soon as
// they are read, so they take effect mid-stream. Resumable: any split of the input gives the
// same messages. Payload bytes are streamed into per-stream parts, so memory is bounded by the
// input actually received and by maxMessageLength.
import { ProtocolError } from '../errors.ts';
import { concatBytes, readU24BE, readU32BE, readU32LE } from './bytes.ts';
import {
  CHUNK_CSID_MASK,
  CHUNK_FMT_SHIFT,
  ChunkFmt,
  CONTROL_STREAM_ID,
  CSID_MARKER_2BYTE,
  CSID_MARKER_3BYTE,
  CSID_TWO_BYTE_BASE,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_MESSAGE_LENGTH,
  EXTENDED_TIMESTAMP_MARKER,
  EXTENDED_TIMESTAMP_SIZE,
  MESSAGE_HEADER_SIZE,
  MessageType,
  TIMESTAMP_MODULO,
} from './constants.ts';
import type { RtmpMessage } from './message.ts';
import { decodeSetChunkSize, decodeAbort } from './control.ts';

export interface ChunkReaderOptions {
  /** Messages longer than this are refused with ProtocolError('limit'). Default 16 MiB. */
  maxMessageLength?: number;
  /** Initial incoming chunk size (default 128). */
  chunkSize?: number;
}

/** Per chunk stream state: the last header seen and the message being reassembled. */
interface ChunkStreamState {
  timestamp: number;
  /** Value of the last 24-bit/extended timestamp field (fmt 0: absolute; fmt 1/2: delta); fmt 3 new messages add it. */
  timestampField: number;
  /** The last fmt 0/1/2 header had an extended timestamp, so fmt 3 chunks carry one too. */
  extended: boolean;
  length: number;
  typeId: number;
  streamId: number;
  /** Payload received so far of the message in progress. */
  parts: Uint8Array[];
  received: number;
  inProgress: boolean;
}

type State = 'header' | 'payload';

const MAX_HEADER_BYTES = 3 + 11 + EXTENDED_TIMESTAMP_SIZE;

export class ChunkReader {
  private readonly maxMessageLength: number;
  private chunkSizeValue: number;
  private readonly streams = new Map<number, ChunkStreamState>();
  private state: State = 'header';
  /** Header bytes of the chunk being parsed (basic + message header + extended timestamp). */
  private readonly header = new Uint8Array(MAX_HEADER_BYTES);
  private headerLength = 0;
  /** Current chunk: its stream and how many payload bytes remain in it. */
  private current: ChunkStreamState | undefined;
  private currentCsid = 0;
  private chunkRemaining = 0;
  /** Total bytes consumed, for error offsets. */
  private offset = 0;

  constructor(opts: ChunkReaderOptions = {}) {
    this.maxMessageLength = opts.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.chunkSizeValue = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  }

  /** Incoming chunk size now in effect. */
  get chunkSize(): number {
    return this.chunkSizeValue;
  }

  /** Total bytes consumed so far. */
  get bytesRead(): number {
    return this.offset;
  }

  /** Feeds bytes; returns every message completed by them, in order. */
  feed(bytes: Uint8Array): RtmpMessage[] {
    const out: RtmpMessage[] = [];
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      if (this.state === 'payload') {
        const take = Math.min(this.chunkRemaining, n - i);
        const s = this.current!;
        s.parts.push(bytes.slice(i, i + take));
        s.received += take;
        this.chunkRemaining -= take;
        i += take;
        this.offset += take;
        if (this.chunkRemaining === 0) this.endChunk(out);
        continue;
      }
      this.header[this.headerLength++] = bytes[i++]!;
      this.offset++;
      const need = this.headerNeeded();
      if (need !== undefined && this.headerLength === need) this.headerComplete(out);
    }
    return out;
  }

  /** Bytes of a complete chunk header given what has been read so far, or undefined while unknown. */
  private headerNeeded(): number | undefined {
    const h = this.header;
    const marker = h[0]! & CHUNK_CSID_MASK;
    const basic = marker === CSID_MARKER_2BYTE ? 2 : marker === CSID_MARKER_3BYTE ? 3 : 1;
    if (this.headerLength < basic) return undefined;
    const fmt = (h[0]! >>> CHUNK_FMT_SHIFT) as ChunkFmt;
    const base = basic + MESSAGE_HEADER_SIZE[fmt];
    if (fmt === ChunkFmt.Continuation) {
      const s = this.streams.get(this.csidFromHeader(basic));
      return s?.extended ? base + EXTENDED_TIMESTAMP_SIZE : base;
    }
    if (this.headerLength < base) return undefined;
    return readU24BE(h, basic) === EXTENDED_TIMESTAMP_MARKER ? base + EXTENDED_TIMESTAMP_SIZE : base;
  }

  private csidFromHeader(basic: number): number {
    const h = this.header;
    if (basic === 1) return h[0]! & CHUNK_CSID_MASK;
    if (basic === 2) return CSID_TWO_BYTE_BASE + h[1]!;
    return CSID_TWO_BYTE_BASE + h[1]! + (h[2]! << 8);
  }

  private headerComplete(out: RtmpMessage[]): void {
    const h = this.header;
    const marker = h[0]! & CHUNK_CSID_MASK;
    const basic = marker === CSID_MARKER_2BYTE ? 2 : marker === CSID_MARKER_3BYTE ? 3 : 1;
    const fmt = (h[0]! >>> CHUNK_FMT_SHIFT) as ChunkFmt;
    const csid = this.csidFromHeader(basic);
    const headerStart = this.offset - this.headerLength;
    this.headerLength = 0;
    let s = this.streams.get(csid);
    if (fmt !== ChunkFmt.Full && s === undefined) {
      throw new ProtocolError('rtmp-chunk', `fmt ${fmt} chunk on chunk stream ${csid} with no previous header`, headerStart);
    }
    if (fmt !== ChunkFmt.Continuation && s?.inProgress) {
      throw new ProtocolError('rtmp-chunk', `new message header on chunk stream ${csid} while a message is incomplete`, headerStart);
    }
    if (fmt === ChunkFmt.Continuation) {
      const st = s!;
      if (!st.inProgress) {
        // A new message with every header field repeated: add the last timestamp field again.
        const field = st.extended ? readU32BE(h, basic) : st.timestampField;
        st.timestampField = field;
        st.timestamp = (st.timestamp + field) % TIMESTAMP_MODULO;
        this.beginMessage(st, csid, headerStart);
      } else {
        this.current = st;
        this.currentCsid = csid;
      }
    } else {
      let field = readU24BE(h, basic);
      const extended = field === EXTENDED_TIMESTAMP_MARKER;
      if (extended) field = readU32BE(h, basic + MESSAGE_HEADER_SIZE[fmt]);
      if (s === undefined) {
        s = { timestamp: 0, timestampField: 0, extended: false, length: 0, typeId: 0, streamId: 0, parts: [], received: 0, inProgress: false };
        this.streams.set(csid, s);
      }
      s.extended = extended;
      s.timestampField = field;
      if (fmt === ChunkFmt.Full) {
        s.timestamp = field;
        s.streamId = readU32LE(h, basic + 7);
      } else {
        s.timestamp = (s.timestamp + field) % TIMESTAMP_MODULO;
      }
      if (fmt === ChunkFmt.Full || fmt === ChunkFmt.SameStream) {
        s.length = readU24BE(h, basic + 3);
        s.typeId = h[basic + 6]!;
      }
      this.beginMessage(s, csid, headerStart);
    }
    const st = this.current!;
    this.chunkRemaining = Math.min(this.chunkSizeValue, st.length - st.received);
    this.state = 'payload';
    if (this.chunkRemaining === 0) this.endChunk(out);
  }

  private beginMessage(s: ChunkStreamState, csid: number, headerStart: number): void {
    if (s.length > this.maxMessageLength) {
      throw new ProtocolError('limit', `message of ${s.length} bytes on chunk stream ${csid} exceeds ${this.maxMessageLength}`, headerStart);
    }
    s.inProgress = true;
    s.parts = [];
    s.received = 0;
    this.current = s;
    this.currentCsid = csid;
  }

  private endChunk(out: RtmpMessage[]): void {
    const s = this.current!;
    this.state = 'header';
    this.current = undefined;
    if (s.received < s.length) return;
    const payload = concatBytes(s.parts);
    s.parts = [];
    s.received = 0;
    s.inProgress = false;
    const msg: RtmpMessage = { chunkStreamId: this.currentCsid, timestamp: s.timestamp, typeId: s.typeId, streamId: s.streamId, payload };
    this.applyControl(msg);
    out.push(msg);
  }

  /** Set Chunk Size and Abort change how the following chunks are read, so they apply here. */
  private applyControl(msg: RtmpMessage): void {
    if (msg.streamId !== CONTROL_STREAM_ID) return;
    if (msg.typeId === MessageType.SetChunkSize) {
      this.chunkSizeValue = decodeSetChunkSize(msg.payload);
    } else if (msg.typeId === MessageType.Abort) {
      const s = this.streams.get(decodeAbort(msg.payload));
      if (s?.inProgress) {
        s.inProgress = false;
        s.parts = [];
        s.received = 0;
      }
    }
  }
}
