// AAC AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) golden bits and round trips, and ADTS headers
// (1.A.2.2) from a real ffmpeg AAC encode.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AAC_CHANNEL_COUNTS,
  AAC_SAMPLING_FREQUENCIES,
  adtsToAudioSpecificConfig,
  buildAudioSpecificConfig,
  parseAdtsHeader,
  parseAudioSpecificConfig,
  splitAdts,
} from '../../protocol/aac.ts';
import { synthAdts } from './ffmpeg-fixture.ts';
import { bits, expectProtocolError, hex } from './bytes-helpers.ts';

describe('AudioSpecificConfig golden encodings', () => {
  it('AAC LC 44100 Hz stereo is 12 10', () => {
    expect(parseAudioSpecificConfig(hex('1210'))).toEqual({
      objectType: 2,
      samplingFrequencyIndex: 4,
      sampleRate: 44100,
      channelConfiguration: 2,
      channels: 2,
      frameLength: 1024,
    });
    expect(buildAudioSpecificConfig({ objectType: 2, sampleRate: 44100, channels: 2 })).toEqual(hex('1210'));
  });

  it('AAC LC 48000 Hz mono is 11 88 (trailing sync extension ignored)', () => {
    expect(parseAudioSpecificConfig(hex('1188 56E500'))).toMatchObject({ objectType: 2, sampleRate: 48000, channels: 1 });
    expect(buildAudioSpecificConfig({ objectType: 2, sampleRate: 48000, channels: 1 })).toEqual(hex('1188'));
  });

  it('explicit 24-bit frequency (index 15) and 960-sample frames', () => {
    const asc = bits('00010 1111 000000000011000000111001 0010 1 0 0'); // LC, 12345 Hz, stereo, 960
    expect(parseAudioSpecificConfig(asc)).toMatchObject({ objectType: 2, samplingFrequencyIndex: 15, sampleRate: 12345, channels: 2, frameLength: 960 });
    expect(buildAudioSpecificConfig({ objectType: 2, sampleRate: 12345, channels: 2, frameLength: 960 })).toEqual(asc);
  });

  it('escaped object types (31 + 6 bits)', () => {
    const asc = bits('11111 001010 0011 0001'); // 32 + 10 = 42 (USAC), 48000, mono
    expect(parseAudioSpecificConfig(asc)).toEqual({ objectType: 42, samplingFrequencyIndex: 3, sampleRate: 48000, channelConfiguration: 1, channels: 1 });
    expect(buildAudioSpecificConfig({ objectType: 42, sampleRate: 48000, channels: 1 })).toEqual(asc);
  });

  it('explicit HE-AAC signalling (SBR object, extension rate, core type)', () => {
    const asc = bits('00101 0110 0010 0011 00010 0 0 0'); // SBR, 24000 core, stereo, 48000 ext, LC core
    expect(parseAudioSpecificConfig(asc)).toEqual({
      objectType: 2,
      samplingFrequencyIndex: 6,
      sampleRate: 24000,
      channelConfiguration: 2,
      channels: 2,
      frameLength: 1024,
      extension: { objectType: 5, sampleRate: 48000 },
    });
  });

  it('channel configurations map to channel counts (Table 1.19)', () => {
    expect(parseAudioSpecificConfig(bits('00010 0100 0111 0')).channels).toBe(8);
    expect(parseAudioSpecificConfig(bits('00010 0100 0000 0')).channels).toBe(0);
    expect(parseAudioSpecificConfig(bits('00010 0100 1101 0')).channels).toBe(24);
    expect(buildAudioSpecificConfig({ objectType: 2, sampleRate: 48000, channels: 8 })).toEqual(bits('00010 0011 0111 000'));
  });

  it('rejects reserved and truncated configs', () => {
    expectProtocolError(() => parseAudioSpecificConfig(hex('')), 'aac');
    expectProtocolError(() => parseAudioSpecificConfig(hex('12')), 'aac');
    expectProtocolError(() => parseAudioSpecificConfig(bits('00000 0100 0010 0')), 'aac'); // null object
    expectProtocolError(() => parseAudioSpecificConfig(bits('00010 1101 0010 0')), 'aac'); // index 13
    expectProtocolError(() => parseAudioSpecificConfig(bits('00010 1111 000000000000000000000000 0010 0')), 'aac');
    expectProtocolError(() => parseAudioSpecificConfig(bits('00010 0100 1000 0')), 'aac'); // config 8
    expectProtocolError(() => parseAudioSpecificConfig(bits('00010 0100 1111 0')), 'aac'); // config 15
    expectProtocolError(() => buildAudioSpecificConfig({ objectType: 2, sampleRate: 48000, channels: 9 }), 'aac');
    expectProtocolError(() => buildAudioSpecificConfig({ objectType: 0, sampleRate: 48000, channels: 1 }), 'aac');
    expectProtocolError(() => buildAudioSpecificConfig({ objectType: 2, sampleRate: 2 ** 24, channels: 1 }), 'aac');
  });

  it('round trips object type, rate and channel configuration', () => {
    const configurations = AAC_CHANNEL_COUNTS.flatMap((count, index) => (count === null ? [] : [index]));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 95 }).filter((type) => type !== 5 && type !== 29),
        fc.oneof(fc.constantFrom(...AAC_SAMPLING_FREQUENCIES), fc.integer({ min: 1, max: 2 ** 24 - 1 })),
        fc.constantFrom(...configurations),
        (objectType, sampleRate, channelConfiguration) => {
          const parsed = parseAudioSpecificConfig(buildAudioSpecificConfig({ objectType, sampleRate, channelConfiguration }));
          expect(parsed).toMatchObject({ objectType, sampleRate, channelConfiguration, channels: AAC_CHANNEL_COUNTS[channelConfiguration] });
        },
      ),
      { numRuns: 300, seed: 0xaac },
    );
  });
});

