// RTMP chunk reader/writer (protocol/rtmp/chunk-reader.ts, chunk-writer.ts): golden bytes,
// header compression, extended timestamps, chunk size changes mid-stream, abort, limits, and
// writer -> reader round trips under random messages, chunk sizes and splits.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkReader } from '../../protocol/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../../protocol/rtmp/chunk-writer.ts';
import { encodeAbort, encodeSetChunkSize } from '../../protocol/rtmp/control.ts';
import { commandMessage } from '../../protocol/rtmp/messages.ts';
import { MessageType } from '../../protocol/rtmp/constants.ts';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';
import { ProtocolError } from '../../protocol/errors.ts';
import { caught } from './bytes-helpers.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** AMF0 of ["connect", 1, {app: "live"}]. */
const CONNECT_AMF0 = '0200 07 636f6e6e656374 00 3ff0000000000000 03 0003 617070 02 0004 6c697665 000009';
const connectMsg = (): RtmpMessage =>
  commandMessage({ name: 'connect', transactionId: 1, commandObject: { app: 'live' }, args: [] }, { streamId: 0 });

function feedBytewise(reader: ChunkReader, bytes: Uint8Array): RtmpMessage[] {
  const out: RtmpMessage[] = [];
  for (const b of bytes) out.push(...reader.feed(Uint8Array.of(b)));
  return out;
}

describe('chunk writer golden bytes', () => {
  it('a connect command is one fmt 0 chunk on chunk stream 3', () => {
    const bytes = new ChunkWriter().write(connectMsg());
    // fmt 0 | csid 3, timestamp 0, length 0x23, type 20, stream id 0 (little endian), payload
    expect(toHex(bytes)).toBe(toHex(hex(`03 000000 000023 14 00000000 ${CONNECT_AMF0}`)));
  });

  it('a message longer than the chunk size continues in fmt 3 chunks', () => {
    const bytes = new ChunkWriter(16).write(connectMsg());
    const payload = hex(CONNECT_AMF0);
    const expected = Buffer.concat([
      hex('03 000000 000023 14 00000000'),
      payload.subarray(0, 16),
      hex('c3'),
      payload.subarray(16, 32),
      hex('c3'),
      payload.subarray(32),
    ]);
    expect(toHex(bytes)).toBe(toHex(expected));
  });

  it('chunk stream ids use the 1-, 2- and 3-byte basic header forms', () => {
    const w = new ChunkWriter();
    const msg = (csid: number): RtmpMessage => ({ chunkStreamId: csid, timestamp: 0, typeId: 8, streamId: 1, payload: new Uint8Array(0) });
    expect(toHex(w.write(msg(63)).subarray(0, 1))).toBe('3f');
    expect(toHex(w.write(msg(64)).subarray(0, 2))).toBe('0000');
    expect(toHex(w.write(msg(319)).subarray(0, 2))).toBe('00ff');
    expect(toHex(w.write(msg(320)).subarray(0, 3))).toBe('010001');
    expect(toHex(w.write(msg(65599)).subarray(0, 3))).toBe('01ffff');
  });

  it('compresses headers: fmt 0, then 1 (length change), 2 (delta change), 3 (all repeat)', () => {
    const w = new ChunkWriter();
    const m = (timestamp: number, len: number): RtmpMessage => ({ chunkStreamId: 4, timestamp, typeId: 8, streamId: 1, payload: new Uint8Array(len) });
    expect(toHex(w.write(m(1000, 2)))).toBe('04' + '0003e8' + '000002' + '08' + '01000000' + '0000');
    expect(toHex(w.write(m(1020, 3)))).toBe('44' + '000014' + '000003' + '08' + '000000');
    expect(toHex(w.write(m(1050, 3)))).toBe('84' + '00001e' + '000000');
    expect(toHex(w.write(m(1080, 3)))).toBe('c4' + '000000');
    // A different message stream forces fmt 0 again.
    expect(w.write({ ...m(1100, 3), streamId: 2 })[0]! >> 6).toBe(0);
  });

  it('extended timestamp: marker 0xFFFFFF plus 32 bits, repeated on fmt 3 continuation chunks', () => {
    const w = new ChunkWriter(2);
    const bytes = w.write({ chunkStreamId: 6, timestamp: 0x01000000, typeId: 9, streamId: 1, payload: hex('aabbcc') });
    expect(toHex(bytes)).toBe('06' + 'ffffff' + '000003' + '09' + '01000000' + '01000000' + 'aabb' + 'c6' + '01000000' + 'cc');
  });
});

