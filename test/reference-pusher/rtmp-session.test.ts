// The RTMP publish session (reference-pusher/rtmp-session.ts) against the in-test fake server:
// the publish sequence, media in order, the server's chunk size / ack window / ping honoured,
// and every failure typed with its status code (live-pusher.zh.md 状态码 3001-3005), with no
// sockets or timers left behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { RtmpPublishSession, RtmpSessionError } from '../../reference-pusher/rtmp-session.ts';
import type { SessionPhase } from '../../reference-pusher/rtmp-session.ts';
import { FakeRtmpServer } from './fake-rtmp-server.ts';
import { decodeAmf0, Amf0EcmaArray } from '../../protocol/amf0.ts';
import { FaultServer } from '../../adapters/server/fault-server.ts';
import type { FaultScript } from '../../adapters/server/fault-server.ts';
import { SERVER_CHUNK_SIZE } from '../../adapters/server/fault-connection.ts';
import { DEFAULT_CHUNK_SIZE } from '../../protocol/rtmp/constants.ts';

/** How long the peer's acknowledgements may take (delayed ACKs), and how often to look. */
const ACK_WAIT_MS = 2000;
const ACK_POLL_MS = 20;

const RESOURCE_KINDS = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'];
function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (RESOURCE_KINDS.includes(r)) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}
const settle = () => new Promise((r) => setTimeout(r, 50));

async function publishError(url: string, opts = {}): Promise<RtmpSessionError> {
  try {
    const s = await RtmpPublishSession.publish(url, opts);
    await s.close();
  } catch (e) {
    expect(e).toBeInstanceOf(RtmpSessionError);
    return e as RtmpSessionError;
  }
  throw new Error('publish unexpectedly succeeded');
}

let server: FakeRtmpServer | undefined;
let fault: FaultServer | undefined;
let baseline: Record<string, number>;
beforeEach(() => {
  baseline = resourceCounts();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await fault?.close();
  fault = undefined;
  await settle();
  // No socket, server or timer of ours survives the test (others' timers may have ended meanwhile).
  const now = resourceCounts();
  for (const kind of RESOURCE_KINDS) expect(now[kind] ?? 0, kind).toBeLessThanOrEqual(baseline[kind] ?? 0);
});

describe('RtmpPublishSession.parseUrl', () => {
  it('splits host, port, app (with instance), stream (with query) and tcUrl', () => {
    expect(RtmpPublishSession.parseUrl('rtmp://example.com/live/s1')).toEqual({
      host: 'example.com',
      port: 1935,
      app: 'live',
      streamName: 's1',
      tcUrl: 'rtmp://example.com/live',
    });
    expect(RtmpPublishSession.parseUrl('rtmp://127.0.0.1:1999/app/inst/s?sign=abc&t=1')).toEqual({
      host: '127.0.0.1',
      port: 1999,
      app: 'app/inst',
      streamName: 's?sign=abc&t=1',
      tcUrl: 'rtmp://127.0.0.1:1999/app/inst',
    });
    expect(RtmpPublishSession.parseUrl('rtmp://[::1]:1935/live/x').host).toBe('::1');
  });

  it.each(['http://h/live/s', 'rtmp://h/live', 'not a url'])('refuses %s', (url) => {
    expect(() => RtmpPublishSession.parseUrl(url)).toThrow(RtmpSessionError);
  });
});

