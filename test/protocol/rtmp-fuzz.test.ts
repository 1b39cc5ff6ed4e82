// Fuzzing the RTMP parsers (protocol/rtmp: handshake in both roles, chunk reader, decodeMessage,
// parseCommand) with random and mutated inputs: bit flips, byte stomps, truncations, insertions,
// deletions, duplicated ranges, huge length fields (Adobe RTMP spec §5.3.1.2: 24-bit message
// length) and random splits of the input. Seeded and reproducible: every case has its own seed
// derived from RTMP_FUZZ_SEED (env, default below), target and case number, and a failure names
// all three. The parsers may only throw ProtocolError, must consume all input they are given,
// and must hold memory proportional to their input (never the 16 MiB a 0xFFFFFF length announces).
import { describe, expect, it } from 'vitest';
import { RtmpHandshake } from '../../protocol/rtmp/handshake.ts';
import type { HandshakeRole } from '../../protocol/rtmp/handshake.ts';
import { ChunkReader } from '../../protocol/rtmp/chunk-reader.ts';
import { basicHeaderSize, ChunkWriter } from '../../protocol/rtmp/chunk-writer.ts';
import {
  encodeAbort,
  encodeAcknowledgement,
  encodeSetChunkSize,
  encodeSetPeerBandwidth,
  encodeUserControl,
  encodeWindowAckSize,
} from '../../protocol/rtmp/control.ts';
import { audioMessage, commandMessage, dataMessage, decodeMessage, videoMessage } from '../../protocol/rtmp/messages.ts';
import {
  connectCommand,
  createStreamCommand,
  deleteStreamCommand,
  encodeCommand,
  errorCommand,
  fcPublishCommand,
  fcUnpublishCommand,
  onStatusCommand,
  parseCommand,
  publishCommand,
  releaseStreamCommand,
  resultCommand,
  StatusCode,
  statusInfo,
} from '../../protocol/rtmp/commands.ts';
import type { RtmpCommand } from '../../protocol/rtmp/commands.ts';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';
import { HANDSHAKE_BLOCK_SIZE, HANDSHAKE_RANDOM_SIZE, HANDSHAKE_VERSION_SIZE, MAX_MESSAGE_LENGTH_FIELD } from '../../protocol/rtmp/constants.ts';
import { Amf0EcmaArray } from '../../protocol/amf0.ts';
import { ProtocolError } from '../../protocol/errors.ts';
import { prng } from './bytes-helpers.ts';

const DEFAULT_SEED = 0x5eed2024;
const BASE_SEED = process.env.RTMP_FUZZ_SEED === undefined ? DEFAULT_SEED : Number(process.env.RTMP_FUZZ_SEED);
const CASES_PER_TARGET = 10_000;
/** Share of cases that are plain random bytes; the rest mutate a valid seed input. */
const RANDOM_SHARE = 0.2;
const MAX_RANDOM_INPUT = 4000;
const MAX_INPUT = 8000;
const MAX_MUTATIONS = 6;
const MAX_INSERT = 16;
const MAX_DELETE = 32;
const MAX_PIECE = 300;
const MAX_TINY_PIECE = 4;
const TINY_PIECES_SHARE = 0.05;
/** The handshake re-buffers its pending input on every feed (bounded by one 1536-byte block, but
 *  quadratic when dribbled), so fewer of its cases use tiny pieces to keep the run short. */
const HANDSHAKE_TINY_PIECES_SHARE = 0.01;
/** Field values that stress length, size and id checks. */
const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xc3, 0xfe, 0xff];
const HUGE_FIELDS = [
  [0xff, 0xff, 0xff],
  [0xff, 0xff, 0xfe],
  [0x7f, 0xff, 0xff, 0xff],
  [0xff, 0xff, 0xff, 0xff],
  [0x80, 0x00, 0x00, 0x00],
  [0x00, 0x00, 0x00, 0x00],
];
/** Allowed growth of ArrayBuffer memory while one case runs: a fixed slack (Buffer pool slabs,
 *  engine noise) plus a multiple of the input; a 16 MiB up-front allocation is far above it. */
