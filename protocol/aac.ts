// AAC configuration: AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1, with the sampling frequency
// index table 1.6.3.4 / Table 1.18, channel configurations Table 1.19 and explicit SBR/PS
// signalling 1.6.5.2) and the ADTS fixed + variable header (14496-3 1.A.2.2, Table 1.A.5-1.A.7).
// Parsers throw only ProtocolError('aac').
import { BitReader, BitWriter } from './bits.ts';
import { ProtocolError } from './errors.ts';

/** audioObjectType values used on the wire (14496-3 Table 1.17). */
export const AAC_OBJECT_TYPE = {
  aacMain: 1,
  aacLc: 2,
  aacSsr: 3,
  aacLtp: 4,
  sbr: 5,
  aacScalable: 6,
  erAacLc: 17,
  erAacLtp: 19,
  erAacScalable: 20,
  erAacLd: 23,
  ps: 29,
  escape: 31,
  erAacEld: 39,
} as const;

/** samplingFrequencyIndex -> Hz (Table 1.18); 13 and 14 are reserved, 15 means explicit. */
export const AAC_SAMPLING_FREQUENCIES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
] as const;
export const AAC_EXPLICIT_FREQUENCY_INDEX = 15;

/** channelConfiguration -> channel count (Table 1.19, with the 2009+ amendments); 0 means
 *  "defined in a program_config_element"; null entries are reserved. */
export const AAC_CHANNEL_COUNTS: readonly (number | null)[] = [0, 1, 2, 3, 4, 5, 6, 8, null, null, null, 7, 8, 24, 8, null];

const OBJECT_TYPE_BITS = 5;
const OBJECT_TYPE_EXTENSION_BITS = 6;
const OBJECT_TYPE_ESCAPE_OFFSET = 32;
const FREQUENCY_INDEX_BITS = 4;
const EXPLICIT_FREQUENCY_BITS = 24;
const CHANNEL_CONFIGURATION_BITS = 4;
const MAX_OBJECT_TYPE = OBJECT_TYPE_ESCAPE_OFFSET + 2 ** OBJECT_TYPE_EXTENSION_BITS - 1;
const MAX_EXPLICIT_FREQUENCY = 2 ** EXPLICIT_FREQUENCY_BITS - 1;
const FRAME_LENGTH_LONG = 1024;
const FRAME_LENGTH_SHORT = 960;

/** Object types whose ASC continues with a GASpecificConfig (14496-3 1.6.2.1). */
const GA_OBJECT_TYPES = new Set([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]);

export interface AudioSpecificConfig {
  /** audioObjectType of the core codec (2 = AAC LC); for explicit HE-AAC, the core under SBR/PS. */
  objectType: number;
  samplingFrequencyIndex: number;
  /** Core sample rate in Hz. */
  sampleRate: number;
  channelConfiguration: number;
  /** Channel count; 0 when channelConfiguration is 0 (channels come from a PCE). */
  channels: number;
  /** Samples per frame from GASpecificConfig's frameLengthFlag (1024 or 960), for GA objects. */
  frameLength?: number;
  /** Explicit SBR/PS signalling (object type 5 or 29 first, then the core type). */
  extension?: { objectType: number; sampleRate: number };
}

function readObjectType(reader: BitReader): number {
  const objectType = reader.readBits(OBJECT_TYPE_BITS);
  return objectType === AAC_OBJECT_TYPE.escape ? OBJECT_TYPE_ESCAPE_OFFSET + reader.readBits(OBJECT_TYPE_EXTENSION_BITS) : objectType;
}

function readSamplingFrequency(reader: BitReader): { index: number; rate: number } {
  const index = reader.readBits(FREQUENCY_INDEX_BITS);
  if (index === AAC_EXPLICIT_FREQUENCY_INDEX) {
    const rate = reader.readBits(EXPLICIT_FREQUENCY_BITS);
    if (rate === 0) throw new ProtocolError('aac', 'explicit sampling frequency of 0 Hz', 0);
    return { index, rate };
  }
  const rate = AAC_SAMPLING_FREQUENCIES[index];
  if (rate === undefined) throw new ProtocolError('aac', `reserved samplingFrequencyIndex ${index}`, 0);
  return { index, rate };
}

function channelCount(configuration: number): number {
  const count = AAC_CHANNEL_COUNTS[configuration];
  if (count === null || count === undefined) throw new ProtocolError('aac', `reserved channelConfiguration ${configuration}`, 0);
  return count;
}

