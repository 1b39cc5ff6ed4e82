// H.264/AVC parameter-set parsing for stream checks: NAL unit types (ITU-T H.264 Table 7-1),
// emulation prevention (7.4.1), Annex B byte streams (Annex B.1), length-prefixed NAL units and
// the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1), and the sequence parameter set
// (H.264 7.3.2.1.1 syntax, 7.4.2.1.1 semantics; frame size from equations 7-13..7-22 with the
// cropping of Table 6-1). Parsers throw only ProtocolError: 'avc' for malformed input, 'limit'
// for values beyond what a builder can represent.
import { BitReader } from './bits.ts';
import { ProtocolError } from './errors.ts';

export { BitReader } from './bits.ts';

// ---------------------------------------------------------------------------------------------
// NAL units

/** nal_unit_type values, H.264 Table 7-1. */
export const NAL_UNIT_TYPE = {
  sliceNonIdr: 1,
  slicePartitionA: 2,
  slicePartitionB: 3,
  slicePartitionC: 4,
  sliceIdr: 5,
  sei: 6,
  sps: 7,
  pps: 8,
  accessUnitDelimiter: 9,
  endOfSequence: 10,
  endOfStream: 11,
  filler: 12,
  spsExtension: 13,
  prefix: 14,
  subsetSps: 15,
  depthParameterSet: 16,
  sliceAuxiliary: 19,
  sliceExtension: 20,
  sliceExtensionDepth: 21,
} as const;

const NAL_UNIT_TYPE_NAMES: Readonly<Record<number, string>> = {
  [NAL_UNIT_TYPE.sliceNonIdr]: 'slice (non-IDR)',
  [NAL_UNIT_TYPE.slicePartitionA]: 'slice data partition A',
  [NAL_UNIT_TYPE.slicePartitionB]: 'slice data partition B',
  [NAL_UNIT_TYPE.slicePartitionC]: 'slice data partition C',
  [NAL_UNIT_TYPE.sliceIdr]: 'slice (IDR)',
  [NAL_UNIT_TYPE.sei]: 'SEI',
  [NAL_UNIT_TYPE.sps]: 'SPS',
  [NAL_UNIT_TYPE.pps]: 'PPS',
  [NAL_UNIT_TYPE.accessUnitDelimiter]: 'access unit delimiter',
  [NAL_UNIT_TYPE.endOfSequence]: 'end of sequence',
  [NAL_UNIT_TYPE.endOfStream]: 'end of stream',
  [NAL_UNIT_TYPE.filler]: 'filler data',
  [NAL_UNIT_TYPE.spsExtension]: 'SPS extension',
  [NAL_UNIT_TYPE.prefix]: 'prefix NAL unit',
  [NAL_UNIT_TYPE.subsetSps]: 'subset SPS',
  [NAL_UNIT_TYPE.depthParameterSet]: 'depth parameter set',
  [NAL_UNIT_TYPE.sliceAuxiliary]: 'auxiliary slice',
  [NAL_UNIT_TYPE.sliceExtension]: 'slice extension',
  [NAL_UNIT_TYPE.sliceExtensionDepth]: 'slice extension (depth view)',
};

const NAL_TYPE_MASK = 0x1f;
const NAL_REF_IDC_SHIFT = 5;
const NAL_REF_IDC_MASK = 0x03;
const NAL_FORBIDDEN_BIT = 0x80;
const NAL_HEADER_BYTES = 1;
const UNSPECIFIED_NAL_TYPES = new Set([0, 24, 25, 26, 27, 28, 29, 30, 31]);

/** Human name of a nal_unit_type ('reserved' / 'unspecified' for the rest of Table 7-1). */
export function nalUnitTypeName(type: number): string {
  return NAL_UNIT_TYPE_NAMES[type] ?? (UNSPECIFIED_NAL_TYPES.has(type) ? 'unspecified' : 'reserved');
}

export interface NalUnitHeader {
  forbiddenZeroBit: number;
  nalRefIdc: number;
  nalUnitType: number;
}

