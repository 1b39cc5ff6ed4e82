// Fuzzing the media parsers: for each (AMF0 decode, FLV demux + tag bodies, AVC config + SPS +
// NAL framing, AAC config + ADTS) at least 10,000 random and mutated inputs from a seeded PRNG.
// Every call must return or throw ProtocolError -- never TypeError/RangeError -- and hold no more
// memory than the input justifies (a 0xFFFFFFFF length is refused, not allocated). A failure
// prints the seed, iteration and input so it reproduces.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../protocol/errors.ts';
import { Amf0Date, Amf0EcmaArray, decodeAmf0, encodeAmf0, type Amf0Value } from '../../protocol/amf0.ts';
import {
  FlvDemuxer,
  FlvMuxer,
  buildAacAudioTagBody,
  buildAvcVideoTagBody,
  buildOnMetaDataBody,
  parseAudioTagBody,
  parseScriptTag,
  parseVideoTagBody,
} from '../../protocol/flv/index.ts';
import {
  buildAvcDecoderConfigurationRecord,
  joinAnnexB,
  joinAvcc,
  parseAvcDecoderConfigurationRecord,
  parseSps,
  removeEmulationPrevention,
  splitAnnexB,
  splitAvcc,
} from '../../protocol/avc.ts';
import { parseAdtsHeader, parseAudioSpecificConfig, splitAdts } from '../../protocol/aac.ts';
import { prng } from './bytes-helpers.ts';

const SEED = 0x1ee7_f00d;
const INPUTS_PER_PARSER = 10_000;
const MAX_RANDOM_LENGTH = 96;
const MIN_DEMUXER_CAPACITY = 4096;

const INTERESTING_BYTES = [0x00, 0x01, 0x03, 0x07, 0x09, 0x0c, 0x1f, 0x7f, 0x80, 0xfe, 0xff];

class InputGenerator {
  constructor(
    private readonly random: () => number,
    private readonly seeds: readonly Uint8Array[],
  ) {}

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  randomBytes(): Uint8Array {
    return Uint8Array.from({ length: this.int(MAX_RANDOM_LENGTH) }, () => this.int(256));
  }

  mutate(input: Uint8Array): Uint8Array {
    let bytes = [...input];
    const operations = 1 + this.int(4);
    for (let op = 0; op < operations; op += 1) {
      const at = this.int(bytes.length + 1);
      switch (this.int(8)) {
        case 0:
          if (at < bytes.length) bytes[at] ^= 1 << this.int(8);
          break;
        case 1:
          if (at < bytes.length) bytes[at] = INTERESTING_BYTES[this.int(INTERESTING_BYTES.length)];
          break;
        case 2: {
          const fill = this.int(2) === 0 ? 0xff : 0x00;
          for (let i = 0; i < 4 && at + i < bytes.length; i += 1) bytes[at + i] = fill;
          break;
        }
        case 3:
          bytes.splice(at, 0, this.int(256));
          break;
        case 4:
          bytes.splice(at, 1 + this.int(4));
          break;
        case 5:
          bytes = bytes.slice(0, at);
          break;
        case 6: {
          const start = this.int(bytes.length + 1);
          bytes.splice(at, 0, ...bytes.slice(start, start + this.int(16)));
          break;
        }
        default: {
          const other = this.seeds[this.int(this.seeds.length)];
          const from = this.int(other.length + 1);
          bytes.splice(at, this.int(8), ...other.subarray(from, from + this.int(24)));
        }
      }
    }
    return Uint8Array.from(bytes);
  }

  next(): Uint8Array {
    const roll = this.int(10);
    if (roll < 2) return this.randomBytes();
    if (roll < 3) return this.seeds[this.int(this.seeds.length)];
    return this.mutate(this.seeds[this.int(this.seeds.length)]);
  }
}