const MEMORY_SLACK_BYTES = 256 * 1024;
const MEMORY_PER_INPUT_BYTE = 8;
const UINT32 = 2 ** 32;
const HUGE_LENGTH = [0xff, 0xff, 0xff];
/** §5.3.1.2 type 0 message header: timestamp (3), length (3), type id (1), stream id (4). */
const TIMESTAMP_FIELD = 3;
const FMT0_HEADER = 11;
const HUGE_STREAMS = 500;

const int = (rand: () => number, n: number) => Math.floor(rand() * n);

function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = int(rand, 256);
  return out;
}

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at), 0);
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** One to MAX_MUTATIONS edits of a copy of `seed`. */
function mutate(rand: () => number, seed: Uint8Array): Uint8Array {
  // A copy (Buffer#slice would be a view and let mutations pile up in the seed).
  let b: Uint8Array = new Uint8Array(seed);
  const ops = 1 + int(rand, MAX_MUTATIONS);
  for (let k = 0; k < ops; k++) {
    const pos = int(rand, Math.max(1, b.length));
    switch (int(rand, 8)) {
      case 0:
        if (b.length) b[pos] = b[pos]! ^ (1 << int(rand, 8));
        break;
      case 1:
        if (b.length) b[pos] = int(rand, 256);
        break;
      case 2:
        if (b.length) b[pos] = INTERESTING_BYTES[int(rand, INTERESTING_BYTES.length)]!;
        break;
      case 3:
        b = b.subarray(0, pos);
        break;
      case 4:
        b = splice(b, pos, 0, randomBytes(rand, 1 + int(rand, MAX_INSERT)));
        break;
      case 5:
        b = splice(b, pos, Math.min(b.length - pos, 1 + int(rand, MAX_DELETE)), new Uint8Array(0));
        break;
      case 6: {
        const field = HUGE_FIELDS[int(rand, HUGE_FIELDS.length)]!;
        for (let i = 0; i < field.length && pos + i < b.length; i++) b[pos + i] = field[i]!;
        break;
      }
      default: {
        const from = int(rand, Math.max(1, b.length));
        b = splice(b, pos, 0, new Uint8Array(b.subarray(from, from + 1 + int(rand, MAX_DELETE * 4))));
      }
    }
  }
  return b.length > MAX_INPUT ? b.subarray(0, MAX_INPUT) : b;
}

/** Feeds `input` in random pieces (some cases in tiny ones). Returns the pieces' results, or the error. */
function inPieces<T>(
  rand: () => number,
  input: Uint8Array,
  feed: (piece: Uint8Array) => T,
  tinyShare = TINY_PIECES_SHARE,
): { results: T[]; error?: unknown } {
  const results: T[] = [];
  const maxPiece = rand() < tinyShare ? MAX_TINY_PIECE : MAX_PIECE;
  try {
    let i = 0;
    while (i < input.length) {
      const n = 1 + int(rand, maxPiece);
      results.push(feed(input.subarray(i, i + n)));
      i += n;
    }
  } catch (error) {
    return { results, error };
  }
  return { results };
}

/** Runs `cases` cases; a failure is rethrown naming the target, case and seed that reproduce it. */
function runCases(target: string, targetIndex: number, cases: number, body: (rand: () => number, n: number) => void): void {
  for (let n = 0; n < cases; n++) {
    const rand = prng(BASE_SEED ^ Math.imul(targetIndex + 1, 0x9e3779b1) ^ Math.imul(n, 0x85ebca6b));
    try {
      body(rand, n);
    } catch (err) {
      const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Error(`fuzz ${target} failed at case ${n} (RTMP_FUZZ_SEED=${BASE_SEED}): ${what}`, { cause: err });
    }
  }
}