/** The one-byte NAL unit header, H.264 7.3.1. */
export function parseNalUnitHeader(nal: Uint8Array): NalUnitHeader {
  if (nal.length < NAL_HEADER_BYTES) throw new ProtocolError('avc', 'empty NAL unit', 0);
  const first = nal[0];
  return {
    forbiddenZeroBit: first & NAL_FORBIDDEN_BIT ? 1 : 0,
    nalRefIdc: (first >> NAL_REF_IDC_SHIFT) & NAL_REF_IDC_MASK,
    nalUnitType: first & NAL_TYPE_MASK,
  };
}

const EMULATION_PREVENTION_BYTE = 0x03;
/** Bytes <= 3 after two zeros need an emulation prevention byte (7.4.1). */
const EMULATION_PREVENTION_MAX_FOLLOWER = 0x03;

/** NAL unit payload -> RBSP: drops every 0x03 that follows two zero bytes (7.4.1). */
export function removeEmulationPrevention(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let length = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === EMULATION_PREVENTION_BYTE) {
      zeros = 0;
      continue;
    }
    out[length] = byte;
    length += 1;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.slice(0, length);
}

/** RBSP -> NAL unit payload: inserts 0x03 wherever two zeros precede a byte <= 3 (7.4.1). */
export function addEmulationPrevention(rbsp: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= EMULATION_PREVENTION_MAX_FOLLOWER) {
      out.push(EMULATION_PREVENTION_BYTE);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

/** NAL unit length prefix sizes allowed in AVCC (lengthSizeMinusOne 0, 1 or 3). */
export type NalLengthSize = 1 | 2 | 4;
const NAL_LENGTH_SIZES: readonly number[] = [1, 2, 4];
const DEFAULT_NAL_LENGTH_SIZE: NalLengthSize = 4;

const BITS_PER_BYTE = 8;
const BYTE_MASK = 0xff;
const BYTE_RANGE = 0x100;

function readLength(bytes: Uint8Array, offset: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i += 1) value = value * BYTE_RANGE + bytes[offset + i];
  return value;
}

/** Splits length-prefixed NAL units (an FLV/MP4 AVC sample). Zero-length units are skipped. */
export function splitAvcc(data: Uint8Array, lengthSize: NalLengthSize = DEFAULT_NAL_LENGTH_SIZE): Uint8Array[] {
  if (!NAL_LENGTH_SIZES.includes(lengthSize)) throw new ProtocolError('avc', `NAL length size ${lengthSize} is not 1, 2 or 4`);
  const units: Uint8Array[] = [];
  let offset = 0;
  // Each pass consumes at least lengthSize bytes.
  while (offset < data.length) {
    if (offset + lengthSize > data.length) throw new ProtocolError('avc', 'truncated NAL unit length prefix', offset);
    const length = readLength(data, offset, lengthSize);
    const start = offset + lengthSize;
    if (length > data.length - start) {
      throw new ProtocolError('avc', `NAL unit length ${length} exceeds the ${data.length - start} bytes left`, offset);
    }
    if (length > 0) units.push(data.subarray(start, start + length));
    offset = start + length;
  }
  return units;
}

/** Joins NAL units with length prefixes (the inverse of splitAvcc). */
export function joinAvcc(units: readonly Uint8Array[], lengthSize: NalLengthSize = DEFAULT_NAL_LENGTH_SIZE): Uint8Array {
  if (!NAL_LENGTH_SIZES.includes(lengthSize)) throw new ProtocolError('avc', `NAL length size ${lengthSize} is not 1, 2 or 4`);
  const limit = 2 ** (BITS_PER_BYTE * lengthSize);
  let total = 0;
  for (const unit of units) {
    if (unit.length >= limit) throw new ProtocolError('limit', `NAL unit of ${unit.length} bytes does not fit a ${lengthSize}-byte length`);
    total += lengthSize + unit.length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const unit of units) {
    let remaining = unit.length;
    for (let i = lengthSize - 1; i >= 0; i -= 1) {
      out[offset + i] = remaining % BYTE_RANGE;
      remaining = Math.floor(remaining / BYTE_RANGE);
    }
    out.set(unit, offset + lengthSize);
    offset += lengthSize + unit.length;
  }
  return out;
}

