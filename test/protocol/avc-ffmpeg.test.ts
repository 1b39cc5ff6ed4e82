// SPS parsing against real libx264 output (one frame each, Annex B): odd sizes exercise the
// cropping rectangle under 4:2:0, 4:2:2, 4:4:4 and 4:0:0, field coding changes the crop unit, and
// B-frames change pic_order_cnt_type. Sizes must come back exactly as ffmpeg was asked.
import { describe, expect, it } from 'vitest';
import {
  NAL_UNIT_TYPE,
  buildAvcDecoderConfigurationRecord,
  parseAvcDecoderConfigurationRecord,
  parseNalUnitHeader,
  parseSps,
  splitAnnexB,
  type AvcSps,
} from '../../protocol/avc.ts';
import { synthH264Frame } from './ffmpeg-fixture.ts';

interface Variant {
  name: string;
  encode: Parameters<typeof synthH264Frame>[0];
  expected: Partial<AvcSps>;
}

const VARIANTS: Variant[] = [
  {
    name: '362x202 4:2:0 (crop 3 chroma units right and bottom)',
    encode: { width: 362, height: 202 },
    expected: { width: 362, height: 202, chromaFormat: '4:2:0', codedWidth: 368, codedHeight: 208, cropping: { left: 0, right: 3, top: 0, bottom: 3 } },
  },
  {
    name: '362x202 4:2:2 (SubHeightC 1)',
    encode: { width: 362, height: 202, pixFmt: 'yuv422p' },
    expected: { width: 362, height: 202, chromaFormat: '4:2:2', profile: 122, cropping: { left: 0, right: 3, top: 0, bottom: 6 } },
  },
  {
    name: '362x202 4:4:4 (crop unit 1)',
    encode: { width: 362, height: 202, pixFmt: 'yuv444p' },
    expected: { width: 362, height: 202, chromaFormat: '4:4:4', profile: 244, cropping: { left: 0, right: 6, top: 0, bottom: 6 } },
  },
  {
    name: '362x202 4:0:0 monochrome',
    encode: { width: 362, height: 202, pixFmt: 'gray' },
    expected: { width: 362, height: 202, chromaFormat: '4:0:0', chromaFormatIdc: 0 },
  },
  {
    name: '360x204 interlaced (field pairs, crop unit 4)',
    encode: { width: 360, height: 204, x264Params: 'interlaced=1' },
    expected: { width: 360, height: 204, frameMbsOnly: false, codedHeight: 224, picOrderCntType: 0, cropping: { left: 0, right: 4, top: 0, bottom: 5 } },
  },
  {
    name: '640x360 with B-frames (POC type 0)',
    encode: { width: 640, height: 360, x264Params: 'bframes=2' },
    expected: { width: 640, height: 360, picOrderCntType: 0 },
  },
  {
    name: '640x360 without B-frames (POC type 2)',
    encode: { width: 640, height: 360 },
    expected: { width: 640, height: 360, picOrderCntType: 2 },
  },
];

describe('SPS from libx264', () => {
  it.each(VARIANTS)('$name', async ({ encode, expected }) => {
    const stream = await synthH264Frame(encode);
    const nals = splitAnnexB(stream);
    const types = nals.map((nal) => parseNalUnitHeader(nal).nalUnitType);
    expect(types).toContain(NAL_UNIT_TYPE.sps);
    expect(types).toContain(NAL_UNIT_TYPE.pps);
    expect(types).toContain(NAL_UNIT_TYPE.sliceIdr);
    const sps = nals[types.indexOf(NAL_UNIT_TYPE.sps)];
    const pps = nals[types.indexOf(NAL_UNIT_TYPE.pps)];
    expect(parseSps(sps)).toMatchObject(expected);
    const record = parseAvcDecoderConfigurationRecord(buildAvcDecoderConfigurationRecord({ sps: [sps], pps: [pps] }));
    expect(record).toMatchObject({ profile: sps[1], compatibility: sps[2], level: sps[3], sps: [sps], pps: [pps] });
  });
});
