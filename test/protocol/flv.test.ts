// FLV muxer, resumable demuxer and tag bodies: golden bytes (Video File Format Specification
// v10.1, Annex E), any-split equivalence, malformed input, and property-based round trips.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Amf0EcmaArray } from '../../protocol/amf0.ts';
import {
  FLV_TAG_HEADER_SIZE,
  FlvDemuxer,
  FlvMuxer,
  buildAacAudioTagBody,
  buildAvcVideoTagBody,
  buildOnMetaDataBody,
  buildScriptTagBody,
  parseAudioTagBody,
  parseScriptTag,
  parseVideoTagBody,
  type FlvEvent,
  type FlvTag,
} from '../../protocol/flv/index.ts';
import { expectProtocolError, hex } from './bytes-helpers.ts';

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Feeds `bytes` cut at `cuts` (sorted offsets) and ends the demuxer. */
function demuxSplit(bytes: Uint8Array, cuts: readonly number[], demuxer = new FlvDemuxer()): FlvEvent[] {
  const events: FlvEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...demuxer.feed(bytes.subarray(start, cut)));
    start = cut;
  }
  demuxer.end();
  return events;
}

function demuxBytewise(bytes: Uint8Array): FlvEvent[] {
  return demuxSplit(bytes, Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1));
}

const muxer = new FlvMuxer();

const SAMPLE_TAGS: FlvTag[] = [
  { type: 'script', timestamp: 0, streamId: 0, data: buildOnMetaDataBody({ width: 360, height: 640 }) },
  { type: 'video', timestamp: 0, streamId: 0, data: buildAvcVideoTagBody({ frameType: 'key', packetType: 'sequence-header', payload: hex('0164001FFFE1') }) },
  { type: 'audio', timestamp: 0, streamId: 0, data: buildAacAudioTagBody({ packetType: 'sequence-header', payload: hex('1188') }) },
  { type: 'video', timestamp: 67, streamId: 0, data: buildAvcVideoTagBody({ frameType: 'inter', packetType: 'nalu', compositionTime: 33, payload: hex('0000000241E0') }) },
  { type: 'audio', timestamp: 0x01020304, streamId: 0, data: new Uint8Array(0) },
];
const SAMPLE_FILE = concat([muxer.encodeHeader({ hasVideo: true, hasAudio: true }), ...SAMPLE_TAGS.map((tag) => muxer.encodeTag(tag))]);

describe('FLV muxer golden bytes', () => {
  it('encodes the header as 46 4C 56 01 05 00 00 00 09 followed by PreviousTagSize0', () => {
    expect(muxer.encodeHeader({ hasVideo: true, hasAudio: true })).toEqual(hex('464C5601 05 00000009 00000000'));
    expect(muxer.encodeHeader({ hasVideo: false, hasAudio: true })[4]).toBe(0x04);
    expect(muxer.encodeHeader({ hasVideo: true, hasAudio: false })[4]).toBe(0x01);
  });

  it('encodes a tag with the extended timestamp byte and its PreviousTagSize', () => {
    const bytes = muxer.encodeTag({ type: 'video', timestamp: 0x12345678, streamId: 0, data: hex('010203') });
    expect(bytes).toEqual(hex('09 000003 345678 12 000000 010203 0000000E'));
    const script = muxer.encodeTag({ type: 'script', timestamp: 1000, streamId: 0, data: hex('05') });
    expect(script).toEqual(hex('12 000001 0003E8 00 000000 05 0000000C'));
  });

  it('refuses out-of-range timestamps, stream ids, types and sizes', () => {
    const data = new Uint8Array(1);
    expectProtocolError(() => muxer.encodeTag({ type: 'audio', timestamp: -1, streamId: 0, data }), 'flv');
    expectProtocolError(() => muxer.encodeTag({ type: 'audio', timestamp: 2 ** 32, streamId: 0, data }), 'flv');
    expectProtocolError(() => muxer.encodeTag({ type: 'audio', timestamp: 1.5, streamId: 0, data }), 'flv');
    expectProtocolError(() => muxer.encodeTag({ type: 'audio', timestamp: 0, streamId: 2 ** 24, data }), 'flv');
    expectProtocolError(() => muxer.encodeTag({ type: 'bogus' as FlvTag['type'], timestamp: 0, streamId: 0, data }), 'flv');
    expectProtocolError(() => muxer.encodeTag({ type: 'audio', timestamp: 0, streamId: 0, data: new Uint8Array(2 ** 24) }), 'limit');
  });
});

