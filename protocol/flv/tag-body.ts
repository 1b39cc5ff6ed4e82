// FLV tag bodies: parse and build the audio (E.4.2 AUDIODATA + AACAUDIODATA), video
// (E.4.3 VIDEODATA + AVCVIDEOPACKET) and script data (E.4.4 SCRIPTDATA, onMetaData E.5)
// bodies of Video File Format Specification v10.1, Annex E. Parsers throw ProtocolError('flv').
import { Amf0EcmaArray, decodeAmf0Value, encodeAmf0, type Amf0Value } from '../amf0.ts';
import { ProtocolError } from '../errors.ts';
import {
  AAC_AUDIO_TAG_HEADER_SIZE,
  AAC_PACKET_TYPE,
  AUDIO_TAG_HEADER_SIZE,
  AVC_PACKET_TYPE,
  AVC_VIDEO_TAG_HEADER_SIZE,
  COMPOSITION_TIME_MAX,
  COMPOSITION_TIME_MIN,
  ON_METADATA,
  SOUND_FORMAT,
  SOUND_FORMAT_SHIFT,
  SOUND_RATE_HZ,
  SOUND_RATE_MASK,
  SOUND_RATE_SHIFT,
  SOUND_SIZE_BITS,
  SOUND_SIZE_MASK,
  SOUND_SIZE_SHIFT,
  SOUND_TYPE,
  SOUND_TYPE_MASK,
  VIDEO_CODEC_ID,
  VIDEO_CODEC_ID_MASK,
  VIDEO_EX_HEADER_BIT,
  VIDEO_FRAME_TYPE,
  VIDEO_FRAME_TYPE_SHIFT,
  VIDEO_TAG_HEADER_SIZE,
  type AacPacketType,
  type AvcPacketType,
  type SoundRateHz,
  type SoundSizeBits,
  type SoundType,
  type VideoFrameType,
} from './constants.ts';

const UI24_SIGN_BIT = 0x800000;
const UI24_RANGE = 0x1000000;
const BYTE_MASK = 0xff;
const BITS_PER_BYTE = 8;