interface FuzzReport {
  runs: number;
  accepted: number;
  rejected: number;
  /** Inputs that threw something other than ProtocolError or broke an invariant. */
  failures: string[];
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Runs `parse` on INPUTS_PER_PARSER inputs; `parse` throws (any error) to reject, and reports
 *  broken invariants by throwing a non-ProtocolError. */
function fuzz(name: string, salt: number, seeds: readonly Uint8Array[], parse: (input: Uint8Array, random: () => number) => void): FuzzReport {
  const random = prng(SEED ^ salt);
  const generator = new InputGenerator(random, seeds);
  const report: FuzzReport = { runs: 0, accepted: 0, rejected: 0, failures: [] };
  for (let i = 0; i < INPUTS_PER_PARSER; i += 1) {
    const input = generator.next();
    report.runs += 1;
    try {
      parse(input, random);
      report.accepted += 1;
    } catch (err) {
      if (err instanceof ProtocolError) {
        report.rejected += 1;
      } else if (report.failures.length < 5) {
        report.failures.push(`${name} seed=${SEED ^ salt} iteration=${i} input=${toHex(input)}: ${String((err as Error)?.stack ?? err)}`);
      }
    }
  }
  return report;
}

function expectClean(report: FuzzReport): void {
  expect(report.failures).toEqual([]);
  expect(report.runs).toBe(INPUTS_PER_PARSER);
  // Both outcomes must occur, or the generator is not reaching the parser's interesting paths.
  expect(report.accepted).toBeGreaterThan(0);
  expect(report.rejected).toBeGreaterThan(0);
}

class InvariantError extends Error {}

/** Distinct nodes plus string characters of a decoded AMF0 value (shared references once). */
function amf0Footprint(value: Amf0Value, seen: Set<object>): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return 1;
  if (seen.has(value)) return 0;
  seen.add(value);
  if (value instanceof Amf0Date) return 1;
  const entries = Array.isArray(value) ? value.map((v): [string, Amf0Value] => ['', v]) : Object.entries(value instanceof Amf0EcmaArray ? value.entries : value);
  return entries.reduce((sum, [key, child]) => sum + key.length + amf0Footprint(child, seen), 1);
}

// --- seeds ----------------------------------------------------------------------------------

const AMF0_SEEDS = [
  encodeAmf0('connect', 1, { app: 'live', type: 'nonprivate', flashVer: 'FMLE/3.0', tcUrl: 'rtmp://127.0.0.1/live' }),
  encodeAmf0('_result', 1, { fmsVer: 'FMS/3,0,1,123', capabilities: 31 }, { level: 'status', code: 'NetConnection.Connect.Success' }),
  encodeAmf0('onMetaData', new Amf0EcmaArray({ width: 360, height: 640, stereo: false, encoder: 'x' })),
  encodeAmf0([1, 'two', [null, undefined, true]], new Amf0Date(1_700_000_000_000, 0)),
  encodeAmf0('x'.repeat(70_000).slice(0, 80)),
  Uint8Array.from([0x0a, 0, 0, 0, 2, 0x03, 0, 1, 0x61, 0x05, 0, 0, 0x09, 0x07, 0, 1]),
  Uint8Array.from([0x0c, 0, 0, 0, 3, 0x61, 0x62, 0x63, 0x0d, 0x06]),
];

// Real libx264 SPSs: 360x640 High 4:4:4, and 362x202 Constrained Baseline 4:2:0 (both cropped).
const SPS = Uint8Array.from(Buffer.from('67f400169196817051e27c0440000003004000000783c58ba8', 'hex'));
const SPS_BASELINE = Uint8Array.from(Buffer.from('6742c00bda05c6f924c044000003000400000300083c50aa80', 'hex'));
const PPS = Uint8Array.from([0x68, 0xce, 0x0f, 0x19, 0x20]);
const AVC_CONFIG = buildAvcDecoderConfigurationRecord({ sps: [SPS], pps: [PPS] });
const AAC_CONFIG = Uint8Array.from([0x11, 0x88, 0x56, 0xe5, 0x00]);

function sampleFlv(): Uint8Array {
  const muxer = new FlvMuxer();
  return Buffer.concat([
    muxer.encodeHeader({ hasAudio: true, hasVideo: true }),
    muxer.encodeTag({ type: 'script', timestamp: 0, streamId: 0, data: buildOnMetaDataBody({ width: 360, height: 640, audiosamplerate: 48000 }) }),
    muxer.encodeTag({ type: 'video', timestamp: 0, streamId: 0, data: buildAvcVideoTagBody({ frameType: 'key', packetType: 'sequence-header', payload: AVC_CONFIG }) }),
    muxer.encodeTag({ type: 'audio', timestamp: 0, streamId: 0, data: buildAacAudioTagBody({ packetType: 'sequence-header', payload: AAC_CONFIG }) }),
    muxer.encodeTag({ type: 'video', timestamp: 67, streamId: 0, data: buildAvcVideoTagBody({ frameType: 'inter', packetType: 'nalu', compositionTime: 33, payload: joinAvcc([Uint8Array.from([0x41, 0x9a, 0x00])]) }) }),
    muxer.encodeTag({ type: 'audio', timestamp: 0x01000000, streamId: 0, data: buildAacAudioTagBody({ packetType: 'raw', payload: Uint8Array.from([0x21, 0x10]) }) }),
  ]);
}