describe('chunk reader', () => {
  it('reads the golden connect chunk, whole and one byte at a time', () => {
    const bytes = hex(`03 000000 000023 14 00000000 ${CONNECT_AMF0}`);
    for (const msgs of [new ChunkReader().feed(bytes), feedBytewise(new ChunkReader(), bytes)]) {
      expect(msgs).toHaveLength(1);
      expect(msgs[0]).toMatchObject({ chunkStreamId: 3, timestamp: 0, typeId: 20, streamId: 0 });
      expect(toHex(msgs[0]!.payload)).toBe(toHex(hex(CONNECT_AMF0)));
    }
  });

  it('applies timestamp deltas of fmt 1/2/3 headers', () => {
    const r = new ChunkReader();
    const msgs = r.feed(hex('04 0003e8 000002 08 01000000 0000' + '44 000014 000003 08 000000' + '84 00001e 000000' + 'c4 000000'));
    expect(msgs.map((m) => [m.timestamp, m.payload.length, m.streamId])).toEqual([
      [1000, 2, 1],
      [1020, 3, 1],
      [1050, 3, 1],
      [1080, 3, 1],
    ]);
  });

  it('reads extended timestamps including on fmt 3 continuation chunks', () => {
    const r = new ChunkReader({ chunkSize: 2 });
    const msgs = r.feed(hex('06 ffffff 000003 09 01000000 01000000 aabb c6 01000000 cc'));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.timestamp).toBe(0x01000000);
    expect(toHex(msgs[0]!.payload)).toBe('aabbcc');
  });

  it('reassembles interleaved chunk streams', () => {
    const r = new ChunkReader({ chunkSize: 2 });
    const msgs = r.feed(
      hex('04 000001 000004 08 01000000 a1a2' + '06 000002 000003 09 01000000 b1b2' + 'c4 a3a4' + 'c6 b3'),
    );
    expect(msgs.map((m) => [m.chunkStreamId, toHex(m.payload)])).toEqual([
      [4, 'a1a2a3a4'],
      [6, 'b1b2b3'],
    ]);
  });

  it('a Set Chunk Size split across chunks applies to the very next chunk', () => {
    const w = new ChunkWriter(1);
    const scs = w.write(encodeSetChunkSize(4096));
    expect(toHex(scs)).toBe('02 000000 000004 01 00000000 00 c2 00 c2 10 c2 00'.replace(/ /g, ''));
    w.setChunkSize(4096);
    const big = w.write({ chunkStreamId: 6, timestamp: 5, typeId: 9, streamId: 1, payload: new Uint8Array(3000).fill(7) });
    expect(big.length).toBe(12 + 3000);
    const all = Buffer.concat([scs, big]);
    for (const msgs of [new ChunkReader({ chunkSize: 1 }).feed(all), feedBytewise(new ChunkReader({ chunkSize: 1 }), all)]) {
      expect(msgs.map((m) => [m.typeId, m.payload.length])).toEqual([
        [1, 4],
        [9, 3000],
      ]);
    }
    const r = new ChunkReader({ chunkSize: 1 });
    r.feed(scs);
    expect(r.chunkSize).toBe(4096);
  });

  it('a Set Chunk Size applies to the next chunk of a message already in progress on another chunk stream', () => {
    // Video on chunk stream 6: 10 bytes, first chunk of 4 at the old size; then Set Chunk Size 6;
    // then the remaining 6 bytes in one fmt 3 chunk, read at the new size.
    const bytes = hex('06 000000 00000a 09 01000000 01020304' + '02 000000 000004 01 00000000 00000006' + 'c6 050607080900');
    for (const msgs of [new ChunkReader({ chunkSize: 4 }).feed(bytes), feedBytewise(new ChunkReader({ chunkSize: 4 }), bytes)]) {
      expect(msgs.map((m) => [m.typeId, toHex(m.payload)])).toEqual([
        [MessageType.SetChunkSize, '00000006'],
        [MessageType.Video, '01020304050607080900'],
      ]);
    }
  });

  it('the old chunk size still frames the rest of the Set Chunk Size message itself', () => {
    // Chunk size 2: the 4-byte Set Chunk Size payload needs two chunks even though it announces 4096.
    const bytes = hex('02 000000 000004 01 00000000 0000' + 'c2 1000' + '06 000000 000003 09 01000000 aabbcc');
    const msgs = new ChunkReader({ chunkSize: 2 }).feed(bytes);
    expect(msgs.map((m) => [m.typeId, toHex(m.payload)])).toEqual([
      [MessageType.SetChunkSize, '00001000'],
      [MessageType.Video, 'aabbcc'],
    ]);
  });

  it('accepts the largest chunk size 2^31-1 and refuses 0 and 2^31', () => {
    const r = new ChunkReader();
    r.feed(hex('02 000000 000004 01 00000000 7fffffff'));
    expect(r.chunkSize).toBe(0x7fffffff);
    const msgs = r.feed(hex('06 000000 000005 09 01000000 0102030405'));
    expect(msgs[0]!.payload.length).toBe(5);
    for (const bad of ['00000000', '80000000']) {
      const e = caught(() => new ChunkReader().feed(hex(`02 000000 000004 01 00000000 ${bad}`)));
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as ProtocolError).code).toBe('rtmp-message');
    }
  });

  it('an Abort drops the partial message on that chunk stream', () => {
    const w = new ChunkWriter(4);
    const first = w.write({ chunkStreamId: 6, timestamp: 0, typeId: 9, streamId: 1, payload: hex('0102030405060708') });
    const abort = new ChunkWriter(4).write(encodeAbort(6));
    const r = new ChunkReader({ chunkSize: 4 });
    expect(r.feed(first.subarray(0, 12 + 4))).toEqual([]);
    const afterAbort = r.feed(abort);
    expect(afterAbort.map((m) => m.typeId)).toEqual([MessageType.Abort]);
    const next = r.feed(hex('06 000000 000002 09 01000000 aabb'));
    expect(next.map((m) => toHex(m.payload))).toEqual(['aabb']);
  });

  it('refuses messages longer than maxMessageLength with ProtocolError(limit)', () => {
    const e = caught(() => new ChunkReader({ maxMessageLength: 1024 }).feed(hex('06 000000 000401 09 01000000')));
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).code).toBe('limit');
    expect(new ChunkReader({ maxMessageLength: 1024 }).feed(hex('06 000000 000400 09 01000000'))).toEqual([]);
  });

  it('refuses fmt 1/2/3 on a chunk stream with no previous header', () => {
    for (const first of ['44', '84', 'c4']) {
      const e = caught(() => new ChunkReader().feed(hex(`${first} 000000 000001 09 00`)));
      expect((e as ProtocolError).code).toBe('rtmp-chunk');
    }
  });

  it('refuses a new header while a message is incomplete on the same chunk stream', () => {
    const r = new ChunkReader({ chunkSize: 2 });
    r.feed(hex('06 000000 000004 09 01000000 0102'));
    expect((caught(() => r.feed(hex('06 000000 000001 09 01000000'))) as ProtocolError).code).toBe('rtmp-chunk');
  });

  it('timestamps wrap at 2^32', () => {
    const r = new ChunkReader();
    const msgs = r.feed(hex('04 ffffff 000000 08 01000000 fffffff0' + '84 000020'));
    expect(msgs.map((m) => m.timestamp)).toEqual([0xfffffff0, 0x10]);
  });
});