describe('FLV tag bodies', () => {
  it('builds and parses AVC video bodies (frame type, packet type, signed composition time)', () => {
    const seq = buildAvcVideoTagBody({ frameType: 'key', packetType: 'sequence-header', payload: hex('AABB') });
    expect(seq).toEqual(hex('17 00 000000 AABB'));
    const inter = buildAvcVideoTagBody({ frameType: 'inter', packetType: 'nalu', compositionTime: -1, payload: hex('CC') });
    expect(inter).toEqual(hex('27 01 FFFFFF CC'));
    const end = buildAvcVideoTagBody({ frameType: 'key', packetType: 'end', payload: new Uint8Array(0) });
    expect(end).toEqual(hex('17 02 000000'));
    expect(parseVideoTagBody(seq)).toEqual({ frameType: 'key', codecId: 7, avcPacketType: 'sequence-header', compositionTime: 0, payload: hex('AABB') });
    expect(parseVideoTagBody(inter)).toMatchObject({ frameType: 'inter', avcPacketType: 'nalu', compositionTime: -1 });
    expect(parseVideoTagBody(buildAvcVideoTagBody({ frameType: 'inter', packetType: 'nalu', compositionTime: 0x7fffff, payload: hex('') })).compositionTime).toBe(0x7fffff);
    expectProtocolError(() => buildAvcVideoTagBody({ frameType: 'key', packetType: 'nalu', compositionTime: 0x800000, payload: hex('') }), 'flv');
  });

  it('parses non-AVC video and video-info frames without an AVC header', () => {
    expect(parseVideoTagBody(hex('12 AABB'))).toEqual({ frameType: 'key', codecId: 2, payload: hex('AABB') });
    expect(parseVideoTagBody(hex('57 00'))).toEqual({ frameType: 'video-info', codecId: 7, payload: hex('00') });
  });

  it('rejects malformed video bodies', () => {
    expectProtocolError(() => parseVideoTagBody(hex('')), 'flv');
    expectProtocolError(() => parseVideoTagBody(hex('07 01 000000')), 'flv'); // frame type 0
    expectProtocolError(() => parseVideoTagBody(hex('97 01 000000')), 'flv'); // enhanced RTMP
    expectProtocolError(() => parseVideoTagBody(hex('17 01 00')), 'flv'); // short AVC header
    expect(expectProtocolError(() => parseVideoTagBody(hex('17 03 000000')), 'flv').offset).toBe(1);
  });

  it('builds and parses AAC audio bodies with the sound rate/size/type bits', () => {
    const seq = buildAacAudioTagBody({ packetType: 'sequence-header', payload: hex('1210') });
    expect(seq).toEqual(hex('AF 00 1210'));
    const mono = buildAacAudioTagBody({ packetType: 'raw', payload: hex('21'), soundRate: 22050, soundSize: 8, soundType: 'mono' });
    expect(mono).toEqual(hex('A8 01 21'));
    expect(parseAudioTagBody(seq)).toEqual({
      soundFormat: 10,
      soundRate: 44100,
      soundSize: 16,
      soundType: 'stereo',
      aacPacketType: 'sequence-header',
      payload: hex('1210'),
    });
    expect(parseAudioTagBody(mono)).toMatchObject({ soundRate: 22050, soundSize: 8, soundType: 'mono', aacPacketType: 'raw' });
    expectProtocolError(() => buildAacAudioTagBody({ packetType: 'raw', payload: hex(''), soundRate: 48000 as 44100 }), 'flv');
  });

  it('parses non-AAC audio and rejects malformed audio bodies', () => {
    expect(parseAudioTagBody(hex('2E FFFB'))).toEqual({ soundFormat: 2, soundRate: 44100, soundSize: 16, soundType: 'mono', payload: hex('FFFB') });
    expectProtocolError(() => parseAudioTagBody(hex('')), 'flv');
    expectProtocolError(() => parseAudioTagBody(hex('AF')), 'flv');
    expectProtocolError(() => parseAudioTagBody(hex('AF 02')), 'flv');
  });

  it('builds and parses script tags', () => {
    const body = buildOnMetaDataBody({ duration: 2, width: 360, encoder: 'x' });
    expect(parseScriptTag(body)).toEqual({ name: 'onMetaData', value: new Amf0EcmaArray({ duration: 2, width: 360, encoder: 'x' }) });
    expect(parseScriptTag(concat([buildScriptTagBody('onCuePoint', { t: 1 }), hex('000009')]))).toEqual({ name: 'onCuePoint', value: { t: 1 } });
    expectProtocolError(() => parseScriptTag(hex('')), 'flv');
    expectProtocolError(() => parseScriptTag(hex('00 0000000000000000 05')), 'flv');
    expectProtocolError(() => parseScriptTag(buildScriptTagBody('x', null).subarray(0, 4)), 'flv');
    expectProtocolError(() => parseScriptTag(hex('02 0001 78 0E')), 'amf0');
  });
});