function nameOf<T extends Record<string, number>>(table: T, value: number): keyof T | undefined {
  for (const [name, code] of Object.entries(table)) if (code === value) return name as keyof T;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Video

export interface VideoTagBody {
  frameType: VideoFrameType;
  /** VIDEO_CODEC_ID value (7 = AVC). */
  codecId: number;
  /** Present for AVC (codecId 7) unless the frame is a video-info/command frame. */
  avcPacketType?: AvcPacketType;
  /** Present with avcPacketType: presentation minus decode time, ms (SI24). */
  compositionTime?: number;
  /** AVC: the decoder configuration record or length-prefixed NAL units; otherwise the codec data. */
  payload: Uint8Array;
}

export function parseVideoTagBody(data: Uint8Array): VideoTagBody {
  if (data.length < VIDEO_TAG_HEADER_SIZE) throw new ProtocolError('flv', 'empty video tag body', 0);
  const first = data[0];
  if (first & VIDEO_EX_HEADER_BIT) {
    throw new ProtocolError('flv', 'enhanced RTMP video header (IsExHeader) is not supported', 0);
  }
  const frameTypeCode = first >> VIDEO_FRAME_TYPE_SHIFT;
  const frameType = nameOf(VIDEO_FRAME_TYPE, frameTypeCode);
  if (frameType === undefined) throw new ProtocolError('flv', `unknown video frame type ${frameTypeCode}`, 0);
  const codecId = first & VIDEO_CODEC_ID_MASK;
  if (codecId !== VIDEO_CODEC_ID.avc || frameType === 'video-info') {
    return { frameType, codecId, payload: data.subarray(VIDEO_TAG_HEADER_SIZE) };
  }
  if (data.length < AVC_VIDEO_TAG_HEADER_SIZE) {
    throw new ProtocolError('flv', `AVC video tag body of ${data.length} bytes is shorter than its ${AVC_VIDEO_TAG_HEADER_SIZE}-byte header`, 0);
  }
  const avcPacketType = nameOf(AVC_PACKET_TYPE, data[1]);
  if (avcPacketType === undefined) throw new ProtocolError('flv', `unknown AVC packet type ${data[1]}`, 1);
  const raw = (data[2] << (2 * BITS_PER_BYTE)) | (data[3] << BITS_PER_BYTE) | data[4];
  const compositionTime = raw & UI24_SIGN_BIT ? raw - UI24_RANGE : raw;
  return { frameType, codecId, avcPacketType, compositionTime, payload: data.subarray(AVC_VIDEO_TAG_HEADER_SIZE) };
}

export interface AvcVideoTagBodyOptions {
  frameType: VideoFrameType;
  packetType: AvcPacketType;
  /** Milliseconds, default 0. */
  compositionTime?: number;
  payload: Uint8Array;
}

/** VIDEODATA with CodecID 7 and its AVCVIDEOPACKET header. */
export function buildAvcVideoTagBody(options: AvcVideoTagBodyOptions): Uint8Array {
  const compositionTime = options.compositionTime ?? 0;
  if (!Number.isInteger(compositionTime) || compositionTime < COMPOSITION_TIME_MIN || compositionTime > COMPOSITION_TIME_MAX) {
    throw new ProtocolError('flv', `composition time ${compositionTime} is not an SI24`);
  }
  const out = new Uint8Array(AVC_VIDEO_TAG_HEADER_SIZE + options.payload.length);
  out[0] = (VIDEO_FRAME_TYPE[options.frameType] << VIDEO_FRAME_TYPE_SHIFT) | VIDEO_CODEC_ID.avc;
  out[1] = AVC_PACKET_TYPE[options.packetType];
  const ui24 = compositionTime < 0 ? compositionTime + UI24_RANGE : compositionTime;
  out[2] = (ui24 >> (2 * BITS_PER_BYTE)) & BYTE_MASK;
  out[3] = (ui24 >> BITS_PER_BYTE) & BYTE_MASK;
  out[4] = ui24 & BYTE_MASK;
  out.set(options.payload, AVC_VIDEO_TAG_HEADER_SIZE);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Audio

export interface AudioTagBody {
  /** SOUND_FORMAT value (10 = AAC). */
  soundFormat: number;
  /** Nominal rate from the 2-bit SoundRate field (AAC always says 44100; the ASC has the truth). */
  soundRate: SoundRateHz;
  soundSize: SoundSizeBits;
  soundType: SoundType;
  /** Present for AAC. */
  aacPacketType?: AacPacketType;
  /** AAC: AudioSpecificConfig or a raw AAC frame; otherwise the codec data. */
  payload: Uint8Array;
}

export function parseAudioTagBody(data: Uint8Array): AudioTagBody {
  if (data.length < AUDIO_TAG_HEADER_SIZE) throw new ProtocolError('flv', 'empty audio tag body', 0);
  const first = data[0];
  const soundFormat = first >> SOUND_FORMAT_SHIFT;
  const fields = {
    soundFormat,
    soundRate: SOUND_RATE_HZ[(first >> SOUND_RATE_SHIFT) & SOUND_RATE_MASK],
    soundSize: SOUND_SIZE_BITS[(first >> SOUND_SIZE_SHIFT) & SOUND_SIZE_MASK],
    soundType: SOUND_TYPE[first & SOUND_TYPE_MASK],
  };
  if (soundFormat !== SOUND_FORMAT.aac) return { ...fields, payload: data.subarray(AUDIO_TAG_HEADER_SIZE) };
  if (data.length < AAC_AUDIO_TAG_HEADER_SIZE) throw new ProtocolError('flv', 'AAC audio tag body without its AACPacketType', 0);
  const aacPacketType = nameOf(AAC_PACKET_TYPE, data[1]);
  if (aacPacketType === undefined) throw new ProtocolError('flv', `unknown AAC packet type ${data[1]}`, 1);
  return { ...fields, aacPacketType, payload: data.subarray(AAC_AUDIO_TAG_HEADER_SIZE) };
}

export interface AacAudioTagBodyOptions {
  packetType: AacPacketType;
  payload: Uint8Array;
  /** FLV says AAC always signals 44100 / 16 bits / stereo (the defaults); the ASC carries the real values. */
  soundRate?: SoundRateHz;
  soundSize?: SoundSizeBits;
  soundType?: SoundType;
}

/** AUDIODATA with SoundFormat 10 and its AACAUDIODATA header. */
export function buildAacAudioTagBody(options: AacAudioTagBodyOptions): Uint8Array {
  const rateIndex = SOUND_RATE_HZ.indexOf(options.soundRate ?? 44100);
  const sizeIndex = SOUND_SIZE_BITS.indexOf(options.soundSize ?? 16);
  const typeIndex = SOUND_TYPE.indexOf(options.soundType ?? 'stereo');
  if (rateIndex < 0 || sizeIndex < 0 || typeIndex < 0) {
    throw new ProtocolError('flv', `sound rate/size/type ${String(options.soundRate)}/${String(options.soundSize)}/${String(options.soundType)} not representable in FLV`);
  }
  const out = new Uint8Array(AAC_AUDIO_TAG_HEADER_SIZE + options.payload.length);
  out[0] =
    (SOUND_FORMAT.aac << SOUND_FORMAT_SHIFT) | (rateIndex << SOUND_RATE_SHIFT) | (sizeIndex << SOUND_SIZE_SHIFT) | typeIndex;
  out[1] = AAC_PACKET_TYPE[options.packetType];
  out.set(options.payload, AAC_AUDIO_TAG_HEADER_SIZE);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Script data

export interface ScriptTagBody {
  name: string;
  value: Amf0Value;
}

/** SCRIPTDATA: an AMF0 string (the handler name, e.g. onMetaData) followed by one AMF0 value.
 *  Bytes after the value (some encoders append a stray object-end) are ignored. */
export function parseScriptTag(data: Uint8Array): ScriptTagBody {
  if (data.length === 0) throw new ProtocolError('flv', 'empty script tag body', 0);
  const name = decodeAmf0Value(data, 0);
  if (typeof name.value !== 'string') throw new ProtocolError('flv', 'script tag does not start with an AMF0 string name', 0);
  if (name.next >= data.length) throw new ProtocolError('flv', `script tag '${name.value}' has no value`, name.next);
  const value = decodeAmf0Value(data, name.next);
  return { name: name.value, value: value.value };
}

export function buildScriptTagBody(name: string, value: Amf0Value): Uint8Array {
  return encodeAmf0(name, value);
}

/** The onMetaData script body: name + ECMA array (E.5), as ffmpeg and OBS write it. */
export function buildOnMetaDataBody(metadata: Record<string, Amf0Value>): Uint8Array {
  return buildScriptTagBody(ON_METADATA, new Amf0EcmaArray(metadata));
}
