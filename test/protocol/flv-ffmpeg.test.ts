// FLV demuxer and muxer against real encoder output: a 2 s ffmpeg-made H.264/AAC FLV is demuxed
// whole and one byte at a time, its SPS and AudioSpecificConfig must report what ffmpeg was told,
// and re-muxing the demuxed tags must reproduce ffmpeg's bytes exactly.
import { beforeAll, describe, expect, it } from 'vitest';
import { Amf0EcmaArray } from '../../protocol/amf0.ts';
import { parseAudioSpecificConfig } from '../../protocol/aac.ts';
import { NAL_UNIT_TYPE, parseAvcDecoderConfigurationRecord, parseNalUnitHeader, parseSps, splitAvcc, type NalLengthSize } from '../../protocol/avc.ts';
import {
  FlvDemuxer,
  FlvMuxer,
  parseAudioTagBody,
  parseScriptTag,
  parseVideoTagBody,
  type FlvEvent,
  type FlvTag,
} from '../../protocol/flv/index.ts';
import { synthFlv } from './ffmpeg-fixture.ts';

const WIDTH = 360;
const HEIGHT = 640;
const FPS = 15;
const SAMPLE_RATE = 48000;
const SECONDS = 2;
const AAC_FRAME_SAMPLES = 1024;

let file: Uint8Array;
let events: FlvEvent[];
let tags: FlvTag[];

function demux(bytes: Uint8Array, chunkSize: number): FlvEvent[] {
  const demuxer = new FlvDemuxer();
  const out: FlvEvent[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) out.push(...demuxer.feed(bytes.subarray(offset, offset + chunkSize)));
  demuxer.end();
  return out;
}

beforeAll(async () => {
  file = await synthFlv({ width: WIDTH, height: HEIGHT, fps: FPS, sampleRate: SAMPLE_RATE, seconds: SECONDS });
  events = demux(file, file.length);
  tags = events.flatMap((event) => (event.kind === 'tag' ? [event.tag] : []));
});

describe('FLV from ffmpeg (360x640 H.264 @15 fps + 48 kHz AAC, 2 s)', () => {
  it('has a header announcing audio and video', () => {
    expect(events[0]).toEqual({ kind: 'header', version: 1, hasAudio: true, hasVideo: true });
  });

  it('gives identical events fed one byte at a time and in odd chunks', () => {
    expect(demux(file, 1)).toEqual(events);
    expect(demux(file, 4093)).toEqual(events);
  });

  it('carries onMetaData with the size and sample rate', () => {
    const scripts = tags.filter((tag) => tag.type === 'script');
    expect(scripts).toHaveLength(1);
    const { name, value } = parseScriptTag(scripts[0].data);
    expect(name).toBe('onMetaData');
    expect(value).toBeInstanceOf(Amf0EcmaArray);
    expect((value as Amf0EcmaArray).entries).toMatchObject({ width: WIDTH, height: HEIGHT, framerate: FPS, audiosamplerate: SAMPLE_RATE, videocodecid: 7, audiocodecid: 10 });
  });

  it('has an AVC sequence header whose SPS says 360x640', () => {
    const video = tags.filter((tag) => tag.type === 'video').map((tag) => parseVideoTagBody(tag.data));
    expect(video[0]).toMatchObject({ frameType: 'key', codecId: 7, avcPacketType: 'sequence-header' });
    const config = parseAvcDecoderConfigurationRecord(video[0].payload);
    expect(config.sps).toHaveLength(1);
    expect(config.pps).toHaveLength(1);
    const sps = parseSps(config.sps[0]);
    expect(sps).toMatchObject({ width: WIDTH, height: HEIGHT, chromaFormat: '4:2:0', frameMbsOnly: true, profile: config.profile, level: config.level });
    expect(sps.cropping).toEqual({ left: 0, right: 4, top: 0, bottom: 0 }); // 368 coded - 2*4
  });

  it('has one video frame per 1/15 s, IDR slices exactly in key frames', () => {
    const video = tags.filter((tag) => tag.type === 'video');
    const bodies = video.map((tag) => parseVideoTagBody(tag.data));
    const frames = bodies.filter((body) => body.avcPacketType === 'nalu');
    expect(frames).toHaveLength(FPS * SECONDS);
    expect(bodies.at(-1)?.avcPacketType).toBe('end');
    const lengthSize = (parseAvcDecoderConfigurationRecord(bodies[0].payload).lengthSizeMinusOne + 1) as NalLengthSize;
    for (const frame of frames) {
      const types = splitAvcc(frame.payload, lengthSize).map((nal) => parseNalUnitHeader(nal).nalUnitType);
      expect(types.includes(NAL_UNIT_TYPE.sliceIdr)).toBe(frame.frameType === 'key');
      expect(types.includes(NAL_UNIT_TYPE.sliceIdr) || types.includes(NAL_UNIT_TYPE.sliceNonIdr)).toBe(true);
    }
    expect(frames.filter((frame) => frame.frameType === 'key')).toHaveLength(SECONDS); // -g 15
    const times = video.filter((_, i) => bodies[i].avcPacketType === 'nalu').map((tag) => tag.timestamp);
    for (let i = 1; i < times.length; i += 1) expect(Math.abs(times[i] - times[i - 1] - 1000 / FPS)).toBeLessThanOrEqual(1);
  });

  it('has an AAC sequence header whose AudioSpecificConfig says 48000 Hz mono LC, and ~94 frames', () => {
    const audio = tags.filter((tag) => tag.type === 'audio').map((tag) => parseAudioTagBody(tag.data));
    expect(audio[0]).toMatchObject({ soundFormat: 10, aacPacketType: 'sequence-header' });
    expect(parseAudioSpecificConfig(audio[0].payload)).toMatchObject({ objectType: 2, sampleRate: SAMPLE_RATE, channels: 1, frameLength: AAC_FRAME_SAMPLES });
    const raw = audio.filter((body) => body.aacPacketType === 'raw');
    const expected = (SAMPLE_RATE * SECONDS) / AAC_FRAME_SAMPLES;
    expect(raw.length).toBeGreaterThanOrEqual(Math.floor(expected));
    expect(raw.length).toBeLessThanOrEqual(Math.ceil(expected) + 2); // encoder priming/flush
  });

  it('re-muxes the demuxed tags into exactly the bytes ffmpeg wrote', () => {
    const muxer = new FlvMuxer();
    const parts = [muxer.encodeHeader({ hasAudio: true, hasVideo: true }), ...tags.map((tag) => muxer.encodeTag(tag))];
    expect(Buffer.compare(Buffer.concat(parts), Buffer.from(file))).toBe(0);
  });
});