const START_CODE_PREFIX_ZEROS = 2;
const START_CODE_ONE = 0x01;

/** Splits an Annex B byte stream on 00 00 01 / 00 00 00 01 start codes (B.1). Bytes before the
 *  first start code are ignored; trailing zero bytes of each unit (trailing_zero_8bits) are
 *  dropped. Throws if non-empty input has no start code. */
export function splitAnnexB(data: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  const codeStarts: number[] = [];
  let zeros = 0;
  for (let i = 0; i < data.length; i += 1) {
    const byte = data[i];
    if (byte === START_CODE_ONE && zeros >= START_CODE_PREFIX_ZEROS) {
      codeStarts.push(i - START_CODE_PREFIX_ZEROS);
      starts.push(i + 1);
    }
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  if (starts.length === 0) {
    if (data.length === 0) return [];
    throw new ProtocolError('avc', 'no Annex B start code found', 0);
  }
  const units: Uint8Array[] = [];
  for (let k = 0; k < starts.length; k += 1) {
    let end = k + 1 < starts.length ? codeStarts[k + 1] : data.length;
    while (end > starts[k] && data[end - 1] === 0) end -= 1;
    if (end > starts[k]) units.push(data.subarray(starts[k], end));
  }
  return units;
}

/** Joins NAL units as an Annex B byte stream with 4-byte start codes. */
export function joinAnnexB(units: readonly Uint8Array[]): Uint8Array {
  const startCode = [0, 0, 0, START_CODE_ONE];
  const out = new Uint8Array(units.reduce((sum, unit) => sum + startCode.length + unit.length, 0));
  let offset = 0;
  for (const unit of units) {
    out.set(startCode, offset);
    out.set(unit, offset + startCode.length);
    offset += startCode.length + unit.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// AVCDecoderConfigurationRecord

export interface AvcDecoderConfigurationRecord {
  configurationVersion: number;
  /** AVCProfileIndication (= profile_idc of the SPS). */
  profile: number;
  /** profile_compatibility (the SPS constraint_set flags byte). */
  compatibility: number;
  /** AVCLevelIndication (= level_idc). */
  level: number;
  lengthSizeMinusOne: number;
  /** NAL units (header byte included). */
  sps: Uint8Array[];
  pps: Uint8Array[];
  /** The high-profile extension (chroma_format etc.), when present. */
  extension?: {
    chromaFormat: number;
    bitDepthLumaMinus8: number;
    bitDepthChromaMinus8: number;
    spsExt: Uint8Array[];
  };
}

const AVC_CONFIGURATION_VERSION = 1;
const AVC_CONFIG_FIXED_BYTES = 6;
const LENGTH_SIZE_MINUS_ONE_MASK = 0x03;
const NUM_SPS_MASK = 0x1f;
const MAX_SPS_COUNT = NUM_SPS_MASK;
const MAX_PPS_COUNT = 0xff;
const MAX_PARAMETER_SET_BYTES = 0xffff;
const PARAMETER_SET_LENGTH_BYTES = 2;
const RESERVED_LENGTH_SIZE_BITS = 0xfc;
const RESERVED_NUM_SPS_BITS = 0xe0;
const CHROMA_FORMAT_MASK = 0x03;
const BIT_DEPTH_MASK = 0x07;
const AVC_CONFIG_EXTENSION_BYTES = 4;
/** Profiles whose record may carry the chroma/bit-depth extension (14496-15 5.2.4.1.1). */
const PROFILES_WITH_CONFIG_EXTENSION = new Set([100, 110, 122, 144]);

class ByteCursor {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  u8(what: string): number {
    if (this.offset + 1 > this.bytes.length) throw new ProtocolError('avc', `truncated ${what}`, this.offset);
    const value = this.bytes[this.offset];
    this.offset += 1;
    return value;
  }

  take(length: number, what: string): Uint8Array {
    if (length > this.bytes.length - this.offset) {
      throw new ProtocolError('avc', `${what} of ${length} bytes exceeds the ${this.bytes.length - this.offset} bytes left`, this.offset);
    }
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  parameterSets(count: number, what: string): Uint8Array[] {
    const sets: Uint8Array[] = [];
    for (let i = 0; i < count; i += 1) {
      const lengthBytes = this.take(PARAMETER_SET_LENGTH_BYTES, `${what} length`);
      sets.push(this.take((lengthBytes[0] << BITS_PER_BYTE) | lengthBytes[1], what));
    }
    return sets;
  }
}

/** Parses an AVCDecoderConfigurationRecord (the FLV AVC sequence header payload). */
export function parseAvcDecoderConfigurationRecord(bytes: Uint8Array): AvcDecoderConfigurationRecord {
  if (bytes.length < AVC_CONFIG_FIXED_BYTES) {
    throw new ProtocolError('avc', `decoder configuration record of ${bytes.length} bytes is shorter than ${AVC_CONFIG_FIXED_BYTES}`, 0);
  }
  const cursor = new ByteCursor(bytes);
  const configurationVersion = cursor.u8('configurationVersion');
  if (configurationVersion !== AVC_CONFIGURATION_VERSION) {
    throw new ProtocolError('avc', `unsupported configurationVersion ${configurationVersion}`, 0);
  }
  const profile = cursor.u8('AVCProfileIndication');
  const compatibility = cursor.u8('profile_compatibility');
  const level = cursor.u8('AVCLevelIndication');
  const lengthSizeMinusOne = cursor.u8('lengthSizeMinusOne') & LENGTH_SIZE_MINUS_ONE_MASK;
  if (!NAL_LENGTH_SIZES.includes(lengthSizeMinusOne + 1)) {
    throw new ProtocolError('avc', `NAL length size ${lengthSizeMinusOne + 1} is not 1, 2 or 4`, 4);
  }
  const sps = cursor.parameterSets(cursor.u8('numOfSequenceParameterSets') & NUM_SPS_MASK, 'SPS');
  const pps = cursor.parameterSets(cursor.u8('numOfPictureParameterSets'), 'PPS');
  const record: AvcDecoderConfigurationRecord = { configurationVersion, profile, compatibility, level, lengthSizeMinusOne, sps, pps };
  if (PROFILES_WITH_CONFIG_EXTENSION.has(profile) && bytes.length - cursor.offset >= AVC_CONFIG_EXTENSION_BYTES) {
    const chromaFormat = cursor.u8('chroma_format') & CHROMA_FORMAT_MASK;
    const bitDepthLumaMinus8 = cursor.u8('bit_depth_luma_minus8') & BIT_DEPTH_MASK;
    const bitDepthChromaMinus8 = cursor.u8('bit_depth_chroma_minus8') & BIT_DEPTH_MASK;
    const spsExt = cursor.parameterSets(cursor.u8('numOfSequenceParameterSetExt'), 'SPS extension');
    record.extension = { chromaFormat, bitDepthLumaMinus8, bitDepthChromaMinus8, spsExt };
  }
  return record;
}

export interface BuildAvcConfigOptions {
  /** SPS NAL units (header byte included); the first supplies profile, compatibility and level. */
  sps: readonly Uint8Array[];
  pps: readonly Uint8Array[];
  lengthSize?: NalLengthSize;
}

/** Builds an AVCDecoderConfigurationRecord (without the optional high-profile extension). */
export function buildAvcDecoderConfigurationRecord(options: BuildAvcConfigOptions): Uint8Array {
  const { sps, pps } = options;
  const lengthSize = options.lengthSize ?? DEFAULT_NAL_LENGTH_SIZE;
  if (!NAL_LENGTH_SIZES.includes(lengthSize)) throw new ProtocolError('avc', `NAL length size ${lengthSize} is not 1, 2 or 4`);
  if (sps.length === 0) throw new ProtocolError('avc', 'a decoder configuration record needs at least one SPS');
  if (sps.length > MAX_SPS_COUNT) throw new ProtocolError('limit', `${sps.length} SPS exceed ${MAX_SPS_COUNT}`);
  if (pps.length > MAX_PPS_COUNT) throw new ProtocolError('limit', `${pps.length} PPS exceed ${MAX_PPS_COUNT}`);
  const first = sps[0];
  if (first.length < SPS_HEADER_BYTES) throw new ProtocolError('avc', `SPS of ${first.length} bytes has no profile/level`);
  const sets = [...sps, ...pps];
  for (const set of sets) {
    if (set.length > MAX_PARAMETER_SET_BYTES) throw new ProtocolError('limit', `parameter set of ${set.length} bytes exceeds ${MAX_PARAMETER_SET_BYTES}`);
  }
  const out = new Uint8Array(
    AVC_CONFIG_FIXED_BYTES + 1 + sets.reduce((sum, set) => sum + PARAMETER_SET_LENGTH_BYTES + set.length, 0),
  );
  let offset = 0;
  const put = (byte: number): void => {
    out[offset] = byte;
    offset += 1;
  };
  const putSets = (list: readonly Uint8Array[]): void => {
    for (const set of list) {
      put(set.length >> BITS_PER_BYTE);
      put(set.length & BYTE_MASK);
      out.set(set, offset);
      offset += set.length;
    }
  };
  put(AVC_CONFIGURATION_VERSION);
  put(first[1]);
  put(first[2]);
  put(first[3]);
  put(RESERVED_LENGTH_SIZE_BITS | (lengthSize - 1));
  put(RESERVED_NUM_SPS_BITS | sps.length);
  putSets(sps);
  put(pps.length);
  putSets(pps);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sequence parameter set

/** profile_idc values, H.264 Annex A. */
export const AVC_PROFILE = {
  cavlc444Intra: 44,
  baseline: 66,
  main: 77,
  scalableBaseline: 83,
  scalableHigh: 86,
  extended: 88,
  high: 100,
  high10: 110,
  multiviewHigh: 118,
  high422: 122,
  stereoHigh: 128,
  multiviewDepthHigh: 138,
  high444Predictive: 244,
} as const;

const AVC_PROFILE_NAMES: Readonly<Record<number, string>> = {
  [AVC_PROFILE.cavlc444Intra]: 'CAVLC 4:4:4 Intra',
  [AVC_PROFILE.baseline]: 'Baseline',
  [AVC_PROFILE.main]: 'Main',
  [AVC_PROFILE.scalableBaseline]: 'Scalable Baseline',
  [AVC_PROFILE.scalableHigh]: 'Scalable High',
  [AVC_PROFILE.extended]: 'Extended',
  [AVC_PROFILE.high]: 'High',
  [AVC_PROFILE.high10]: 'High 10',
  [AVC_PROFILE.multiviewHigh]: 'Multiview High',
  [AVC_PROFILE.high422]: 'High 4:2:2',
  [AVC_PROFILE.stereoHigh]: 'Stereo High',
  [AVC_PROFILE.multiviewDepthHigh]: 'Multiview Depth High',
  [AVC_PROFILE.high444Predictive]: 'High 4:4:4 Predictive',
};

/** Profiles whose SPS carries chroma_format_idc, bit depths and scaling lists (7.3.2.1.1). */
const PROFILES_WITH_CHROMA_INFO = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

export type ChromaFormat = '4:0:0' | '4:2:0' | '4:2:2' | '4:4:4';
const CHROMA_FORMATS: readonly ChromaFormat[] = ['4:0:0', '4:2:0', '4:2:2', '4:4:4'];
const CHROMA_FORMAT_IDC_420 = 1;
const CHROMA_FORMAT_IDC_444 = 3;
/** SubWidthC / SubHeightC per chroma_format_idc, Table 6-1 (index 0 unused: monochrome). */
const SUB_WIDTH_C = [1, 2, 2, 1] as const;
const SUB_HEIGHT_C = [1, 2, 1, 1] as const;
const MACROBLOCK_SIZE = 16;

const SPS_HEADER_BYTES = 4;
const MAX_SPS_ID = 31;
const MAX_BIT_DEPTH_MINUS8 = 6;
const BASE_BIT_DEPTH = 8;
const MAX_LOG2_MINUS4 = 12;
const LOG2_MAX_FRAME_NUM_BASE = 4;
const MAX_POC_TYPE = 2;
const MAX_REF_FRAMES_IN_POC_CYCLE = 255;
const SCALING_LISTS_4X4 = 6;
const SCALING_LIST_COUNT = 8;
const SCALING_LIST_COUNT_444 = 12;
const SCALING_LIST_4X4_SIZE = 16;
const SCALING_LIST_8X8_SIZE = 64;
const SCALING_DEFAULT = 8;
const SCALING_MODULO = 256;
const SCALING_DELTA_MIN = -128;
const SCALING_DELTA_MAX = 127;
const LEVEL_DIVISOR = 10;

export interface SpsCropping {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface AvcSps {
  /** profile_idc. */
  profile: number;
  profileName: string;
  /** The constraint_set0..5 flags byte. */
  constraintFlags: number;
  /** level_idc (e.g. 31 for level 3.1). */
  level: number;
  /** level_idc / 10 (level 1b is not distinguished). */
  levelNumber: number;
  spsId: number;
  chromaFormatIdc: number;
  chromaFormat: ChromaFormat;
  separateColourPlane: boolean;
  bitDepthLuma: number;
  bitDepthChroma: number;
  scalingMatrixPresent: boolean;
  log2MaxFrameNum: number;
  picOrderCntType: number;
  maxNumRefFrames: number;
  frameMbsOnly: boolean;
  /** Size in pixels after cropping. */
  width: number;
  height: number;
  /** Decoded size before cropping. */
  codedWidth: number;
  codedHeight: number;
  /** The frame_crop_*_offset values, in crop units. */
  cropping: SpsCropping;
  vuiPresent: boolean;
}

function checkRange(value: number, max: number, what: string, reader: BitReader): number {
  if (value > max) throw new ProtocolError('avc', `${what} ${value} exceeds ${max}`, Math.floor(reader.position / BITS_PER_BYTE));
  return value;
}

function skipScalingList(reader: BitReader, size: number): void {
  let lastScale = SCALING_DEFAULT;
  let nextScale = SCALING_DEFAULT;
  for (let j = 0; j < size; j += 1) {
    if (nextScale !== 0) {
      const delta = reader.readSE();
      if (delta < SCALING_DELTA_MIN || delta > SCALING_DELTA_MAX) {
        throw new ProtocolError('avc', `delta_scale ${delta} outside ${SCALING_DELTA_MIN}..${SCALING_DELTA_MAX}`);
      }
      nextScale = (lastScale + delta + SCALING_MODULO) % SCALING_MODULO;
    }
    lastScale = nextScale === 0 ? lastScale : nextScale;
  }
}

/** Parses an SPS NAL unit (header byte included, emulation prevention still in place). */
export function parseSps(nal: Uint8Array): AvcSps {
  const header = parseNalUnitHeader(nal);
  if (header.nalUnitType !== NAL_UNIT_TYPE.sps) {
    throw new ProtocolError('avc', `NAL unit type ${header.nalUnitType} (${nalUnitTypeName(header.nalUnitType)}) is not an SPS`, 0);
  }
  const reader = new BitReader(removeEmulationPrevention(nal.subarray(NAL_HEADER_BYTES)), 'avc');
  const profile = reader.readBits(BITS_PER_BYTE);
  const constraintFlags = reader.readBits(BITS_PER_BYTE);
  const level = reader.readBits(BITS_PER_BYTE);
  const spsId = checkRange(reader.readUE(), MAX_SPS_ID, 'seq_parameter_set_id', reader);

  let chromaFormatIdc = CHROMA_FORMAT_IDC_420;
  let separateColourPlane = false;
  let bitDepthLuma = BASE_BIT_DEPTH;
  let bitDepthChroma = BASE_BIT_DEPTH;
  let scalingMatrixPresent = false;
  if (PROFILES_WITH_CHROMA_INFO.has(profile)) {
    chromaFormatIdc = checkRange(reader.readUE(), CHROMA_FORMAT_IDC_444, 'chroma_format_idc', reader);
    if (chromaFormatIdc === CHROMA_FORMAT_IDC_444) separateColourPlane = reader.readFlag();
    bitDepthLuma = BASE_BIT_DEPTH + checkRange(reader.readUE(), MAX_BIT_DEPTH_MINUS8, 'bit_depth_luma_minus8', reader);
    bitDepthChroma = BASE_BIT_DEPTH + checkRange(reader.readUE(), MAX_BIT_DEPTH_MINUS8, 'bit_depth_chroma_minus8', reader);
    reader.readFlag(); // qpprime_y_zero_transform_bypass_flag
    scalingMatrixPresent = reader.readFlag();
    if (scalingMatrixPresent) {
      const lists = chromaFormatIdc === CHROMA_FORMAT_IDC_444 ? SCALING_LIST_COUNT_444 : SCALING_LIST_COUNT;
      for (let i = 0; i < lists; i += 1) {
        if (reader.readFlag()) skipScalingList(reader, i < SCALING_LISTS_4X4 ? SCALING_LIST_4X4_SIZE : SCALING_LIST_8X8_SIZE);
      }
    }
  }

  const log2MaxFrameNum = LOG2_MAX_FRAME_NUM_BASE + checkRange(reader.readUE(), MAX_LOG2_MINUS4, 'log2_max_frame_num_minus4', reader);
  const picOrderCntType = checkRange(reader.readUE(), MAX_POC_TYPE, 'pic_order_cnt_type', reader);
  if (picOrderCntType === 0) {
    checkRange(reader.readUE(), MAX_LOG2_MINUS4, 'log2_max_pic_order_cnt_lsb_minus4', reader);
  } else if (picOrderCntType === 1) {
    reader.readFlag(); // delta_pic_order_always_zero_flag
    reader.readSE(); // offset_for_non_ref_pic
    reader.readSE(); // offset_for_top_to_bottom_field
    const cycle = checkRange(reader.readUE(), MAX_REF_FRAMES_IN_POC_CYCLE, 'num_ref_frames_in_pic_order_cnt_cycle', reader);
    for (let i = 0; i < cycle; i += 1) reader.readSE(); // offset_for_ref_frame[i]
  }
  const maxNumRefFrames = reader.readUE();
  reader.readFlag(); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = reader.readUE() + 1;
  const heightInMapUnits = reader.readUE() + 1;
  const frameMbsOnly = reader.readFlag();
  if (!frameMbsOnly) reader.readFlag(); // mb_adaptive_frame_field_flag
  reader.readFlag(); // direct_8x8_inference_flag
  const cropping: SpsCropping = { left: 0, right: 0, top: 0, bottom: 0 };
  if (reader.readFlag()) {
    cropping.left = reader.readUE();
    cropping.right = reader.readUE();
    cropping.top = reader.readUE();
    cropping.bottom = reader.readUE();
  }
  const vuiPresent = reader.readFlag();

  const fieldFactor = frameMbsOnly ? 1 : 2;
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const cropUnitX = chromaArrayType === 0 ? 1 : SUB_WIDTH_C[chromaArrayType];
  const cropUnitY = (chromaArrayType === 0 ? 1 : SUB_HEIGHT_C[chromaArrayType]) * fieldFactor;
  const codedWidth = widthInMbs * MACROBLOCK_SIZE;
  const codedHeight = fieldFactor * heightInMapUnits * MACROBLOCK_SIZE;
  const width = codedWidth - (cropping.left + cropping.right) * cropUnitX;
  const height = codedHeight - (cropping.top + cropping.bottom) * cropUnitY;
  if (width <= 0 || height <= 0) {
    throw new ProtocolError('avc', `cropping leaves a ${width}x${height} picture out of ${codedWidth}x${codedHeight}`);
  }
  return {
    profile,
    profileName: AVC_PROFILE_NAMES[profile] ?? `profile ${profile}`,
    constraintFlags,
    level,
    levelNumber: level / LEVEL_DIVISOR,
    spsId,
    chromaFormatIdc,
    chromaFormat: CHROMA_FORMATS[chromaFormatIdc],
    separateColourPlane,
    bitDepthLuma,
    bitDepthChroma,
    scalingMatrixPresent,
    log2MaxFrameNum,
    picOrderCntType,
    maxNumRefFrames,
    frameMbsOnly,
    width,
    height,
    codedWidth,
    codedHeight,
    cropping,
    vuiPresent,
  };
}
