// AVC helpers: Exp-Golomb (H.264 9.1), emulation prevention (7.4.1), AVCC / Annex B splitting,
// AVCDecoderConfigurationRecord (14496-15 5.2.4.1) and SPS parsing (7.3.2.1.1) on hand-built and
// recorded parameter sets.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BitWriter } from '../../protocol/bits.ts';
import {
  BitReader,
  NAL_UNIT_TYPE,
  addEmulationPrevention,
  buildAvcDecoderConfigurationRecord,
  joinAnnexB,
  joinAvcc,
  nalUnitTypeName,
  parseAvcDecoderConfigurationRecord,
  parseNalUnitHeader,
  parseSps,
  removeEmulationPrevention,
  splitAnnexB,
  splitAvcc,
} from '../../protocol/avc.ts';
import { bits, expectProtocolError, hex } from './bytes-helpers.ts';

/** A real SPS written by ffmpeg 4.x/libx264 for testsrc 360x640 rgb24 (High 4:4:4, cropped
 *  368 -> 360, with an emulation prevention byte). */
const FFMPEG_SPS_444_360X640 = hex('67F4001691968170 51E27C0440000003 0040000007 83C58BA8');

interface SpsFields {
  profile: number;
  level?: number;
  chromaFormatIdc?: number;
  separateColourPlane?: boolean;
  bitDepthLumaMinus8?: number;
  scalingLists?: (number[] | null)[];
  pocType?: 0 | 1 | 2;
  pocCycle?: number[];
  widthMbs: number;
  heightMapUnits: number;
  frameMbsOnly?: boolean;
  crop?: [number, number, number, number];
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Writes an SPS NAL unit field by field (H.264 7.3.2.1.1), for cases encoders will not make. */
function buildSps(fields: SpsFields): Uint8Array {
  const w = new BitWriter();
  w.writeBits(fields.profile, 8);
  w.writeBits(0, 8);
  w.writeBits(fields.level ?? 30, 8);
  w.writeUE(0);
  if (HIGH_PROFILES.has(fields.profile)) {
    const chroma = fields.chromaFormatIdc ?? 1;
    w.writeUE(chroma);
    if (chroma === 3) w.writeFlag(fields.separateColourPlane ?? false);
    w.writeUE(fields.bitDepthLumaMinus8 ?? 0);
    w.writeUE(0);
    w.writeFlag(false);
    const lists = fields.scalingLists;
    w.writeFlag(lists !== undefined);
    if (lists) {
      for (const list of lists) {
        w.writeFlag(list !== null);
        if (list) for (const delta of list) w.writeSE(delta);
      }
    }
  }
  w.writeUE(0); // log2_max_frame_num_minus4
  const pocType = fields.pocType ?? 0;
  w.writeUE(pocType);
  if (pocType === 0) w.writeUE(2);
  if (pocType === 1) {
    w.writeFlag(false);
    w.writeSE(-3);
    w.writeSE(5);
    const cycle = fields.pocCycle ?? [];
    w.writeUE(cycle.length);
    for (const offset of cycle) w.writeSE(offset);
  }
  w.writeUE(1); // max_num_ref_frames
  w.writeFlag(false);
  w.writeUE(fields.widthMbs - 1);
  w.writeUE(fields.heightMapUnits - 1);
  const frameMbsOnly = fields.frameMbsOnly ?? true;
  w.writeFlag(frameMbsOnly);
  if (!frameMbsOnly) w.writeFlag(false);
  w.writeFlag(true); // direct_8x8_inference_flag
  w.writeFlag(fields.crop !== undefined);
  if (fields.crop) for (const value of fields.crop) w.writeUE(value);
  w.writeFlag(false); // vui
  w.writeBits(1, 1); // rbsp_stop_one_bit
  const rbsp = w.finish();
  return new Uint8Array([0x67, ...addEmulationPrevention(rbsp)]);
}

describe('Exp-Golomb bit reader', () => {
  it('reads ue(v) and se(v) codewords (H.264 Table 9-2, 9-3)', () => {
    const reader = new BitReader(bits('1 010 011 00100 00111 0001000'), 'avc');
    expect([reader.readUE(), reader.readUE(), reader.readUE(), reader.readUE(), reader.readUE(), reader.readUE()]).toEqual([0, 1, 2, 3, 6, 7]);
    const signed = new BitReader(bits('1 010 011 00100 00101'), 'avc');
    expect([signed.readSE(), signed.readSE(), signed.readSE(), signed.readSE(), signed.readSE()]).toEqual([0, 1, -1, 2, -2]);
  });

  it('reads fixed-width fields up to 32 bits and reports what is left', () => {
    const reader = new BitReader(hex('FFFFFFFF 80'), 'avc');
    expect(reader.readBits(32)).toBe(0xffffffff);
    expect(reader.bitsLeft).toBe(8);
    expect(reader.readBit()).toBe(1);
    expect(reader.readBits(7)).toBe(0);
    expectProtocolError(() => reader.readBit(), 'avc');
  });

  it('rejects over-long codes and reads past the end with the reader error code', () => {
    expectProtocolError(() => new BitReader(hex('0000000000'), 'avc').readUE(), 'avc');
    expectProtocolError(() => new BitReader(hex('00'), 'aac').readUE(), 'aac');
    expectProtocolError(() => new BitReader(hex('00'), 'avc').readBits(9), 'avc');
  });

  it('round trips ue/se through the writer', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 2 ** 32 - 2 }), fc.integer({ min: -(2 ** 30), max: 2 ** 30 }))), (pairs) => {
        const w = new BitWriter();
        for (const [u, s] of pairs) {
          w.writeUE(u);
          w.writeSE(s);
        }
        const reader = new BitReader(w.finish(), 'avc');
        for (const [u, s] of pairs) {
          expect(reader.readUE()).toBe(u);
          expect(reader.readSE()).toBe(s);
        }
      }),
      { numRuns: 200, seed: 0xe9 },
    );
  });
});