describe('FLV demuxer', () => {
  it('decodes the header and every tag', () => {
    const events = demuxSplit(SAMPLE_FILE, []);
    expect(events[0]).toEqual({ kind: 'header', version: 1, hasAudio: true, hasVideo: true });
    expect(events.slice(1)).toEqual(SAMPLE_TAGS.map((tag) => ({ kind: 'tag', tag })));
  });

  it('gives the same events for every split, including one byte at a time', () => {
    const whole = demuxSplit(SAMPLE_FILE, []);
    expect(demuxBytewise(SAMPLE_FILE)).toEqual(whole);
    for (let cut = 0; cut <= SAMPLE_FILE.length; cut += 1) {
      expect(demuxSplit(SAMPLE_FILE, [cut])).toEqual(whole);
    }
  });

  it('hands out tag data that later feeds do not overwrite', () => {
    const demuxer = new FlvDemuxer();
    const chunk = new Uint8Array(SAMPLE_FILE);
    const events = demuxer.feed(chunk);
    chunk.fill(0);
    expect(events.slice(1)).toEqual(SAMPLE_TAGS.map((tag) => ({ kind: 'tag', tag })));
  });

  it('tracks state and offset', () => {
    const demuxer = new FlvDemuxer();
    expect(demuxer.state).toBe('header');
    demuxer.feed(SAMPLE_FILE.subarray(0, 13));
    expect(demuxer.state).toBe('tag-header');
    expect(demuxer.offset).toBe(13);
    demuxer.feed(SAMPLE_FILE.subarray(13, 13 + FLV_TAG_HEADER_SIZE + 1));
    expect(demuxer.state).toBe('tag-data');
  });

  it('skips a header larger than 9 bytes', () => {
    const header = hex('464C5601 01 0000000C AABBCC 00000000');
    const tag = muxer.encodeTag({ type: 'video', timestamp: 5, streamId: 0, data: hex('17 02 000000') });
    const events = demuxBytewise(concat([header, tag]));
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({ kind: 'tag', tag: { type: 'video', timestamp: 5, streamId: 0, data: hex('17 02 000000') } });
  });

  it('accepts a stream that ends after a tag without its last PreviousTagSize, and an empty tag', () => {
    const bytes = SAMPLE_FILE.subarray(0, SAMPLE_FILE.length - 4);
    expect(demuxSplit(bytes, [])).toHaveLength(1 + SAMPLE_TAGS.length);
  });

  it.each([
    ['bad signature', hex('464C5801 05 00000009 00000000'), 2],
    ['version 2', hex('464C5602 05 00000009 00000000'), 3],
    ['header length 8', hex('464C5601 05 00000008 00000000'), 5],
    ['header length beyond the bound', hex('464C5601 05 00100000 00000000'), 5],
    ['non-zero PreviousTagSize0', hex('464C5601 05 00000009 00000001'), 9],
    ['unknown tag type', hex('464C5601 05 00000009 00000000 07 000000 000000 00 000000'), 13],
    ['encrypted tag', hex('464C5601 05 00000009 00000000 28 000000 000000 00 000000'), 13],
  ])('rejects %s with ProtocolError(flv) at the offending byte', (_name, bytes, offset) => {
    const err = expectProtocolError(() => new FlvDemuxer().feed(bytes), 'flv');
    expect(err.offset).toBe(offset);
  });

  it('rejects a PreviousTagSize that does not match the tag', () => {
    const bytes = new Uint8Array(SAMPLE_FILE);
    const firstTagEnd = 13 + SAMPLE_TAGS[0].data.length + FLV_TAG_HEADER_SIZE;
    bytes[firstTagEnd + 3] ^= 1;
    const err = expectProtocolError(() => demuxBytewise(bytes), 'flv');
    expect(err.offset).toBe(firstTagEnd);
  });

  it('refuses a tag larger than the limit before allocating it', () => {
    const demuxer = new FlvDemuxer({ maxTagDataSize: 1000 });
    const header = muxer.encodeHeader({ hasVideo: true, hasAudio: false });
    expectProtocolError(() => demuxer.feed(concat([header, hex('09 0003E9 000000 00 000000')])), 'limit');
    const ok = new FlvDemuxer({ maxTagDataSize: 1000 });
    expect(ok.feed(concat([header, hex('09 0003E8 000000 00 000000')]))).toHaveLength(1);
  });

  it('holds only what arrived for a tag whose DataSize claims 16 MiB', () => {
    const demuxer = new FlvDemuxer({ maxTagDataSize: 0xffffff });
    demuxer.feed(concat([muxer.encodeHeader({ hasVideo: true, hasAudio: false }), hex('09 FFFFFF 000000 00 000000'), new Uint8Array(100)]));
    expect(demuxer.state).toBe('tag-data');
    expect(demuxer.bufferedBytes).toBeLessThanOrEqual(4096);
    expectProtocolError(() => demuxer.end(), 'flv');
  });

  it('end() throws inside the header or a tag, and the demuxer stays failed', () => {
    for (const cut of [1, 5, 10, 11, 13 + 3, 13 + FLV_TAG_HEADER_SIZE + 2]) {
      const demuxer = new FlvDemuxer();
      demuxer.feed(SAMPLE_FILE.subarray(0, cut));
      const err = expectProtocolError(() => demuxer.end(), 'flv');
      expect(err.offset).toBe(cut);
      expect(() => demuxer.feed(new Uint8Array(1))).toThrow(err);
    }
    expectProtocolError(() => new FlvDemuxer().end(), 'flv');
  });

  it('after an error every call rethrows it; after end() feeding throws', () => {
    const demuxer = new FlvDemuxer();
    const err = expectProtocolError(() => demuxer.feed(hex('000000000000000000')), 'flv');
    expect(demuxer.state).toBe('failed');
    expect(() => demuxer.feed(SAMPLE_FILE)).toThrow(err);
    const ended = new FlvDemuxer();
    ended.feed(SAMPLE_FILE);
    ended.end();
    expect(ended.state).toBe('ended');
    expectProtocolError(() => ended.feed(SAMPLE_FILE), 'flv');
  });
});

