// Tests of the ffmpeg listing parsers doctor relies on (bench/doctor/ffmpeg-listings.ts), on
// excerpts in the layouts of ffmpeg 4 and ffmpeg 6/7.
import { describe, expect, it } from 'vitest';
import { parseFlagNameRows, parseFormatRows, parseProtocols, parseVersion } from '../../bench/doctor/ffmpeg-listings.ts';

const ENCODERS = `Encoders:
 V..... = Video
 A..... = Audio
 S..... = Subtitle
 .F.... = Frame-level multithreading
 ------
 V..... libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 A..... aac                  AAC (Advanced Audio Coding)
`;

const FILTERS_V4 = `Filters:
  T.. = Timeline support
  .S. = Slice threading
  A = Audio input/output
  | = Source or sink filter
 ... abench            A->A       Benchmark part of a filtergraph.
 TSC hflip             V->V       Horizontally flip the input video.
 ... anoisesrc         |->A       Generate a noise audio signal.
`;

const MUXERS_V4 = `File formats:
 D. = Demuxing supported
 .E = Muxing supported
 --
  E 3g2             3GP2 (3GPP2 file format)
 DE flv             FLV (Flash Video)
`;

const DEMUXERS_V6 = `File formats:
 D. = Demuxing supported
 .E = Muxing supported
 ..d = Is a device
 ---
 D  flv             FLV (Flash Video)
 D  live_flv        live RTMP FLV (Flash Video)
 D d lavfi           Libavfilter virtual input device
 D  mov,mp4,m4a,3gp,3g2,mj2 QuickTime / MOV
`;

const PROTOCOLS = `Supported file protocols:
Input:
  file
  rtmp
  tcp
Output:
  file
  rtmp
`;

describe('ffmpeg listing parsers', () => {
  it('reads encoder names after the dashed legend line, not the legend', () => {
    const names = parseFlagNameRows(ENCODERS);
    expect([...names].sort()).toEqual(['aac', 'libx264']);
  });

  it('reads filter names after the "| = Source or sink" legend line', () => {
    expect([...parseFlagNameRows(FILTERS_V4)].sort()).toEqual(['abench', 'anoisesrc', 'hflip']);
  });

  it('reads muxer and demuxer names, device flags and comma lists included', () => {
    expect([...parseFormatRows(MUXERS_V4)].sort()).toEqual(['3g2', 'flv']);
    const demuxers = parseFormatRows(DEMUXERS_V6);
    for (const name of ['flv', 'live_flv', 'lavfi', 'mov', 'mp4', 'mj2']) expect(demuxers.has(name)).toBe(true);
    expect(demuxers.has('d')).toBe(false);
    expect(demuxers.has('D')).toBe(false);
  });

  it('separates input and output protocols', () => {
    const protocols = parseProtocols(PROTOCOLS);
    expect([...protocols.input]).toEqual(['file', 'rtmp', 'tcp']);
    expect([...protocols.output]).toEqual(['file', 'rtmp']);
  });

  it('finds the version token, and nothing in text without one', () => {
    expect(parseVersion('ffmpeg version 6.1.1-3ubuntu5 Copyright (c) 2000-2023')).toBe('6.1.1-3ubuntu5');
    expect(parseVersion('ffprobe version N-66595-gc2b38619c0-static https://x')).toBe('N-66595-gc2b38619c0-static');
    expect(parseVersion('no such thing')).toBeUndefined();
  });
});