/** Parses an AudioSpecificConfig (the FLV AAC sequence header payload). */
export function parseAudioSpecificConfig(bytes: Uint8Array): AudioSpecificConfig {
  const reader = new BitReader(bytes, 'aac');
  let objectType = readObjectType(reader);
  if (objectType === 0) throw new ProtocolError('aac', 'audioObjectType 0 (null object)', 0);
  const frequency = readSamplingFrequency(reader);
  const channelConfiguration = reader.readBits(CHANNEL_CONFIGURATION_BITS);
  const channels = channelCount(channelConfiguration);
  let extension: AudioSpecificConfig['extension'];
  if (objectType === AAC_OBJECT_TYPE.sbr || objectType === AAC_OBJECT_TYPE.ps) {
    const extensionFrequency = readSamplingFrequency(reader);
    extension = { objectType, sampleRate: extensionFrequency.rate };
    objectType = readObjectType(reader);
    if (objectType === 0) throw new ProtocolError('aac', 'core audioObjectType 0 under SBR/PS', 0);
  }
  const config: AudioSpecificConfig = {
    objectType,
    samplingFrequencyIndex: frequency.index,
    sampleRate: frequency.rate,
    channelConfiguration,
    channels,
  };
  if (GA_OBJECT_TYPES.has(objectType)) config.frameLength = reader.readFlag() ? FRAME_LENGTH_SHORT : FRAME_LENGTH_LONG;
  if (extension) config.extension = extension;
  return config;
}

export interface BuildAudioSpecificConfigOptions {
  objectType: number;
  /** Written as a table index when listed in AAC_SAMPLING_FREQUENCIES, else explicitly (index 15). */
  sampleRate: number;
  /** Either a channel count (mapped to a channelConfiguration) or the configuration itself. */
  channels?: number;
  channelConfiguration?: number;
  /** 1024 (default) or 960; written for GA object types only. */
  frameLength?: 1024 | 960;
}

function configurationForChannels(channels: number): number {
  const configuration = AAC_CHANNEL_COUNTS.indexOf(channels);
  if (channels <= 0 || configuration < 0) throw new ProtocolError('aac', `no channelConfiguration carries ${channels} channels`);
  return configuration;
}