/** Anything but a ProtocolError is a parser bug. */
function onlyProtocolError(err: unknown): void {
  if (err !== undefined && !(err instanceof ProtocolError)) throw err;
}

/** A prefix of a valid input is incomplete, never wrong. */
function isPrefixOf(input: Uint8Array, valid: Uint8Array): boolean {
  return input.length <= valid.length && Buffer.compare(input, valid.subarray(0, input.length)) === 0;
}

const arrayBufferBytes = () => process.memoryUsage().arrayBuffers;

function expectMemoryProportional(before: number, inputLength: number): void {
  expect(arrayBufferBytes() - before).toBeLessThanOrEqual(MEMORY_SLACK_BYTES + MEMORY_PER_INPUT_BYTE * inputLength);
}

// ---------------------------------------------------------------------------------------------
// Seed inputs: valid handshakes, chunk streams, messages and command payloads.

const FIXED_CLIENT_RANDOM = Uint8Array.from({ length: HANDSHAKE_RANDOM_SIZE }, (_, i) => (i * 7 + 1) & 0xff);
const FIXED_SERVER_RANDOM = Uint8Array.from({ length: HANDSHAKE_RANDOM_SIZE }, (_, i) => (i * 13 + 5) & 0xff);
const newHandshake = (role: HandshakeRole) =>
  new RtmpHandshake({ role, randomBytes: () => (role === 'client' ? FIXED_CLIENT_RANDOM : FIXED_SERVER_RANDOM).slice(), now: () => 1000 });

/** What a client receives (S0+S1+S2, then chunks) and what a server receives (C0+C1+C2, then chunks), both valid. */
function handshakeSeeds(trailing: Uint8Array): Record<HandshakeRole, Uint8Array> {
  const client = newHandshake('client');
  const server = newHandshake('server');
  const c0c1 = client.start();
  const s0s1s2 = server.feed(c0c1).send;
  const c2 = client.feed(s0s1s2).send;
  return { client: Buffer.concat([s0s1s2, trailing]), server: Buffer.concat([c0c1, c2, trailing]) };
}

const connect = () => connectCommand({ app: 'live', tcUrl: 'rtmp://127.0.0.1/live', flashVer: 'FMLE/3.0' });
const COMMANDS: RtmpCommand[] = [
  connect(),
  releaseStreamCommand(2, 'stream'),
  fcPublishCommand(3, 'stream'),
  createStreamCommand(4),
  publishCommand(5, 'stream'),
  fcUnpublishCommand(6, 'stream'),
  deleteStreamCommand(7, 1),
  resultCommand(1, { fmsVer: 'FMS/3,0,1,123', capabilities: 31 }, statusInfo('status', StatusCode.ConnectSuccess, 'ok')),
  errorCommand(5, null, statusInfo('error', StatusCode.ConnectRejected, 'no')),
  onStatusCommand(statusInfo('error', StatusCode.PublishBadName, 'taken')),
];

function seedMessages(): RtmpMessage[] {
  return [
    encodeSetChunkSize(200),
    encodeAbort(9),
    encodeAcknowledgement(123456),
    encodeWindowAckSize(5000),
    encodeSetPeerBandwidth(5000, 'dynamic'),
    encodeUserControl({ event: 'stream-begin', streamId: 1 }),
    encodeUserControl({ event: 'set-buffer-length', streamId: 1, bufferLengthMs: 3000 }),
    encodeUserControl({ event: 'ping-request', timestamp: 9 }),
    ...COMMANDS.map((c, i) => commandMessage(c, { streamId: i % 2 })),
    dataMessage(['@setDataFrame', 'onMetaData', new Amf0EcmaArray({ width: 360, height: 640, framerate: 15 })], { streamId: 1 }),
    videoMessage(0, new Uint8Array(400).fill(0x17), 1),
    audioMessage(23, Uint8Array.of(0xaf, 0, 0x11, 0x90), 1),
  ];
}