describe('emulation prevention', () => {
  it('removes 0x03 after two zeros and inserts it back', () => {
    expect(removeEmulationPrevention(hex('00 00 03 01 00 00 03 00 00 03'))).toEqual(hex('00 00 01 00 00 00 00'));
    expect(addEmulationPrevention(hex('00 00 01 00 00 00 00'))).toEqual(hex('00 00 03 01 00 00 03 00 00'));
    expect(removeEmulationPrevention(hex('00 03 00 00 04'))).toEqual(hex('00 03 00 00 04'));
  });

  it('round trips any RBSP', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }).map((b) => b.map((x) => x % 5)), (rbsp) => {
        const escaped = addEmulationPrevention(rbsp);
        expect(removeEmulationPrevention(escaped)).toEqual(rbsp);
        for (let i = 2; i < escaped.length; i += 1) {
          if (escaped[i - 2] === 0 && escaped[i - 1] === 0) expect(escaped[i]).toBeGreaterThanOrEqual(3);
        }
      }),
      { numRuns: 300, seed: 0x03 },
    );
  });
});

describe('NAL unit framing', () => {
  it('names NAL unit types (Table 7-1) and parses the header byte', () => {
    expect(nalUnitTypeName(NAL_UNIT_TYPE.sps)).toBe('SPS');
    expect(nalUnitTypeName(5)).toBe('slice (IDR)');
    expect(nalUnitTypeName(1)).toBe('slice (non-IDR)');
    expect(nalUnitTypeName(9)).toBe('access unit delimiter');
    expect(nalUnitTypeName(17)).toBe('reserved');
    expect(nalUnitTypeName(0)).toBe('unspecified');
    expect(nalUnitTypeName(30)).toBe('unspecified');
    expect(parseNalUnitHeader(hex('65'))).toEqual({ forbiddenZeroBit: 0, nalRefIdc: 3, nalUnitType: 5 });
    expect(parseNalUnitHeader(hex('E1'))).toEqual({ forbiddenZeroBit: 1, nalRefIdc: 3, nalUnitType: 1 });
    expectProtocolError(() => parseNalUnitHeader(hex('')), 'avc');
  });

  it('splits and joins length-prefixed NAL units of every prefix size', () => {
    expect(splitAvcc(hex('00000002 6588 00000001 41'))).toEqual([hex('6588'), hex('41')]);
    expect(splitAvcc(hex('0002 6588 0000 0001 41'), 2)).toEqual([hex('6588'), hex('41')]);
    expect(splitAvcc(hex('02 6588 01 41'), 1)).toEqual([hex('6588'), hex('41')]);
    expect(joinAvcc([hex('6588'), hex('41')], 2)).toEqual(hex('0002 6588 0001 41'));
    expectProtocolError(() => splitAvcc(hex('FFFFFFFF 65')), 'avc');
    expectProtocolError(() => splitAvcc(hex('000000')), 'avc');
    expectProtocolError(() => splitAvcc(hex('00'), 3 as 4), 'avc');
    expectProtocolError(() => joinAvcc([new Uint8Array(256)], 1), 'limit');
  });

  it('splits Annex B streams on 3- and 4-byte start codes', () => {
    const stream = hex('AA 00000001 6742 000001 68CE 00 000001 6588 0000');
    expect(splitAnnexB(stream)).toEqual([hex('6742'), hex('68CE'), hex('6588')]);
    expect(splitAnnexB(joinAnnexB([hex('09F0'), hex('6742')]))).toEqual([hex('09F0'), hex('6742')]);
    expect(splitAnnexB(hex(''))).toEqual([]);
    expectProtocolError(() => splitAnnexB(hex('6742')), 'avc');
  });
});