describe('FLV property-based round trips', () => {
  const tagArbitrary: fc.Arbitrary<FlvTag> = fc.record({
    type: fc.constantFrom('audio', 'video', 'script'),
    timestamp: fc.integer({ min: 0, max: 0xffffffff }),
    streamId: fc.integer({ min: 0, max: 0xffffff }),
    data: fc.uint8Array({ maxLength: 300 }),
  });

  it('demux(mux(tags)) equals the tags for any split of the bytes', () => {
    fc.assert(
      fc.property(
        fc.record({ hasAudio: fc.boolean(), hasVideo: fc.boolean() }),
        fc.array(tagArbitrary, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (flags, tags, rawCuts) => {
          const bytes = concat([muxer.encodeHeader(flags), ...tags.map((tag) => muxer.encodeTag(tag))]);
          const cuts = [...new Set(rawCuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const events = demuxSplit(bytes, cuts);
          expect(events).toEqual([{ kind: 'header', version: 1, ...flags }, ...tags.map((tag) => ({ kind: 'tag', tag }))]);
        },
      ),
      { numRuns: 300, seed: 0xf1f },
    );
  });

  it('AVC and AAC bodies round trip through build and parse', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('key', 'inter', 'disposable-inter', 'generated-key') as fc.Arbitrary<'key' | 'inter' | 'disposable-inter' | 'generated-key'>,
        fc.constantFrom('sequence-header', 'nalu', 'end') as fc.Arbitrary<'sequence-header' | 'nalu' | 'end'>,
        fc.integer({ min: -0x800000, max: 0x7fffff }),
        fc.uint8Array({ maxLength: 64 }),
        (frameType, packetType, compositionTime, payload) => {
          const parsed = parseVideoTagBody(buildAvcVideoTagBody({ frameType, packetType, compositionTime, payload }));
          expect(parsed).toEqual({ frameType, codecId: 7, avcPacketType: packetType, compositionTime, payload });
          const audio = parseAudioTagBody(buildAacAudioTagBody({ packetType: packetType === 'nalu' ? 'raw' : 'sequence-header', payload }));
          expect(audio.payload).toEqual(payload);
        },
      ),
      { numRuns: 300, seed: 0xa0c },
    );
  });
});
