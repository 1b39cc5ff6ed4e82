// RTMP numeric constants as named tables (Adobe RTMP specification 1.0, Dec 2012: §5.2 handshake,
// §5.3 chunking, §5.4 protocol control messages, §6.2 user control events, §7.1 message types).

/** §5.2.2: the only plain-RTMP version byte (6 = RTMPE and others are refused). */
export const RTMP_VERSION = 3;
/** §5.2.3: C1/S1/C2/S2 are all this long. */
export const HANDSHAKE_BLOCK_SIZE = 1536;
/** C0/S0: one version byte. */
export const HANDSHAKE_VERSION_SIZE = 1;
/** C1/S1 layout: time (4) + zero (4) + random (1528). C2/S2: time (4) + time2 (4) + random echo (1528). */
export const HANDSHAKE_TIME_SIZE = 4;
export const HANDSHAKE_ZERO_SIZE = 4;
export const HANDSHAKE_RANDOM_OFFSET = HANDSHAKE_TIME_SIZE + HANDSHAKE_ZERO_SIZE;
export const HANDSHAKE_RANDOM_SIZE = HANDSHAKE_BLOCK_SIZE - HANDSHAKE_RANDOM_OFFSET;

/** §5.4.1: chunk size in effect until a Set Chunk Size message changes it. */
export const DEFAULT_CHUNK_SIZE = 128;
export const MIN_CHUNK_SIZE = 1;
/** §5.4.1: the first bit of the Set Chunk Size payload must be zero, so 2^31-1 is the largest. */
export const MAX_CHUNK_SIZE = 0x7fffffff;
/** Our bound on a reassembled message (the header allows 2^24-1; we stop earlier than memory does). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;

/** §5.3.1.1 basic header: fmt in the top two bits, chunk stream id in the low six. */
export const CHUNK_FMT_SHIFT = 6;
export const CHUNK_CSID_MASK = 0x3f;
/** Low-six-bit values that announce the 2-byte and 3-byte basic header forms. */
export const CSID_MARKER_2BYTE = 0;
export const CSID_MARKER_3BYTE = 1;
/** Chunk stream ids: 2..63 fit in one byte, 64..319 in two, 64..65599 in three. */
export const CSID_MIN = 2;
export const CSID_ONE_BYTE_MAX = 63;
export const CSID_TWO_BYTE_BASE = 64;
export const CSID_TWO_BYTE_MAX = 319;
export const CSID_MAX = 65599;

/** §5.3.1.2 chunk message header types. */
export const ChunkFmt = {
  /** 11 bytes: timestamp, length, type id, stream id (little endian). */
  Full: 0,
  /** 7 bytes: timestamp delta, length, type id. */
  SameStream: 1,
  /** 3 bytes: timestamp delta. */
  TimestampDelta: 2,
  /** 0 bytes: everything as before. */
  Continuation: 3,
} as const;
export type ChunkFmt = (typeof ChunkFmt)[keyof typeof ChunkFmt];

/** Message header length for each fmt. */
export const MESSAGE_HEADER_SIZE: Readonly<Record<ChunkFmt, number>> = { 0: 11, 1: 7, 2: 3, 3: 0 };
/** §5.3.1.3: a 24-bit timestamp field with this value means a 32-bit extended timestamp follows. */
export const EXTENDED_TIMESTAMP_MARKER = 0xffffff;
export const EXTENDED_TIMESTAMP_SIZE = 4;
/** Largest value of the 24-bit length field. */
export const MAX_MESSAGE_LENGTH_FIELD = 0xffffff;
/** Timestamps are 32-bit and wrap. */
export const TIMESTAMP_MODULO = 2 ** 32;

/** §5.4 / §7.1: message type ids. */
export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf3: 15,
  SharedObjectAmf3: 16,
  CommandAmf3: 17,
  DataAmf0: 18,
  SharedObjectAmf0: 19,
  CommandAmf0: 20,
  Aggregate: 22,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** §6.2 user control event types. */
export const UserControlEventType = {
  StreamBegin: 0,
  StreamEof: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;
export type UserControlEventType = (typeof UserControlEventType)[keyof typeof UserControlEventType];

/** §5.4.5 Set Peer Bandwidth limit types. */
export const PeerBandwidthLimit = { Hard: 0, Soft: 1, Dynamic: 2 } as const;
export type PeerBandwidthLimit = (typeof PeerBandwidthLimit)[keyof typeof PeerBandwidthLimit];

/** Chunk stream ids used by convention (as FFmpeg's rtmppkt.h): protocol control on 2, as §5.4 requires. */
export const ChunkStream = {
  Control: 2,
  Command: 3,
  Audio: 4,
  Data: 5,
  Video: 6,
  StreamCommand: 8,
} as const;

/** Protocol control messages travel on message stream 0 (§5.4). */
export const CONTROL_STREAM_ID = 0;