describe('AVCDecoderConfigurationRecord', () => {
  const sps = hex('6764001FAC');
  const pps = hex('68EE3C80');

  it('builds the record byte for byte', () => {
    expect(buildAvcDecoderConfigurationRecord({ sps: [sps], pps: [pps] })).toEqual(
      hex('01 64 00 1F FF E1 0005 6764001FAC 01 0004 68EE3C80'),
    );
    expect(buildAvcDecoderConfigurationRecord({ sps: [sps], pps: [], lengthSize: 2 })).toEqual(hex('01 64 00 1F FD E1 0005 6764001FAC 00'));
  });

  it('parses what it builds, and the optional high-profile extension', () => {
    const record = buildAvcDecoderConfigurationRecord({ sps: [sps], pps: [pps, hex('68AA')] });
    expect(parseAvcDecoderConfigurationRecord(record)).toEqual({
      configurationVersion: 1,
      profile: 0x64,
      compatibility: 0,
      level: 0x1f,
      lengthSizeMinusOne: 3,
      sps: [sps],
      pps: [pps, hex('68AA')],
    });
    const extended = new Uint8Array([...record, 0xfd, 0xf8, 0xf8, 0x00]);
    expect(parseAvcDecoderConfigurationRecord(extended).extension).toEqual({ chromaFormat: 1, bitDepthLumaMinus8: 0, bitDepthChromaMinus8: 0, spsExt: [] });
  });

  it('rejects malformed records', () => {
    expectProtocolError(() => parseAvcDecoderConfigurationRecord(hex('01 64 00 1F FF')), 'avc');
    expectProtocolError(() => parseAvcDecoderConfigurationRecord(hex('02 64 00 1F FF E0 00')), 'avc');
    expectProtocolError(() => parseAvcDecoderConfigurationRecord(hex('01 64 00 1F FE E0 00')), 'avc'); // 3-byte lengths
    expectProtocolError(() => parseAvcDecoderConfigurationRecord(hex('01 64 00 1F FF E1 FFFF 67')), 'avc');
    expectProtocolError(() => parseAvcDecoderConfigurationRecord(hex('01 64 00 1F FF E1 0001 67')), 'avc'); // no PPS count
    expectProtocolError(() => buildAvcDecoderConfigurationRecord({ sps: [], pps: [] }), 'avc');
    expectProtocolError(() => buildAvcDecoderConfigurationRecord({ sps: Array.from({ length: 32 }, () => sps), pps: [] }), 'limit');
  });
});