interface ChunkStreamSeed {
  bytes: Uint8Array;
  /** Incoming chunk size the stream starts with. */
  chunkSize: number;
}

/** Valid chunk streams: chunk size changes, interleaving, extended timestamps, abort, 1/2/3-byte chunk stream ids. */
function validChunkStreams(): ChunkStreamSeed[] {
  const first = new ChunkWriter();
  const firstChunkSize = 64;
  // The new chunk size applies from the chunk after the Set Chunk Size message (§5.4.1).
  const a: Uint8Array[] = [first.write(encodeSetChunkSize(firstChunkSize))];
  first.setChunkSize(firstChunkSize);
  a.push(first.write(encodeWindowAckSize(5000)), first.write(commandMessage(connect())));
  a.push(first.write(encodeUserControl({ event: 'ping-request', timestamp: 9 })));
  for (let i = 0; i < 6; i++) {
    a.push(first.write(videoMessage(i * 66, new Uint8Array(150).fill(i), 1)));
    a.push(first.write(audioMessage(i * 23 + 0xfffff0, new Uint8Array(20).fill(i), 1)));
  }
  a.push(first.write(commandMessage(publishCommand(5, 'stream'), { streamId: 1 })));

  const secondChunkSize = 16;
  const second = new ChunkWriter(secondChunkSize);
  const b: Uint8Array[] = [];
  for (const [i, m] of seedMessages().entries()) {
    const csid = [3, 64, 319, 320, 65599][i % 5]!;
    if (m.typeId === 1 || m.typeId === 2) continue;
    b.push(second.write({ ...m, chunkStreamId: csid, timestamp: i * 0x400000 }));
  }

  const thirdChunkSize = 8;
  const third = new ChunkWriter(thirdChunkSize);
  const v = third.write(videoMessage(5, new Uint8Array(40).fill(9), 1));
  const s = third.write(audioMessage(6, new Uint8Array(24).fill(8), 1));
  // Interleave the first chunks of two messages, then abort the video and send another.
  const c = [
    v.subarray(0, 1 + FMT0_HEADER + thirdChunkSize),
    s,
    new ChunkWriter(thirdChunkSize).write(encodeAbort(6)),
    new ChunkWriter(thirdChunkSize).write(videoMessage(7, new Uint8Array(9), 1)),
  ];
  return [
    { bytes: Buffer.concat(a), chunkSize: 128 },
    { bytes: Buffer.concat(b), chunkSize: secondChunkSize },
    { bytes: Buffer.concat(c), chunkSize: thirdChunkSize },
  ];
}

// ---------------------------------------------------------------------------------------------

