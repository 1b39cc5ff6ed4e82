// RTMP protocol control messages (Adobe RTMP spec §5.4: Set Chunk Size 1, Abort 2,
// Acknowledgement 3, Window Acknowledgement Size 5, Set Peer Bandwidth 6) and user control
// messages (§6.2, type 4: Stream Begin/EOF/Dry, SetBufferLength, StreamIsRecorded, Ping
// Request/Response). encode*() build ready-to-chunk messages on chunk stream 2, stream 0;
// decode*() parse payloads and throw ProtocolError('rtmp-message') on malformed ones.
import { ProtocolError } from '../errors.ts';
import { readU16BE, readU32BE, writeU16BE, writeU32BE } from './bytes.ts';
import {
  ChunkStream,
  CONTROL_STREAM_ID,
  MAX_CHUNK_SIZE,
  MessageType,
  MIN_CHUNK_SIZE,
  PeerBandwidthLimit,
  UserControlEventType,
} from './constants.ts';
import type { RtmpMessage } from './message.ts';

const U32_SIZE = 4;
const U16_SIZE = 2;
const PEER_BANDWIDTH_SIZE = U32_SIZE + 1;

export type PeerBandwidthLimitName = 'hard' | 'soft' | 'dynamic';

const LIMIT_NAMES: Readonly<Record<PeerBandwidthLimit, PeerBandwidthLimitName>> = {
  [PeerBandwidthLimit.Hard]: 'hard',
  [PeerBandwidthLimit.Soft]: 'soft',
  [PeerBandwidthLimit.Dynamic]: 'dynamic',
};
const LIMIT_VALUES: Readonly<Record<PeerBandwidthLimitName, PeerBandwidthLimit>> = {
  hard: PeerBandwidthLimit.Hard,
  soft: PeerBandwidthLimit.Soft,
  dynamic: PeerBandwidthLimit.Dynamic,
};

export type UserControlEvent =
  | { event: 'stream-begin'; streamId: number }
  | { event: 'stream-eof'; streamId: number }
  | { event: 'stream-dry'; streamId: number }
  | { event: 'set-buffer-length'; streamId: number; bufferLengthMs: number }
  | { event: 'stream-is-recorded'; streamId: number }
  | { event: 'ping-request'; timestamp: number }
  | { event: 'ping-response'; timestamp: number }
  | { event: 'unknown'; eventType: number; data: Uint8Array };

const STREAM_EVENTS = {
  'stream-begin': UserControlEventType.StreamBegin,
  'stream-eof': UserControlEventType.StreamEof,
  'stream-dry': UserControlEventType.StreamDry,
  'stream-is-recorded': UserControlEventType.StreamIsRecorded,
} as const;

function controlMessage(typeId: MessageType, payload: Uint8Array): RtmpMessage {
  return { chunkStreamId: ChunkStream.Control, timestamp: 0, typeId, streamId: CONTROL_STREAM_ID, payload };
}

function u32Payload(value: number): Uint8Array {
  const p = new Uint8Array(U32_SIZE);
  writeU32BE(p, 0, value);
  return p;
}

function needLength(payload: Uint8Array, length: number, what: string): void {
  if (payload.length < length) {
    throw new ProtocolError('rtmp-message', `${what} payload is ${payload.length} bytes, needs ${length}`);
  }
}

export function isValidChunkSize(size: number): boolean {
  return Number.isInteger(size) && size >= MIN_CHUNK_SIZE && size <= MAX_CHUNK_SIZE;
}

export function encodeSetChunkSize(chunkSize: number): RtmpMessage {
  if (!isValidChunkSize(chunkSize)) throw new ProtocolError('rtmp-message', `chunk size ${chunkSize} outside ${MIN_CHUNK_SIZE}..${MAX_CHUNK_SIZE}`);
  return controlMessage(MessageType.SetChunkSize, u32Payload(chunkSize));
}

/** Chunk size from a Set Chunk Size payload; the reserved top bit set or zero is an error. */
export function decodeSetChunkSize(payload: Uint8Array): number {
  needLength(payload, U32_SIZE, 'Set Chunk Size');
  const size = readU32BE(payload, 0);
  if (!isValidChunkSize(size)) throw new ProtocolError('rtmp-message', `Set Chunk Size ${size} outside ${MIN_CHUNK_SIZE}..${MAX_CHUNK_SIZE}`);
  return size;
}

