// FLV constants: Adobe "Video File Format Specification" v10.1, Annex E (E.2 FLV header,
// E.3 FLV file body, E.4.1 FLVTAG, E.4.2 audio tags, E.4.3 video tags, E.4.4 data tags).

/** "FLV", E.2. */
export const FLV_SIGNATURE = [0x46, 0x4c, 0x56] as const;
export const FLV_VERSION = 1;
/** Size of the FLV header written by version 1 (its DataOffset field). */
export const FLV_HEADER_SIZE = 9;
/** TypeFlags bits of the header, E.2. */
export const FLV_HEADER_FLAG = { audio: 0x04, video: 0x01 } as const;
/** Every tag is followed by a 32-bit PreviousTagSize, E.3; the first one (after the header) is 0. */
export const FLV_PREVIOUS_TAG_SIZE_BYTES = 4;
/** TagType(1) DataSize(3) Timestamp(3) TimestampExtended(1) StreamID(3), E.4.1. */
export const FLV_TAG_HEADER_SIZE = 11;
/** DataSize is a UI24. */
export const FLV_MAX_DATA_SIZE_FIELD = 0xffffff;
/** Default bound on one tag's data, enforced by the demuxer before it allocates (ProtocolError 'limit'). */
export const FLV_DEFAULT_MAX_TAG_DATA_SIZE = 8 * 1024 * 1024;
/** Bound on the header's DataOffset: bytes past the 9-byte header are skipped, never buffered. */
export const FLV_MAX_HEADER_SIZE = 1024;
/** Timestamp is UI24 plus an 8-bit extension holding bits 24-31, E.4.1. */
export const FLV_TIMESTAMP_LOW_BITS = 24;
export const FLV_MAX_TIMESTAMP = 0xffffffff;

/** TagType, E.4.1. */
export const FLV_TAG_TYPE = { audio: 8, video: 9, script: 18 } as const;
/** TagType occupies the low 5 bits of the first tag byte; bit 5 is the Filter (encryption) flag. */
export const FLV_TAG_TYPE_MASK = 0x1f;
export const FLV_TAG_FILTER_BIT = 0x20;

export type FlvTagType = keyof typeof FLV_TAG_TYPE;

/** Video FrameType, E.4.3.1 (upper 4 bits of the first video byte). */
export const VIDEO_FRAME_TYPE = {
  key: 1,
  inter: 2,
  'disposable-inter': 3,
  'generated-key': 4,
  'video-info': 5,
} as const;
export type VideoFrameType = keyof typeof VIDEO_FRAME_TYPE;

/** Video CodecID, E.4.3.1 (lower 4 bits of the first video byte). */
export const VIDEO_CODEC_ID = {
  jpeg: 1,
  sorensonH263: 2,
  screenVideo: 3,
  vp6: 4,
  vp6Alpha: 5,
  screenVideo2: 6,
  avc: 7,
} as const;

/** AVCPacketType, E.4.3.1. */
export const AVC_PACKET_TYPE = { 'sequence-header': 0, nalu: 1, end: 2 } as const;
export type AvcPacketType = keyof typeof AVC_PACKET_TYPE;

/** AVC video tag header: frame/codec byte, AVCPacketType, SI24 CompositionTime. */
export const AVC_VIDEO_TAG_HEADER_SIZE = 5;
export const VIDEO_TAG_HEADER_SIZE = 1;
export const VIDEO_FRAME_TYPE_SHIFT = 4;
export const VIDEO_CODEC_ID_MASK = 0x0f;
/** Enhanced RTMP reuses the top bit of the first video byte as IsExHeader (not supported here). */
export const VIDEO_EX_HEADER_BIT = 0x80;
/** CompositionTime is SI24. */
export const COMPOSITION_TIME_MIN = -0x800000;
export const COMPOSITION_TIME_MAX = 0x7fffff;

/** SoundFormat, E.4.2.1 (upper 4 bits of the first audio byte). */
export const SOUND_FORMAT = {
  linearPcmPlatformEndian: 0,
  adpcm: 1,
  mp3: 2,
  linearPcmLittleEndian: 3,
  nellymoser16kMono: 4,
  nellymoser8kMono: 5,
  nellymoser: 6,
  g711ALaw: 7,
  g711MuLaw: 8,
  aac: 10,
  speex: 11,
  mp3_8k: 14,
  deviceSpecific: 15,
} as const;

/** SoundRate, E.4.2.1: index (2 bits) -> nominal Hz. AAC always signals 3 (44 kHz). */
export const SOUND_RATE_HZ = [5512, 11025, 22050, 44100] as const;
export type SoundRateHz = (typeof SOUND_RATE_HZ)[number];
/** SoundSize, E.4.2.1: bit -> bits per sample. */
export const SOUND_SIZE_BITS = [8, 16] as const;
export type SoundSizeBits = (typeof SOUND_SIZE_BITS)[number];
/** SoundType, E.4.2.1: bit -> channel layout. */
export const SOUND_TYPE = ['mono', 'stereo'] as const;
export type SoundType = (typeof SOUND_TYPE)[number];

export const SOUND_FORMAT_SHIFT = 4;
export const SOUND_RATE_SHIFT = 2;
export const SOUND_RATE_MASK = 0x03;
export const SOUND_SIZE_SHIFT = 1;
export const SOUND_SIZE_MASK = 0x01;
export const SOUND_TYPE_MASK = 0x01;

/** AACPacketType, E.4.2.1. */
export const AAC_PACKET_TYPE = { 'sequence-header': 0, raw: 1 } as const;
export type AacPacketType = keyof typeof AAC_PACKET_TYPE;
export const AUDIO_TAG_HEADER_SIZE = 1;
export const AAC_AUDIO_TAG_HEADER_SIZE = 2;

/** Name of the script data object carrying stream metadata, E.5. */
export const ON_METADATA = 'onMetaData';
