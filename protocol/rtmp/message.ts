// The RTMP message as the chunk layer carries it (Adobe RTMP spec §5.3.1, §6.1): a header
// (type id, length, timestamp, message stream id) and a payload, sent on a chunk stream.
import type { MessageType } from './constants.ts';

export interface RtmpMessage {
  /** Chunk stream the message travels on (2..65599). */
  chunkStreamId: number;
  /** Absolute timestamp in ms, 32-bit (wraps). */
  timestamp: number;
  /** Message type id (see MessageType; other values pass through). */
  typeId: MessageType | number;
  /** Message stream id (0 for protocol control and NetConnection commands). */
  streamId: number;
  payload: Uint8Array;
}