describe('ADTS', () => {
  it('parses a hand-written header (LC, 44100, stereo, 371-byte frame, no CRC)', () => {
    // FFF1 = sync, MPEG-4, layer 0, no CRC; 50 = LC, index 4; 80 = stereo; frame length 371.
    const header = hex('FFF1 5080 2E7F FC');
    expect(parseAdtsHeader(header)).toEqual({
      mpegVersion: 4,
      protectionAbsent: true,
      objectType: 2,
      samplingFrequencyIndex: 4,
      sampleRate: 44100,
      channelConfiguration: 2,
      channels: 2,
      frameLength: 371,
      headerLength: 7,
      rawDataBlocks: 1,
    });
    expect(adtsToAudioSpecificConfig(parseAdtsHeader(header))).toEqual(hex('1210'));
  });

  it('rejects bad sync, layer, rate index and lengths', () => {
    expectProtocolError(() => parseAdtsHeader(hex('FFF1 5080 2E7F')), 'aac');
    expectProtocolError(() => parseAdtsHeader(hex('FFE1 5080 2E7F FC')), 'aac');
    expectProtocolError(() => parseAdtsHeader(hex('FFF3 5080 2E7F FC')), 'aac');
    expectProtocolError(() => parseAdtsHeader(hex('FFF1 7480 2E7F FC')), 'aac');
    expectProtocolError(() => parseAdtsHeader(hex('FFF1 5080 00BF FC')), 'aac'); // frame length 5
    expectProtocolError(() => splitAdts(hex('FFF1 5080 2E7F FC 00')), 'aac');
  });

  it('splits a real ffmpeg ADTS stream (32 kHz stereo) into frames that agree with the request', async () => {
    const stream = await synthAdts({ sampleRate: 32000, channels: 2, seconds: 1 });
    const frames = splitAdts(stream);
    expect(frames.length).toBeGreaterThanOrEqual(Math.floor(32000 / 1024));
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(32000 / 1024) + 2);
    for (const frame of frames) {
      expect(frame.header).toMatchObject({ objectType: 2, sampleRate: 32000, channels: 2, mpegVersion: 4 });
      expect(frame.payload.length).toBe(frame.header.frameLength - frame.header.headerLength);
    }
    expect(parseAudioSpecificConfig(adtsToAudioSpecificConfig(frames[0].header))).toMatchObject({ sampleRate: 32000, channels: 2, objectType: 2 });
  });
});