describe(`RTMP fuzz (seeded, ${CASES_PER_TARGET} cases per parser)`, () => {
  it('the seed inputs are valid: each parser accepts them whole', () => {
    const trailing = new ChunkWriter().write(commandMessage(connect()));
    const seeds = handshakeSeeds(trailing);
    for (const role of ['client', 'server'] as const) {
      const hs = newHandshake(role);
      hs.start();
      const step = hs.feed(seeds[role]);
      expect([step.done, Buffer.from(step.remainder).equals(Buffer.from(trailing))]).toEqual([true, true]);
    }
    for (const seed of validChunkStreams()) {
      const messages = new ChunkReader({ chunkSize: seed.chunkSize }).feed(seed.bytes);
      expect(messages.length).toBeGreaterThan(2);
      for (const m of messages) decodeMessage(m);
    }
    for (const m of seedMessages()) decodeMessage(m);
    for (const c of COMMANDS) expect(parseCommand(encodeCommand(c))).toEqual(c);
  });

  it.each(['client', 'server'] as const)('handshake, %s role: only ProtocolError, exact echo/remainder accounting', (role) => {
    const seeds = handshakeSeeds(new ChunkWriter().write(commandMessage(connect())));
    const received = role === 'client' ? seeds.client : seeds.server;
    /** Input the handshake itself consumes: S0+S1+S2 or C0+C1+C2. */
    const consumed = HANDSHAKE_VERSION_SIZE + 2 * HANDSHAKE_BLOCK_SIZE;
    /** What we send in reply to the peer: C2, or S0+S1+S2. */
    const replies = role === 'client' ? HANDSHAKE_BLOCK_SIZE : HANDSHAKE_VERSION_SIZE + 2 * HANDSHAKE_BLOCK_SIZE;
    let accepted = 0;
    let rejected = 0;
    runCases(`handshake-${role}`, role === 'client' ? 0 : 1, CASES_PER_TARGET, (rand) => {
      let input: Uint8Array;
      if (rand() < RANDOM_SHARE) {
        input = randomBytes(rand, int(rand, MAX_RANDOM_INPUT));
        if (input.length && rand() < 0.5) input[0] = 3;
      } else input = mutate(rand, received);
      const hs = newHandshake(role);
      hs.start();
      const { results, error } = inPieces(rand, input, (p) => hs.feed(p), HANDSHAKE_TINY_PIECES_SHARE);
      onlyProtocolError(error);
      if (isPrefixOf(input, received)) expect(error).toBeUndefined();
      const sent = results.reduce((n, s) => n + s.send.length, 0);
      const remainder = results.reduce((n, s) => n + s.remainder.length, 0);
      expect(sent).toBeLessThanOrEqual(replies);
      if (error) {
        rejected++;
        expect(hs.done).toBe(false);
      } else if (hs.done) {
        accepted++;
        expect(sent).toBe(replies);
        expect(remainder).toBe(input.length - consumed);
      } else {
        expect(remainder).toBe(0);
      }
    });
    expect(accepted).toBeGreaterThan(CASES_PER_TARGET / 50);
    expect(rejected).toBeGreaterThan(CASES_PER_TARGET / 10);
  });

  it('chunk reader: only ProtocolError, all input consumed, memory proportional to input', () => {
    const seeds = validChunkStreams();
    let accepted = 0;
    let rejected = 0;
    let messages = 0;
    runCases('chunk-reader', 2, CASES_PER_TARGET, (rand) => {
      const seed = seeds[int(rand, seeds.length)]!;
      const input = rand() < RANDOM_SHARE ? randomBytes(rand, int(rand, MAX_RANDOM_INPUT)) : mutate(rand, seed.bytes);
      const reader = new ChunkReader({ chunkSize: seed.chunkSize });
      const before = arrayBufferBytes();
      const { results, error } = inPieces(rand, input, (p) => reader.feed(p));
      expectMemoryProportional(before, input.length);
      onlyProtocolError(error);
      if (isPrefixOf(input, seed.bytes)) expect(error).toBeUndefined();
      const out = results.flat();
      messages += out.length;
      expect(out.reduce((n, m) => n + m.payload.length, 0)).toBeLessThanOrEqual(input.length);
      for (const m of out) expect(m.payload.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH_FIELD);
      if (error) rejected++;
      else {
        expect(reader.bytesRead).toBe(input.length);
        if (out.length > 0) accepted++;
      }
    });
    expect(accepted).toBeGreaterThan(CASES_PER_TARGET / 10);
    expect(rejected).toBeGreaterThan(CASES_PER_TARGET / 10);
    expect(messages).toBeGreaterThan(CASES_PER_TARGET);
  });

  it('decodeMessage on reassembled mutated messages: only ProtocolError', () => {
    const seeds = seedMessages();
    const typeIds = [...new Set(seeds.map((m) => m.typeId)), 15, 17, 22];
    let accepted = 0;
    let rejected = 0;
    runCases('decode-message', 3, CASES_PER_TARGET, (rand) => {
      const seed = seeds[int(rand, seeds.length)]!;
      const payload = rand() < RANDOM_SHARE ? randomBytes(rand, int(rand, 64)) : mutate(rand, seed.payload);
      const typeId = rand() < 0.2 ? typeIds[int(rand, typeIds.length)]! : seed.typeId;
      const chunkSize = 1 + int(rand, 200);
      // Reassemble through the chunk layer on a media stream, so that the reader carries the
      // (possibly broken) control payload to decodeMessage instead of acting on it.
      const writer = new ChunkWriter(chunkSize);
      const reader = new ChunkReader({ chunkSize });
      const bytes = writer.write({ chunkStreamId: 3 + int(rand, 400), timestamp: int(rand, UINT32), typeId, streamId: 1 + int(rand, 5), payload });
      const { results, error } = inPieces(rand, bytes, (p) => reader.feed(p));
      expect(error).toBeUndefined();
      const [msg, ...extra] = results.flat();
      expect(extra).toEqual([]);
      expect(Buffer.from(msg!.payload).equals(Buffer.from(payload))).toBe(true);
      try {
        decodeMessage(msg!);
        accepted++;
      } catch (err) {
        onlyProtocolError(err);
        rejected++;
      }
    });
    expect(accepted).toBeGreaterThan(CASES_PER_TARGET / 10);
    expect(rejected).toBeGreaterThan(CASES_PER_TARGET / 10);
  });

  it('parseCommand: only ProtocolError', () => {
    const seeds = COMMANDS.map(encodeCommand);
    let accepted = 0;
    let rejected = 0;
    runCases('parse-command', 4, CASES_PER_TARGET, (rand) => {
      const input = rand() < RANDOM_SHARE ? randomBytes(rand, int(rand, 400)) : mutate(rand, seeds[int(rand, seeds.length)]!);
      try {
        const cmd = parseCommand(input);
        expect(typeof cmd.name).toBe('string');
        expect(typeof cmd.transactionId).toBe('number');
        accepted++;
      } catch (err) {
        onlyProtocolError(err);
        rejected++;
      }
    });
    expect(accepted).toBeGreaterThan(CASES_PER_TARGET / 50);
    expect(rejected).toBeGreaterThan(CASES_PER_TARGET / 10);
  });
});