// --- the fuzz runs --------------------------------------------------------------------------

describe(`media parser fuzzing (seed ${SEED}, ${INPUTS_PER_PARSER} inputs each)`, () => {
  it('AMF0 decode only throws ProtocolError and never yields more than the input holds', () => {
    const report = fuzz('amf0', 0xa, AMF0_SEEDS, (input) => {
      const values = decodeAmf0(input);
      const footprint = amf0Footprint(values as Amf0Value, new Set());
      if (footprint > 2 * input.length + 1) throw new InvariantError(`decoded footprint ${footprint} from ${input.length} bytes`);
    });
    expectClean(report);
  });

  it('FLV demux (random splits) and tag bodies only throw ProtocolError and buffer no more than arrived', () => {
    const seeds = [sampleFlv()];
    const report = fuzz('flv', 0xf, seeds, (input, random) => {
      const demuxer = new FlvDemuxer({ maxTagDataSize: 0xffffff });
      let offset = 0;
      let received = 0;
      // Each pass consumes at least one byte.
      while (offset < input.length) {
        const size = 1 + Math.floor(random() * 40);
        const chunk = input.subarray(offset, offset + size);
        offset += chunk.length;
        received += chunk.length;
        for (const event of demuxer.feed(chunk)) {
          if (event.kind !== 'tag') continue;
          const { type, data } = event.tag;
          if (type === 'video') parseVideoTagBody(data);
          else if (type === 'audio') parseAudioTagBody(data);
          else parseScriptTag(data);
        }
        if (demuxer.bufferedBytes > Math.max(2 * received, MIN_DEMUXER_CAPACITY)) {
          throw new InvariantError(`demuxer holds ${demuxer.bufferedBytes} bytes after receiving ${received}`);
        }
      }
      demuxer.end();
    });
    expectClean(report);
  });

  it('AVC config, SPS and NAL framing only throw ProtocolError', () => {
    const seeds = [AVC_CONFIG, SPS, SPS_BASELINE, joinAnnexB([SPS, PPS]), joinAvcc([SPS, PPS], 2)];
    const report = fuzz('avc', 0xc, seeds, (input) => {
      const outcomes: unknown[] = [];
      const attempt = (fn: () => unknown): void => {
        try {
          outcomes.push(fn());
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
          outcomes.push(err);
        }
      };
      attempt(() => {
        const config = parseAvcDecoderConfigurationRecord(input);
        for (const sps of config.sps) parseSps(sps);
      });
      attempt(() => splitAvcc(input, 2));
      attempt(() => splitAnnexB(input));
      if (removeEmulationPrevention(input).length > input.length) throw new InvariantError('RBSP grew');
      parseSps(input);
    });
    expectClean(report);
  });

  it('AAC AudioSpecificConfig and ADTS only throw ProtocolError', () => {
    const adts = Uint8Array.from([0xff, 0xf1, 0x50, 0x80, 0x01, 0x5f, 0xfc, 0x21, 0x10, 0x05]);
    const seeds = [AAC_CONFIG, Uint8Array.from([0x12, 0x10]), Uint8Array.from([0x2b, 0x11, 0x88]), Uint8Array.from([0xf8, 0xa3, 0x10]), adts];
    const report = fuzz('aac', 0xa4c, seeds, (input) => {
      try {
        parseAdtsHeader(input);
        splitAdts(input);
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
      }
      parseAudioSpecificConfig(input);
    });
    expectClean(report);
  });

  it('refuses explicit maximal length fields without allocating them', () => {
    const demuxer = new FlvDemuxer({ maxTagDataSize: 0xffffff });
    const header = new FlvMuxer().encodeHeader({ hasAudio: false, hasVideo: true });
    demuxer.feed(Buffer.concat([header, Uint8Array.from([9, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3])]));
    expect(demuxer.bufferedBytes).toBeLessThanOrEqual(MIN_DEMUXER_CAPACITY);
    for (const input of [
      Uint8Array.from([0x0c, 0xff, 0xff, 0xff, 0xff, 0x61]),
      Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x05]),
      Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x09]),
    ]) {
      const outcome = (() => {
        try {
          return decodeAmf0(input);
        } catch (err) {
          return err;
        }
      })();
      if (input[0] === 0x08) expect(outcome).toEqual([new Amf0EcmaArray({})]); // the count is advisory
      else expect(outcome).toBeInstanceOf(ProtocolError);
    }
    expect(() => splitAvcc(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x65]))).toThrow(ProtocolError);
  });
});
