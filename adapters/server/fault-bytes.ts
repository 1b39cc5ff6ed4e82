// The malformed bytes of the fault scripts `malformed-chunk` and `bad-amf-reply`
// (fault-script.ts), made from protocol/rtmp's constants and codecs so that exactly one rule is
// broken: the chunk layer's (Adobe RTMP spec §5.3.1) or AMF0's. Pure: no socket. A client that
// meets them must fail the session as a read failure (live-pusher.zh.md 状态码 3005 读/写失败).
import { writeU24BE, writeU32BE, writeU32LE } from '../../protocol/rtmp/bytes.ts';
import type { ChunkWriter } from '../../protocol/rtmp/chunk-writer.ts';
import { CHUNK_FMT_SHIFT, ChunkFmt, MESSAGE_HEADER_SIZE, MessageType } from '../../protocol/rtmp/constants.ts';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';
import type { BadAmfVariant, MalformedChunkVariant } from './fault-script.ts';

/** Chunk streams the malformed chunks use: one-byte basic headers our writer never opens. */
export const ORPHAN_CSID = 60;
export const INTERLEAVED_CSID = 61;
/** Payload after the orphan continuation header (any bytes: the header alone is the fault). */
const ORPHAN_PAYLOAD_BYTES = 16;
/** Bytes cut from the end of a reply's AMF0 body for 'truncated' (inside its last value). */
export const AMF_TRUNCATE_BYTES = 5;
/** A type marker AMF0 does not define (0x00..0x10 are defined). */
export const UNKNOWN_AMF0_MARKER = 0x7f;
/** fmt 0 message header layout after a one-byte basic header. */
const FMT0_LENGTH_OFFSET = 4;
const FMT0_TYPE_OFFSET = 7;
const FMT0_STREAM_ID_OFFSET = 8;
const SET_CHUNK_SIZE_PAYLOAD_BYTES = 4;
const CONTROL_CSID = 2;

/** Bytes that break the chunk layer of a client that reads with the chunk size `writer` uses (the one we announced). */
export function malformedChunkBytes(variant: MalformedChunkVariant, writer: ChunkWriter, streamId: number): Uint8Array {
  switch (variant) {
    case 'orphan-continuation': {
      const out = new Uint8Array(1 + ORPHAN_PAYLOAD_BYTES);
      out[0] = (ChunkFmt.Continuation << CHUNK_FMT_SHIFT) | ORPHAN_CSID;
      return out;
    }
    case 'interleaved-header': {
      // A video message twice the chunk size: its first chunk leaves it incomplete, then a new
      // fmt 0 header arrives on the same chunk stream.
      const length = writer.chunkSize * 2;
      const header = fmt0Header(INTERLEAVED_CSID, length, streamId);
      const out = new Uint8Array(header.length * 2 + writer.chunkSize);
      out.set(header, 0);
      out.set(header, header.length + writer.chunkSize);
      return out;
    }
    case 'bad-chunk-size': {
      const payload = new Uint8Array(SET_CHUNK_SIZE_PAYLOAD_BYTES);
      writeU32BE(payload, 0, 0);
      return writer.write({ chunkStreamId: CONTROL_CSID, timestamp: 0, typeId: MessageType.SetChunkSize, streamId: 0, payload });
    }
  }
}

/** The reply message with its AMF0 body broken as `variant` says (framing untouched). */
export function badAmfMessage(variant: BadAmfVariant, reply: RtmpMessage): RtmpMessage {
  const body = reply.payload;
  if (variant === 'truncated') return { ...reply, payload: body.subarray(0, Math.max(1, body.length - AMF_TRUNCATE_BYTES)) };
  const payload = new Uint8Array(body.length + 1);
  payload.set(body, 0);
  payload[body.length] = UNKNOWN_AMF0_MARKER;
  return { ...reply, payload };
}

function fmt0Header(csid: number, length: number, streamId: number): Uint8Array {
  const h = new Uint8Array(1 + MESSAGE_HEADER_SIZE[ChunkFmt.Full]);
  h[0] = (ChunkFmt.Full << CHUNK_FMT_SHIFT) | csid;
  writeU24BE(h, FMT0_LENGTH_OFFSET, length);
  h[FMT0_TYPE_OFFSET] = MessageType.Video;
  writeU32LE(h, FMT0_STREAM_ID_OFFSET, streamId);
  return h;
}