/** Builds an AudioSpecificConfig (GASpecificConfig with no core coder and no extension flag). */
export function buildAudioSpecificConfig(options: BuildAudioSpecificConfigOptions): Uint8Array {
  const { objectType, sampleRate } = options;
  if (!Number.isInteger(objectType) || objectType < 1 || objectType > MAX_OBJECT_TYPE) {
    throw new ProtocolError('aac', `audioObjectType ${objectType} outside 1..${MAX_OBJECT_TYPE}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > MAX_EXPLICIT_FREQUENCY) {
    throw new ProtocolError('aac', `sample rate ${sampleRate} is not a positive 24-bit integer`);
  }
  const channelConfiguration = options.channelConfiguration ?? configurationForChannels(options.channels ?? 0);
  if (!Number.isInteger(channelConfiguration) || AAC_CHANNEL_COUNTS[channelConfiguration] == null) {
    throw new ProtocolError('aac', `channelConfiguration ${channelConfiguration} is reserved or out of range`);
  }
  const writer = new BitWriter();
  if (objectType >= AAC_OBJECT_TYPE.escape) {
    writer.writeBits(AAC_OBJECT_TYPE.escape, OBJECT_TYPE_BITS);
    writer.writeBits(objectType - OBJECT_TYPE_ESCAPE_OFFSET, OBJECT_TYPE_EXTENSION_BITS);
  } else {
    writer.writeBits(objectType, OBJECT_TYPE_BITS);
  }
  const index = (AAC_SAMPLING_FREQUENCIES as readonly number[]).indexOf(sampleRate);
  if (index >= 0) {
    writer.writeBits(index, FREQUENCY_INDEX_BITS);
  } else {
    writer.writeBits(AAC_EXPLICIT_FREQUENCY_INDEX, FREQUENCY_INDEX_BITS);
    writer.writeBits(sampleRate, EXPLICIT_FREQUENCY_BITS);
  }
  writer.writeBits(channelConfiguration, CHANNEL_CONFIGURATION_BITS);
  if (GA_OBJECT_TYPES.has(objectType)) {
    writer.writeFlag(options.frameLength === FRAME_LENGTH_SHORT);
    writer.writeFlag(false); // dependsOnCoreCoder
    writer.writeFlag(false); // extensionFlag
  }
  return writer.finish();
}

// ---------------------------------------------------------------------------------------------
// ADTS

export interface AdtsHeader {
  /** 4 for MPEG-4 (ID = 0), 2 for MPEG-2 (ID = 1). */
  mpegVersion: 2 | 4;
  protectionAbsent: boolean;
  /** profile_ObjectType + 1, i.e. the MPEG-4 audioObjectType (2 = AAC LC). */
  objectType: number;
  samplingFrequencyIndex: number;
  sampleRate: number;
  channelConfiguration: number;
  channels: number;
  /** Whole frame including the header, bytes. */
  frameLength: number;
  /** 7, or 9 with the CRC. */
  headerLength: number;
  /** number_of_raw_data_blocks_in_frame + 1. */
  rawDataBlocks: number;
}

const ADTS_SYNCWORD = 0xfff;
const ADTS_SYNCWORD_BITS = 12;
const ADTS_LAYER_BITS = 2;
const ADTS_PROFILE_BITS = 2;
const ADTS_CHANNEL_CONFIGURATION_BITS = 3;
const ADTS_FRAME_LENGTH_BITS = 13;
const ADTS_BUFFER_FULLNESS_BITS = 11;
const ADTS_RAW_BLOCKS_BITS = 2;
const ADTS_HEADER_BYTES = 7;
const ADTS_CRC_BYTES = 2;
const MPEG2_ID = 1;
const ADTS_COPY_AND_HOME_BITS = 4;

/** Parses the 7-byte ADTS header at the start of `bytes` (throws if it is not one). */
export function parseAdtsHeader(bytes: Uint8Array): AdtsHeader {
  if (bytes.length < ADTS_HEADER_BYTES) throw new ProtocolError('aac', `ADTS header needs ${ADTS_HEADER_BYTES} bytes, got ${bytes.length}`, 0);
  const reader = new BitReader(bytes.subarray(0, ADTS_HEADER_BYTES), 'aac');
  if (reader.readBits(ADTS_SYNCWORD_BITS) !== ADTS_SYNCWORD) throw new ProtocolError('aac', 'missing ADTS syncword', 0);
  const id = reader.readBit();
  if (reader.readBits(ADTS_LAYER_BITS) !== 0) throw new ProtocolError('aac', 'ADTS layer is not 0', 1);
  const protectionAbsent = reader.readFlag();
  const objectType = reader.readBits(ADTS_PROFILE_BITS) + 1;
  const samplingFrequencyIndex = reader.readBits(FREQUENCY_INDEX_BITS);
  const sampleRate = AAC_SAMPLING_FREQUENCIES[samplingFrequencyIndex];
  if (sampleRate === undefined) throw new ProtocolError('aac', `reserved ADTS samplingFrequencyIndex ${samplingFrequencyIndex}`, 2);
  reader.readBit(); // private_bit
  const channelConfiguration = reader.readBits(ADTS_CHANNEL_CONFIGURATION_BITS);
  reader.skipBits(ADTS_COPY_AND_HOME_BITS); // original_copy, home, copyright_identification_bit/start
  const frameLength = reader.readBits(ADTS_FRAME_LENGTH_BITS);
  reader.skipBits(ADTS_BUFFER_FULLNESS_BITS);
  const rawDataBlocks = reader.readBits(ADTS_RAW_BLOCKS_BITS) + 1;
  const headerLength = protectionAbsent ? ADTS_HEADER_BYTES : ADTS_HEADER_BYTES + ADTS_CRC_BYTES;
  if (frameLength < headerLength) throw new ProtocolError('aac', `ADTS frame_length ${frameLength} is shorter than its header`, 3);
  return {
    mpegVersion: id === MPEG2_ID ? 2 : 4,
    protectionAbsent,
    objectType,
    samplingFrequencyIndex,
    sampleRate,
    channelConfiguration,
    channels: channelCount(channelConfiguration),
    frameLength,
    headerLength,
    rawDataBlocks,
  };
}

export interface AdtsFrame {
  header: AdtsHeader;
  /** The raw AAC payload (what an FLV AAC raw packet carries). */
  payload: Uint8Array;
}

/** Splits a stream of whole ADTS frames; throws on a truncated last frame. */
export function splitAdts(bytes: Uint8Array): AdtsFrame[] {
  const frames: AdtsFrame[] = [];
  let offset = 0;
  // frame_length >= header length >= 7, so each pass advances.
  while (offset < bytes.length) {
    const header = parseAdtsHeader(bytes.subarray(offset));
    if (offset + header.frameLength > bytes.length) {
      throw new ProtocolError('aac', `ADTS frame of ${header.frameLength} bytes runs past the end`, offset);
    }
    frames.push({ header, payload: bytes.subarray(offset + header.headerLength, offset + header.frameLength) });
    offset += header.frameLength;
  }
  return frames;
}

/** The AudioSpecificConfig equivalent of an ADTS header (for an FLV AAC sequence header). */
export function adtsToAudioSpecificConfig(header: AdtsHeader): Uint8Array {
  return buildAudioSpecificConfig({
    objectType: header.objectType,
    sampleRate: header.sampleRate,
    channelConfiguration: header.channelConfiguration,
  });
}