const messageArb = fc.record({
  chunkStreamId: fc.constantFrom(3, 4, 6, 63, 64, 300, 319, 320, 65599),
  streamId: fc.constantFrom(0, 1, 7, 0xffffffff),
  typeId: fc.constantFrom(8, 9, 18, 20, 250),
  timestampStep: fc.oneof(fc.constant(0), fc.constant(33), fc.nat(100), fc.integer({ min: 0xfffff0, max: 0x1000010 })),
  absolute: fc.option(fc.nat({ max: 0xffffffff }), { freq: 10 }),
  payload: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 100, maxLength: 700 })),
  newChunkSize: fc.option(fc.integer({ min: 1, max: 300 }), { freq: 8 }),
});

describe('writer -> reader round trip', () => {
  it('random messages, chunk sizes and splits come back unchanged', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 20 }), (specs, initialChunkSize, cuts) => {
        const writer = new ChunkWriter();
        const sent: RtmpMessage[] = [];
        const parts: Uint8Array[] = [];
        const send = (m: RtmpMessage) => {
          sent.push(m);
          parts.push(writer.write(m));
        };
        send(encodeSetChunkSize(initialChunkSize));
        writer.setChunkSize(initialChunkSize);
        const clocks = new Map<number, number>();
        for (const s of specs) {
          const ts = s.absolute ?? ((clocks.get(s.chunkStreamId) ?? 0) + s.timestampStep) % 2 ** 32;
          clocks.set(s.chunkStreamId, ts);
          send({ chunkStreamId: s.chunkStreamId, timestamp: ts, typeId: s.typeId, streamId: s.streamId, payload: s.payload });
          if (s.newChunkSize !== null) {
            send(encodeSetChunkSize(s.newChunkSize));
            writer.setChunkSize(s.newChunkSize);
          }
        }
        const bytes = Buffer.concat(parts);
        const reader = new ChunkReader();
        const got: RtmpMessage[] = [];
        let start = 0;
        for (const end of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
          got.push(...reader.feed(bytes.subarray(start, Math.max(start, end))));
          start = Math.max(start, end);
        }
        expect(got.length).toBe(sent.length);
        got.forEach((m, i) => {
          const e = sent[i]!;
          expect([m.chunkStreamId, m.timestamp, m.typeId, m.streamId]).toEqual([e.chunkStreamId, e.timestamp, e.typeId, e.streamId]);
          expect(Buffer.from(m.payload).equals(Buffer.from(e.payload))).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('every message fed one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 8 }), (specs) => {
        const writer = new ChunkWriter(37);
        const reader = new ChunkReader({ chunkSize: 37 });
        let ts = 0;
        for (const s of specs) {
          ts = (ts + s.timestampStep) % 2 ** 32;
          const m: RtmpMessage = { chunkStreamId: s.chunkStreamId, timestamp: ts, typeId: s.typeId, streamId: s.streamId, payload: s.payload };
          const got = feedBytewise(reader, writer.write(m));
          expect(got).toHaveLength(1);
          expect(got[0]!.timestamp).toBe(ts);
          expect(Buffer.from(got[0]!.payload).equals(Buffer.from(s.payload))).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