describe('RtmpPublishSession against the fake server', () => {
  it('publishes: phases in order, commands in order, metadata and media arrive in order with timestamps', async () => {
    server = await FakeRtmpServer.start();
    const phases: SessionPhase[] = [];
    const session = await RtmpPublishSession.publish(server.url('cam1'), { chunkSize: 1000 }, (p) => phases.push(p));
    expect(phases).toEqual(['dns', 'tcp-connected', 'handshake-done', 'connected', 'publishing']);
    session.sendMetadata({ width: 360, height: 640, framerate: 15 });
    const sent: [number, number, number][] = [];
    for (let i = 0; i < 30; i++) {
      const v = new Uint8Array(1500 + i).fill(i);
      v[0] = i % 15 === 0 ? 0x17 : 0x27;
      session.sendVideo(i * 66, v, i % 15 === 0, false);
      sent.push([9, i * 66, v.length]);
      const a = new Uint8Array(20).fill(i);
      a[0] = 0xaf;
      session.sendAudio(i * 66 + 10, a, false);
      sent.push([8, i * 66 + 10, a.length]);
    }
    await server.waitFor(() => server!.media.length === 60);
    expect(server.media.map((m) => [m.typeId, m.timestamp, m.payload.length])).toEqual(sent);
    expect(server.media.every((m) => m.streamId === 1)).toBe(true);
    expect(decodeAmf0(server.data[0]!.payload).slice(0, 2)).toEqual(['@setDataFrame', 'onMetaData']);
    expect(decodeAmf0(server.data[0]!.payload)[2]).toEqual(new Amf0EcmaArray({ width: 360, height: 640, framerate: 15 }));
    const st = session.stats();
    expect([st.videoFramesSent, st.audioFramesSent, st.queuedVideoFrames, st.queuedAudioFrames]).toEqual([30, 30, 0, 0]);
    // bytesSent counts what the peer acknowledged (the kernel's send queue is left out): soon all of it.
    const ackedBy = Date.now() + ACK_WAIT_MS;
    while (session.stats().bytesSent <= 30 * 1500 && Date.now() < ackedBy) await new Promise((r) => setTimeout(r, ACK_POLL_MS));
    expect(session.stats().bytesSent).toBeGreaterThan(30 * 1500);
    // Concurrent closes share one promise (settled once the socket has closed); a later one is a no-op.
    const first = session.close();
    expect(session.close()).toBe(first);
    await first;
    await session.close();
    await server.waitFor(() => server!.commands.some((c) => c.name === 'deleteStream'));
    expect(server.commands.map((c) => c.name)).toEqual(['connect', 'releaseStream', 'FCPublish', 'createStream', 'publish', 'FCUnpublish', 'deleteStream']);
    const connect = server.commands[0]!;
    expect(connect.commandObject).toMatchObject({ app: 'live', tcUrl: `rtmp://127.0.0.1:${server.fault.port}/live` });
    expect(server.commands[4]!.args).toEqual(['cam1', 'live']);
  });

  it("honours the server's chunk size for its following messages", async () => {
    server = await FakeRtmpServer.start({ kind: 'accept' }, { chunkSize: 60, publishDescription: 'd'.repeat(500) });
    const session = await RtmpPublishSession.publish(server.url());
    expect(session.stats().serverChunkSize).toBe(60);
    await session.close();
  });

  it('acknowledges each window of received bytes and answers pings', async () => {
    server = await FakeRtmpServer.start({ kind: 'accept' }, { windowAckSize: 2500, fillerBytesAfterPublish: 20_000, pingAfterPublish: 4242 });
    const session = await RtmpPublishSession.publish(server.url());
    // One ack per window at most; a read that brings several windows at once is acknowledged once, in full.
    await server.waitFor(() => (server!.acks.at(-1) ?? 0) > 20_000 && server!.pingResponses.length === 1);
    expect(session.stats().windowAckSize).toBe(2500);
    for (let i = 1; i < server.acks.length; i++) expect(server.acks[i]! - server.acks[i - 1]!).toBeGreaterThanOrEqual(2500);
    expect(server.acks[0]).toBeGreaterThanOrEqual(2500);
    expect(server.pingResponses).toEqual([4242]);
    expect(server.windowAckSizesFromClient).toEqual([2500]);
    await session.close();
  });

  it.each(['reject-connect', 'error-publish', 'reject-publish'] as const)('a server that rejects (%s) gives 3004 rejected', async (kind) => {
    server = await FakeRtmpServer.start({ kind });
    const err = await publishError(server.url());
    expect([err.kind, err.statusCode]).toEqual(['rejected', 3004]);
    if (kind === 'reject-publish') expect(err.message).toContain('NetStream.Publish.BadName');
  });

  it.each([1, 700, 1537])('a server that closes mid-handshake (after %i bytes) gives 3003', async (after) => {
    server = await FakeRtmpServer.start({ kind: 'close-in-handshake', afterBytes: after });
    const err = await publishError(server.url());
    expect([err.kind, err.statusCode]).toEqual(['handshake', 3003]);
  });

  it('a closed port gives 3002 connect', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await publishError(`rtmp://127.0.0.1:${port}/live/s`);
    expect([err.kind, err.statusCode]).toEqual(['connect', 3002]);
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('an unresolvable host gives 3001 dns', async () => {
    const err = await publishError('rtmp://nonexistent.invalid/live/s');
    expect([err.kind, err.statusCode]).toEqual(['dns', 3001]);
  });

  it('a reset while pushing gives one 3005 io error, then close', async () => {
    server = await FakeRtmpServer.start();
    const session = await RtmpPublishSession.publish(server.url());
    const errors: RtmpSessionError[] = [];
    const closed = new Promise<void>((r) => session.once('close', () => r()));
    session.on('error', (e: RtmpSessionError) => errors.push(e));
    session.sendVideo(0, Uint8Array.of(0x17, 0, 0, 0, 0), true, false);
    await server.waitFor(() => server!.media.length === 1);
    server.fault.dropConnections('reset');
    for (let i = 1; i < 200 && errors.length === 0; i++) {
      session.sendVideo(i * 66, new Uint8Array(1000), false, false);
      await new Promise((r) => setTimeout(r, 5));
    }
    await closed;
    expect(errors.map((e) => [e.kind, e.statusCode])).toEqual([['io', 3005]]);
    session.sendVideo(99_999, new Uint8Array(10), false, false);
    await session.close();
  });

  it('the server ending the connection while pushing gives 3004 closed', async () => {
    server = await FakeRtmpServer.start();
    const session = await RtmpPublishSession.publish(server.url());
    const errors: RtmpSessionError[] = [];
    session.on('error', (e: RtmpSessionError) => errors.push(e));
    const closed = new Promise<void>((r) => session.once('close', () => r()));
    server.fault.dropConnections('end');
    await closed;
    expect(errors.map((e) => [e.kind, e.statusCode])).toEqual([['closed', 3004]]);
  });
});

/** Resolves once `predicate` holds, polling; rejects after `ms`. */
async function until(predicate: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startFault(script: FaultScript): Promise<{ server: FaultServer; media: { kind: 'audio' | 'video'; bytes: number }[] }> {
  const server = await FaultServer.start(script);
  fault = server;
  const media: { kind: 'audio' | 'video'; bytes: number }[] = [];
  server.on('media', (kind, bytes) => media.push({ kind, bytes }));
  return { server, media };
}

const videoBody = (i: number, size: number) => {
  const v = new Uint8Array(size).fill(i & 0xff);
  v[0] = i % 15 === 0 ? 0x17 : 0x27;
  return v;
};

describe('RtmpPublishSession against the fault server (accept script)', () => {
  it("publishes: every tag arrives as one of the server's media events, with its size", async () => {
    const { server: fs, media } = await startFault({ kind: 'accept' });
    const published: string[] = [];
    fs.on('publish', (name) => published.push(name));
    const session = await RtmpPublishSession.publish(fs.url('live', 'happy'));
    expect(published).toEqual(['happy']);
    session.sendMetadata({ width: 360, height: 640 });
    const sent: { kind: 'audio' | 'video'; bytes: number }[] = [];
    for (let i = 0; i < 45; i++) {
      const v = videoBody(i, 3000 + i * 37);
      session.sendVideo(i * 66, v, i % 15 === 0, false);
      sent.push({ kind: 'video', bytes: v.length });
      const a = Uint8Array.of(0xaf, 1, ...new Uint8Array(200 + i));
      session.sendAudio(i * 66 + 7, a, false);
      sent.push({ kind: 'audio', bytes: a.length });
    }
    await until(() => media.length === sent.length, 5000, 'all media at the fault server');
    expect(media).toEqual(sent);
    expect(fs.stats.mediaBytes).toBe(sent.reduce((n, m) => n + m.bytes, 0));
    expect(fs.stats).toMatchObject({ connections: 1, publishes: 1, faultsInjected: 0 });
    const st = session.stats();
    expect([st.videoFramesSent, st.audioFramesSent, st.queuedVideoFrames, st.queuedAudioFrames]).toEqual([45, 45, 0, 0]);
    await session.close();
  });

  it("honours the server's Set Chunk Size (4096) for the replies that follow it", async () => {
    const { server: fs } = await startFault({ kind: 'accept' });
    const session = await RtmpPublishSession.publish(fs.url('live', 'chunks'));
    // The fault server sends Set Chunk Size right before the connect _result, then the rest at 4096:
    // reaching Publish.Start means every later reply was read with the new size.
    expect(SERVER_CHUNK_SIZE).not.toBe(DEFAULT_CHUNK_SIZE);
    expect(session.stats().serverChunkSize).toBe(SERVER_CHUNK_SIZE);
    await session.close();
  });

  it('close() is idempotent, also when called twice at once, and leaves no socket on either side', async () => {
    const { server: fs } = await startFault({ kind: 'accept' });
    const session = await RtmpPublishSession.publish(fs.url('live', 'closing'));
    let closeEvents = 0;
    session.on('close', () => closeEvents++);
    expect(fs.openConnections).toBe(1);
    await Promise.all([session.close(), session.close()]);
    await session.close();
    expect(closeEvents).toBe(1);
    await until(async () => fs.openConnections === 0 && (await fs.getConnections()) === 0, 3000, 'the server side to close');
    // Sending after close is a no-op, not a throw and not a write to a dead socket.
    session.sendVideo(0, videoBody(0, 10), true, false);
    session.sendAudio(0, Uint8Array.of(0xaf, 1), false);
    expect(session.stats().queuedVideoFrames).toBe(0);
    expect(resourceCounts().TCPSocketWrap ?? 0).toBeLessThanOrEqual(baseline.TCPSocketWrap ?? 0);
  });

  it('stats() counts frames queued until the socket flushes them', async () => {
    const { server: fs, media } = await startFault({ kind: 'accept' });
    const session = await RtmpPublishSession.publish(fs.url('live', 'queue'));
    for (let i = 0; i < 10; i++) session.sendVideo(i * 66, videoBody(i, 2000), i === 0, false);
    for (let i = 0; i < 4; i++) session.sendAudio(i * 23, Uint8Array.of(0xaf, 1, 2, 3), false);
    // Write callbacks run on a later tick: right now every frame is still counted as queued.
    const queued = session.stats();
    expect([queued.queuedVideoFrames, queued.queuedAudioFrames, queued.videoFramesSent, queued.audioFramesSent]).toEqual([10, 4, 0, 0]);
    await until(() => session.stats().queuedVideoFrames === 0 && session.stats().queuedAudioFrames === 0, 5000, 'the queue to drain');
    const drained = session.stats();
    expect([drained.videoFramesSent, drained.audioFramesSent, drained.bytesQueued]).toEqual([10, 4, 0]);
    await until(() => media.length === 14, 5000, 'the media at the server');
    await session.close();
  });

  it('stats() keeps frames queued while a stalled server does not read', async () => {
    const { server: fs } = await startFault({ kind: 'accept-then-stall', afterMs: 0 });
    const faults: string[] = [];
    fs.on('fault', (what) => faults.push(what));
    const session = await RtmpPublishSession.publish(fs.url('live', 'stalled'), { writeStallMs: 60_000 });
    await until(() => faults.length === 1, 3000, 'the stall');
    const frames = 200;
    const frameBytes = 64 * 1024;
    for (let i = 0; i < frames; i++) session.sendVideo(i * 66, videoBody(i, frameBytes), i % 15 === 0, false);
    // Far more than the socket buffers hold: most frames cannot leave while the server is not reading.
    await new Promise((r) => setTimeout(r, 300));
    const st = session.stats();
    expect(st.queuedVideoFrames + st.videoFramesSent).toBe(frames);
    expect(st.queuedVideoFrames).toBeGreaterThan(frames / 2);
    expect(st.bytesQueued).toBeGreaterThan(0);
    await session.close();
  });
});
