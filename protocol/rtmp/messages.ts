// RTMP message builders and a typed decoder (Adobe RTMP spec §7.1: audio 8, video 9, data AMF0
// 18, command AMF0 20, with the protocol control types of §5.4/§6.2 from control.ts). Audio and
// video payloads are FLV tag bodies (spec §7.1.4/§7.1.5; FLV spec E.4.2/E.4.3).
import { ProtocolError } from '../errors.ts';
import { decodeAmf0, encodeAmf0 } from '../amf0.ts';
import type { Amf0Value } from '../amf0.ts';
import { ChunkStream, MessageType } from './constants.ts';
import type { RtmpMessage } from './message.ts';
import { encodeCommand, parseCommand } from './commands.ts';
import type { RtmpCommand } from './commands.ts';
import {
  decodeAbort,
  decodeAcknowledgement,
  decodeSetChunkSize,
  decodeSetPeerBandwidth,
  decodeUserControl,
  decodeWindowAckSize,
} from './control.ts';
import type { PeerBandwidthLimitName, UserControlEvent } from './control.ts';

/** AMF3 command/data messages start with a format byte; 0 means the rest is AMF0. */
const AMF3_FORMAT_SELECTOR_SIZE = 1;

/** The data handler that stores stream metadata on the server (FMLE convention). */
export const SET_DATA_FRAME = '@setDataFrame';
export const ON_METADATA = 'onMetaData';

export interface MessagePlacement {
  streamId: number;
  timestamp?: number;
  chunkStreamId?: number;
}

export function commandMessage(cmd: RtmpCommand, placement: MessagePlacement = { streamId: 0 }): RtmpMessage {
  return {
    chunkStreamId: placement.chunkStreamId ?? (placement.streamId === 0 ? ChunkStream.Command : ChunkStream.StreamCommand),
    timestamp: placement.timestamp ?? 0,
    typeId: MessageType.CommandAmf0,
    streamId: placement.streamId,
    payload: encodeCommand(cmd),
  };
}

export function dataMessage(values: Amf0Value[], placement: MessagePlacement): RtmpMessage {
  return {
    chunkStreamId: placement.chunkStreamId ?? ChunkStream.Data,
    timestamp: placement.timestamp ?? 0,
    typeId: MessageType.DataAmf0,
    streamId: placement.streamId,
    payload: encodeAmf0(...values),
  };
}

export function audioMessage(timestamp: number, body: Uint8Array, streamId: number): RtmpMessage {
  return { chunkStreamId: ChunkStream.Audio, timestamp, typeId: MessageType.Audio, streamId, payload: body };
}

export function videoMessage(timestamp: number, body: Uint8Array, streamId: number): RtmpMessage {
  return { chunkStreamId: ChunkStream.Video, timestamp, typeId: MessageType.Video, streamId, payload: body };
}

export type DecodedMessage =
  | { kind: 'set-chunk-size'; chunkSize: number }
  | { kind: 'abort'; chunkStreamId: number }
  | { kind: 'acknowledgement'; sequenceNumber: number }
  | { kind: 'user-control'; event: UserControlEvent }
  | { kind: 'window-ack-size'; size: number }
  | { kind: 'set-peer-bandwidth'; size: number; limit: PeerBandwidthLimitName }
  | { kind: 'audio'; timestamp: number; streamId: number; data: Uint8Array }
  | { kind: 'video'; timestamp: number; streamId: number; data: Uint8Array }
  | { kind: 'data'; timestamp: number; streamId: number; values: Amf0Value[] }
  | { kind: 'command'; streamId: number; command: RtmpCommand }
  | { kind: 'other'; typeId: number; message: RtmpMessage };

/** Decodes a reassembled message by type. Throws ProtocolError on a malformed payload. */
export function decodeMessage(msg: RtmpMessage): DecodedMessage {
  const { payload, streamId, timestamp } = msg;
  switch (msg.typeId) {
    case MessageType.SetChunkSize:
      return { kind: 'set-chunk-size', chunkSize: decodeSetChunkSize(payload) };
    case MessageType.Abort:
      return { kind: 'abort', chunkStreamId: decodeAbort(payload) };
    case MessageType.Acknowledgement:
      return { kind: 'acknowledgement', sequenceNumber: decodeAcknowledgement(payload) };
    case MessageType.UserControl:
      return { kind: 'user-control', event: decodeUserControl(payload) };
    case MessageType.WindowAckSize:
      return { kind: 'window-ack-size', size: decodeWindowAckSize(payload) };
    case MessageType.SetPeerBandwidth:
      return { kind: 'set-peer-bandwidth', ...decodeSetPeerBandwidth(payload) };
    case MessageType.Audio:
      return { kind: 'audio', timestamp, streamId, data: payload };
    case MessageType.Video:
      return { kind: 'video', timestamp, streamId, data: payload };
    case MessageType.DataAmf0:
      return { kind: 'data', timestamp, streamId, values: decodeAmf0(payload) };
    case MessageType.DataAmf3:
      return { kind: 'data', timestamp, streamId, values: decodeAmf0(skipAmf3Selector(payload)) };
    case MessageType.CommandAmf0:
      return { kind: 'command', streamId, command: parseCommand(payload) };
    case MessageType.CommandAmf3:
      return { kind: 'command', streamId, command: parseCommand(skipAmf3Selector(payload)) };
    default:
      return { kind: 'other', typeId: msg.typeId, message: msg };
  }
}

function skipAmf3Selector(payload: Uint8Array): Uint8Array {
  if (payload.length < AMF3_FORMAT_SELECTOR_SIZE) throw new ProtocolError('rtmp-message', 'empty AMF3 message');
  return payload.subarray(AMF3_FORMAT_SELECTOR_SIZE);
}