describe('huge length fields do not allocate up front', () => {
  it('a 0xFFFFFF-byte message announced by a few bytes of input holds only what arrived', () => {
    const reader = new ChunkReader({ chunkSize: 0x7fffffff });
    const header = new ChunkWriter().write({ chunkStreamId: 6, timestamp: 0, typeId: 9, streamId: 1, payload: new Uint8Array(0) });
    header.set(HUGE_LENGTH, 1 + TIMESTAMP_FIELD);
    const before = arrayBufferBytes();
    expect(reader.feed(header)).toEqual([]);
    for (let i = 0; i < 100; i++) expect(reader.feed(new Uint8Array(100))).toEqual([]);
    expectMemoryProportional(before, header.length + 100 * 100);
    expect(reader.bytesRead).toBe(header.length + 100 * 100);
  });

  it('interleaved huge messages on many chunk streams stay proportional too', () => {
    const reader = new ChunkReader({ chunkSize: 4 });
    const w = new ChunkWriter(4);
    const parts: Uint8Array[] = [];
    for (let csid = 3; csid < 3 + HUGE_STREAMS; csid++) {
      const basic = basicHeaderSize(csid);
      const first = w.write({ chunkStreamId: csid, timestamp: 0, typeId: 9, streamId: 1, payload: new Uint8Array(8) }).subarray(0, basic + FMT0_HEADER + 4);
      first.set(HUGE_LENGTH, basic + TIMESTAMP_FIELD);
      parts.push(first);
    }
    const input = Buffer.concat(parts);
    const before = arrayBufferBytes();
    expect(reader.feed(input)).toEqual([]);
    expectMemoryProportional(before, input.length);
  });
});