describe('SPS parsing', () => {
  it('parses a real ffmpeg SPS (emulation prevention, 4:4:4 cropping)', () => {
    expect(parseSps(FFMPEG_SPS_444_360X640)).toMatchObject({
      profile: 244,
      profileName: 'High 4:4:4 Predictive',
      level: 22,
      levelNumber: 2.2,
      chromaFormatIdc: 3,
      chromaFormat: '4:4:4',
      picOrderCntType: 2,
      frameMbsOnly: true,
      width: 360,
      height: 640,
      codedWidth: 368,
      codedHeight: 640,
      cropping: { left: 0, right: 8, top: 0, bottom: 0 },
      vuiPresent: true,
    });
  });

  it('computes size from macroblocks and 4:2:0 crop units', () => {
    const sps = parseSps(buildSps({ profile: 66, widthMbs: 23, heightMapUnits: 13, crop: [0, 3, 0, 3] }));
    expect(sps).toMatchObject({ profile: 66, profileName: 'Baseline', chromaFormat: '4:2:0', width: 362, height: 202, codedWidth: 368, codedHeight: 208 });
  });

  it('handles field coding (frame_mbs_only = 0) doubling height and crop unit', () => {
    const sps = parseSps(buildSps({ profile: 77, widthMbs: 23, heightMapUnits: 7, frameMbsOnly: false, crop: [1, 2, 1, 4] }));
    expect(sps).toMatchObject({ frameMbsOnly: false, codedHeight: 224, height: 224 - 5 * 4, width: 368 - 3 * 2 });
  });

  it('handles 4:2:2, 4:0:0 and separate colour planes', () => {
    expect(parseSps(buildSps({ profile: 122, chromaFormatIdc: 2, widthMbs: 2, heightMapUnits: 2, crop: [1, 0, 1, 1] }))).toMatchObject({
      chromaFormat: '4:2:2',
      width: 30,
      height: 30,
    });
    expect(parseSps(buildSps({ profile: 100, chromaFormatIdc: 0, widthMbs: 2, heightMapUnits: 2, crop: [1, 0, 1, 1] }))).toMatchObject({
      chromaFormat: '4:0:0',
      width: 31,
      height: 30,
    });
    expect(parseSps(buildSps({ profile: 244, chromaFormatIdc: 3, separateColourPlane: true, widthMbs: 2, heightMapUnits: 2, crop: [1, 0, 1, 1] }))).toMatchObject({
      chromaFormat: '4:4:4',
      separateColourPlane: true,
      width: 31,
      height: 30,
    });
  });

  it('skips scaling lists (4x4 and 8x8, including the 12 lists of 4:4:4)', () => {
    const flat4 = Array.from({ length: 16 }, (_, i) => (i === 0 ? 8 : 0));
    const endEarly = [-8]; // nextScale 0 right away: use the default list
    const eight = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const lists420 = [flat4, null, endEarly, null, null, flat4, eight, null];
    expect(parseSps(buildSps({ profile: 100, scalingLists: lists420, widthMbs: 20, heightMapUnits: 10, bitDepthLumaMinus8: 2 }))).toMatchObject({
      scalingMatrixPresent: true,
      bitDepthLuma: 10,
      width: 320,
      height: 160,
    });
    const lists444 = [...lists420, eight, null, endEarly, eight];
    expect(parseSps(buildSps({ profile: 244, chromaFormatIdc: 3, scalingLists: lists444, widthMbs: 20, heightMapUnits: 10 }))).toMatchObject({
      scalingMatrixPresent: true,
      width: 320,
      height: 160,
    });
  });

  it('parses every pic_order_cnt_type', () => {
    for (const pocType of [0, 1, 2] as const) {
      const sps = parseSps(buildSps({ profile: 77, pocType, pocCycle: [1, -2, 3], widthMbs: 4, heightMapUnits: 3 }));
      expect(sps).toMatchObject({ picOrderCntType: pocType, width: 64, height: 48 });
    }
  });

  it('rejects non-SPS units, out-of-range fields, truncation and impossible cropping', () => {
    expectProtocolError(() => parseSps(hex('68CE3C80')), 'avc');
    expectProtocolError(() => parseSps(buildSps({ profile: 66, widthMbs: 2, heightMapUnits: 2, crop: [8, 8, 0, 0] })), 'avc');
    expectProtocolError(() => parseSps(buildSps({ profile: 100, chromaFormatIdc: 4, widthMbs: 2, heightMapUnits: 2 })), 'avc');
    expectProtocolError(() => parseSps(buildSps({ profile: 100, scalingLists: [[200]], widthMbs: 2, heightMapUnits: 2 })), 'avc');
    const full = buildSps({ profile: 100, widthMbs: 20, heightMapUnits: 10, crop: [1, 1, 1, 1] });
    for (let cut = 1; cut < full.length - 1; cut += 1) expectProtocolError(() => parseSps(full.subarray(0, cut)), 'avc');
  });
});
