// RTMP handshake state machine (protocol/rtmp/handshake.ts): golden C0/C1 layout, client/server
// pairs under every split of the input, version and echo checks.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RtmpHandshake, decodeHandshakeBlock } from '../../protocol/rtmp/handshake.ts';
import { HANDSHAKE_BLOCK_SIZE, HANDSHAKE_RANDOM_SIZE } from '../../protocol/rtmp/constants.ts';
import { ProtocolError } from '../../protocol/errors.ts';

const patterned = (seed: number) => (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

function splitFeed(hs: RtmpHandshake, bytes: Uint8Array, cuts: number[]) {
  const sends: Uint8Array[] = [];
  const remainders: Uint8Array[] = [];
  let start = 0;
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  for (const end of [...points, bytes.length]) {
    const step = hs.feed(bytes.subarray(start, end));
    if (step.send.length) sends.push(step.send);
    if (step.remainder.length) remainders.push(step.remainder);
    start = end;
  }
  return { send: Buffer.concat(sends), remainder: Buffer.concat(remainders) };
}

describe('RTMP handshake', () => {
  it('C0+C1 golden layout: version 3, time, zero, random', () => {
    const hs = new RtmpHandshake({ role: 'client', randomBytes: patterned(1), now: () => 0x01020304 });
    const c0c1 = hs.start();
    expect(c0c1.length).toBe(1 + 1536);
    expect([...c0c1.subarray(0, 13)]).toEqual([3, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 1, 8, 15, 22]);
    expect(c0c1.subarray(9)).toEqual(patterned(1)(HANDSHAKE_RANDOM_SIZE));
  });

  it('server answers S0+S1+S2 with S2 echoing C1 and time2 = read time', () => {
    const client = new RtmpHandshake({ role: 'client', randomBytes: patterned(1), now: () => 1000 });
    const server = new RtmpHandshake({ role: 'server', randomBytes: patterned(2), now: () => 5000 });
    const step = server.feed(client.start());
    expect(step.done).toBe(false);
    expect(step.send.length).toBe(1 + 2 * HANDSHAKE_BLOCK_SIZE);
    expect(step.send[0]).toBe(3);
    const s1 = decodeHandshakeBlock(step.send.subarray(1, 1 + HANDSHAKE_BLOCK_SIZE));
    expect(s1).toEqual({ time: 5000, time2: 0, random: patterned(2)(HANDSHAKE_RANDOM_SIZE) });
    const s2 = decodeHandshakeBlock(step.send.subarray(1 + HANDSHAKE_BLOCK_SIZE));
    expect(s2).toEqual({ time: 1000, time2: 5000, random: patterned(1)(HANDSHAKE_RANDOM_SIZE) });
  });

  it('client and server complete under any split, passing trailing bytes through', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(4000), { maxLength: 8 }),
        fc.array(fc.nat(4000), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 50 }),
        fc.uint8Array({ maxLength: 50 }),
        (cutsA, cutsB, afterServer, afterClient) => {
          const client = new RtmpHandshake({ role: 'client' });
          const server = new RtmpHandshake({ role: 'server' });
          const toServer = splitFeed(server, client.start(), cutsA);
          expect(server.done).toBe(false);
          const toClient = splitFeed(client, Buffer.concat([toServer.send, afterServer]), cutsB);
          expect(client.done).toBe(true);
          expect(toClient.remainder).toEqual(Buffer.from(afterServer));
          expect(toClient.send.length).toBe(HANDSHAKE_BLOCK_SIZE);
          const final = splitFeed(server, Buffer.concat([toClient.send, afterClient]), cutsA);
          expect(server.done).toBe(true);
          expect(final.remainder).toEqual(Buffer.from(afterClient));
          expect(final.send.length).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('one byte at a time', () => {
    const client = new RtmpHandshake({ role: 'client' });
    const server = new RtmpHandshake({ role: 'server' });
    const c0c1 = client.start();
    const s012: Uint8Array[] = [];
    for (const b of c0c1) s012.push(server.feed(Uint8Array.of(b)).send);
    const c2: Uint8Array[] = [];
    for (const b of Buffer.concat(s012)) c2.push(client.feed(Uint8Array.of(b)).send);
    for (const b of Buffer.concat(c2)) server.feed(Uint8Array.of(b));
    expect(client.done && server.done).toBe(true);
  });

  it.each([0, 6, 31, 255])('refuses version %i with ProtocolError(rtmp-handshake)', (version) => {
    const server = new RtmpHandshake({ role: 'server' });
    const err = (() => {
      try {
        server.feed(Uint8Array.of(version));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('rtmp-handshake');
  });

  it('client refuses an S2 that does not echo C1; server refuses a C2 that does not echo S1', () => {
    const client = new RtmpHandshake({ role: 'client' });
    const server = new RtmpHandshake({ role: 'server' });
    const s012 = server.feed(client.start()).send.slice();
    s012[s012.length - 1] ^= 0xff;
    expect(() => client.feed(s012)).toThrow(/S2 does not echo C1/);

    const client2 = new RtmpHandshake({ role: 'client' });
    const server2 = new RtmpHandshake({ role: 'server' });
    const c2 = client2.feed(server2.feed(client2.start()).send).send.slice();
    c2[100] ^= 0x01;
    expect(() => server2.feed(c2)).toThrow(ProtocolError);
  });

  it('echo check can be turned off for peers that do not echo', () => {
    const client = new RtmpHandshake({ role: 'client', verifyEcho: false });
    const server = new RtmpHandshake({ role: 'server' });
    const s012 = server.feed(client.start()).send.slice();
    s012[s012.length - 1] ^= 0xff;
    expect(client.feed(s012).done).toBe(true);
  });
});
