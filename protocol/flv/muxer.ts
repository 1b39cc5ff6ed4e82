// FLV muxer: the file header and tags as bytes (Video File Format Specification v10.1, E.2 FLV
// header, E.3 body layout of tag + PreviousTagSize, E.4.1 FLVTAG). Tag bodies come from
// tag-body.ts. Concatenating encodeHeader() and encodeTag() outputs gives a valid FLV stream.
import { ProtocolError } from '../errors.ts';
import {
  FLV_HEADER_FLAG,
  FLV_HEADER_SIZE,
  FLV_MAX_DATA_SIZE_FIELD,
  FLV_MAX_TIMESTAMP,
  FLV_PREVIOUS_TAG_SIZE_BYTES,
  FLV_SIGNATURE,
  FLV_TAG_HEADER_SIZE,
  FLV_TAG_TYPE,
  FLV_TIMESTAMP_LOW_BITS,
  FLV_VERSION,
} from './constants.ts';
import type { FlvTag } from './types.ts';

export interface FlvHeaderOptions {
  hasVideo: boolean;
  hasAudio: boolean;
}

const UI24_MAX = 0xffffff;
const BYTE_MASK = 0xff;

function writeUint24(target: DataView, offset: number, value: number): void {
  target.setUint16(offset, value >>> 8);
  target.setUint8(offset + 2, value & BYTE_MASK);
}

export class FlvMuxer {
  /** The 9-byte FLV header followed by PreviousTagSize0 (= 0). */
  encodeHeader(options: FlvHeaderOptions): Uint8Array {
    const out = new Uint8Array(FLV_HEADER_SIZE + FLV_PREVIOUS_TAG_SIZE_BYTES);
    const view = new DataView(out.buffer);
    out.set(FLV_SIGNATURE, 0);
    let offset = FLV_SIGNATURE.length;
    view.setUint8(offset, FLV_VERSION);
    offset += 1;
    view.setUint8(offset, (options.hasAudio ? FLV_HEADER_FLAG.audio : 0) | (options.hasVideo ? FLV_HEADER_FLAG.video : 0));
    offset += 1;
    view.setUint32(offset, FLV_HEADER_SIZE);
    offset += 4;
    view.setUint32(offset, 0);
    return out;
  }

  /** One tag (11-byte header + data) followed by its PreviousTagSize. */
  encodeTag(tag: FlvTag): Uint8Array {
    const { timestamp, streamId, data } = tag;
    if (!Object.hasOwn(FLV_TAG_TYPE, tag.type)) {
      throw new ProtocolError('flv', `unknown tag type ${String(tag.type)}`);
    }
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > FLV_MAX_TIMESTAMP) {
      throw new ProtocolError('flv', `timestamp ${timestamp} is not a 32-bit unsigned integer`);
    }
    if (!Number.isInteger(streamId) || streamId < 0 || streamId > UI24_MAX) {
      throw new ProtocolError('flv', `stream id ${streamId} is not a UI24`);
    }
    if (data.length > FLV_MAX_DATA_SIZE_FIELD) {
      throw new ProtocolError('limit', `tag data of ${data.length} bytes exceeds the UI24 DataSize field`);
    }
    const tagSize = FLV_TAG_HEADER_SIZE + data.length;
    const out = new Uint8Array(tagSize + FLV_PREVIOUS_TAG_SIZE_BYTES);
    const view = new DataView(out.buffer);
    let offset = 0;
    view.setUint8(offset, FLV_TAG_TYPE[tag.type]);
    offset += 1;
    writeUint24(view, offset, data.length);
    offset += 3;
    writeUint24(view, offset, timestamp & UI24_MAX);
    offset += 3;
    view.setUint8(offset, Math.floor(timestamp / 2 ** FLV_TIMESTAMP_LOW_BITS));
    offset += 1;
    writeUint24(view, offset, streamId);
    offset += 3;
    out.set(data, offset);
    view.setUint32(tagSize, tagSize);
    return out;
  }
}