export function encodeAbort(chunkStreamId: number): RtmpMessage {
  return controlMessage(MessageType.Abort, u32Payload(chunkStreamId));
}

export function decodeAbort(payload: Uint8Array): number {
  needLength(payload, U32_SIZE, 'Abort');
  return readU32BE(payload, 0);
}

export function encodeAcknowledgement(sequenceNumber: number): RtmpMessage {
  return controlMessage(MessageType.Acknowledgement, u32Payload(sequenceNumber));
}

export function decodeAcknowledgement(payload: Uint8Array): number {
  needLength(payload, U32_SIZE, 'Acknowledgement');
  return readU32BE(payload, 0);
}

export function encodeWindowAckSize(size: number): RtmpMessage {
  return controlMessage(MessageType.WindowAckSize, u32Payload(size));
}

export function decodeWindowAckSize(payload: Uint8Array): number {
  needLength(payload, U32_SIZE, 'Window Acknowledgement Size');
  return readU32BE(payload, 0);
}

export function encodeSetPeerBandwidth(size: number, limit: PeerBandwidthLimitName): RtmpMessage {
  const p = new Uint8Array(PEER_BANDWIDTH_SIZE);
  writeU32BE(p, 0, size);
  p[U32_SIZE] = LIMIT_VALUES[limit];
  return controlMessage(MessageType.SetPeerBandwidth, p);
}

export function decodeSetPeerBandwidth(payload: Uint8Array): { size: number; limit: PeerBandwidthLimitName } {
  needLength(payload, PEER_BANDWIDTH_SIZE, 'Set Peer Bandwidth');
  const limit = LIMIT_NAMES[payload[U32_SIZE] as PeerBandwidthLimit];
  if (limit === undefined) throw new ProtocolError('rtmp-message', `Set Peer Bandwidth limit type ${payload[U32_SIZE]} unknown`);
  return { size: readU32BE(payload, 0), limit };
}

export function encodeUserControl(ev: UserControlEvent): RtmpMessage {
  let type: number;
  let data: Uint8Array;
  switch (ev.event) {
    case 'set-buffer-length':
      type = UserControlEventType.SetBufferLength;
      data = new Uint8Array(2 * U32_SIZE);
      writeU32BE(data, 0, ev.streamId);
      writeU32BE(data, U32_SIZE, ev.bufferLengthMs);
      break;
    case 'ping-request':
    case 'ping-response':
      type = ev.event === 'ping-request' ? UserControlEventType.PingRequest : UserControlEventType.PingResponse;
      data = u32Payload(ev.timestamp);
      break;
    case 'unknown':
      type = ev.eventType;
      data = ev.data;
      break;
    default:
      type = STREAM_EVENTS[ev.event];
      data = u32Payload(ev.streamId);
  }
  const p = new Uint8Array(U16_SIZE + data.length);
  writeU16BE(p, 0, type);
  p.set(data, U16_SIZE);
  return controlMessage(MessageType.UserControl, p);
}

export function decodeUserControl(payload: Uint8Array): UserControlEvent {
  needLength(payload, U16_SIZE, 'User Control');
  const type = readU16BE(payload, 0);
  const data = payload.subarray(U16_SIZE);
  const u32 = (what: string): number => {
    needLength(data, U32_SIZE, what);
    return readU32BE(data, 0);
  };
  switch (type) {
    case UserControlEventType.StreamBegin:
      return { event: 'stream-begin', streamId: u32('Stream Begin') };
    case UserControlEventType.StreamEof:
      return { event: 'stream-eof', streamId: u32('Stream EOF') };
    case UserControlEventType.StreamDry:
      return { event: 'stream-dry', streamId: u32('Stream Dry') };
    case UserControlEventType.StreamIsRecorded:
      return { event: 'stream-is-recorded', streamId: u32('Stream Is Recorded') };
    case UserControlEventType.SetBufferLength:
      needLength(data, 2 * U32_SIZE, 'Set Buffer Length');
      return { event: 'set-buffer-length', streamId: readU32BE(data, 0), bufferLengthMs: readU32BE(data, U32_SIZE) };
    case UserControlEventType.PingRequest:
      return { event: 'ping-request', timestamp: u32('Ping Request') };
    case UserControlEventType.PingResponse:
      return { event: 'ping-response', timestamp: u32('Ping Response') };
    default:
      return { event: 'unknown', eventType: type, data: data.slice() };
  }
}
