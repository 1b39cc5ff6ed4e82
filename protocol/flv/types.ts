// FLV tag and demuxer event shapes (Video File Format Specification v10.1, E.2 and E.4.1).
import type { FlvTagType } from './constants.ts';

/** One FLV tag: the tag header's fields plus its body (audio, video or script data). */
export interface FlvTag {
  type: FlvTagType;
  /** Milliseconds, 32 bits: Timestamp (UI24) with TimestampExtended as the upper 8 bits. */
  timestamp: number;
  /** Always 0 in a well-formed file; reported as read. */
  streamId: number;
  data: Uint8Array;
}

export interface FlvHeaderEvent {
  kind: 'header';
  version: number;
  hasAudio: boolean;
  hasVideo: boolean;
}

export interface FlvTagEvent {
  kind: 'tag';
  tag: FlvTag;
}

export type FlvEvent = FlvHeaderEvent | FlvTagEvent;
