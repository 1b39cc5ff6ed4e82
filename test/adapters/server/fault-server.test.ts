// Tests of the scriptable RTMP fault server (adapters/server/fault-server.ts). Each script is
// driven by an independent client, ffmpeg publishing a short test pattern, and the outcome
// checked on both sides; a raw client built from protocol/rtmp checks the server's exact
// replies, the limits and the lifecycle (close with connections open, two servers, idempotence).
// Status codes targeted: live-pusher.zh.md 状态码 3003/3004/3005.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FaultServer, EXPECTED_STATUS_CODE, type FaultScript } from '../../../adapters/server/fault-server.ts';
import { SERVER_CHUNK_SIZE, PUBLISH_STREAM_ID, MAX_MESSAGE_LENGTH, MAX_INPUT_WITHOUT_MESSAGE } from '../../../adapters/server/fault-connection.ts';
import { SupervisedProcess, type ExitInfo } from '../../../adapters/process/supervised.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { RtmpHandshake } from '../../../protocol/rtmp/handshake.ts';
import { ChunkReader } from '../../../protocol/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../../../protocol/rtmp/chunk-writer.ts';
import { commandMessage, decodeMessage, videoMessage, type DecodedMessage } from '../../../protocol/rtmp/messages.ts';
import {
  commandStatusInfo,
  connectCommand,
  createStreamCommand,
  fcPublishCommand,
  publishCommand,
  releaseStreamCommand,
  StatusCode,
  type RtmpCommand,
} from '../../../protocol/rtmp/commands.ts';
import type { RtmpMessage } from '../../../protocol/rtmp/message.ts';
import {
  CHUNK_FMT_SHIFT,
  ChunkFmt,
  ChunkStream,
  HANDSHAKE_BLOCK_SIZE,
  HANDSHAKE_VERSION_SIZE,
  MESSAGE_HEADER_SIZE,
  MessageType,
  RTMP_VERSION,
} from '../../../protocol/rtmp/constants.ts';
import { writeU24BE, writeU32LE } from '../../../protocol/rtmp/bytes.ts';
import { encodeSetChunkSize } from '../../../protocol/rtmp/control.ts';

const APP = 'live';
const STREAM = 'fault-test';
const STREAM_SECONDS = '4';
/** Fault delay of the accept-then-* scripts: well inside the 4 s stream. */
const AFTER_MS = 1500;
/** Guard for waits on events and exits (infrastructure, not an assertion on speed). */
const WAIT_TIMEOUT_MS = 20_000;
const FLASH_VER = 'FMLE/3.0 (compatible; fault-server-test)';
const VIDEO_PAYLOAD_BYTES = 100;
/** A C0 version byte no RTMP server accepts. */
const WRONG_C0_VERSION = 9;
/** Chunk size of the flooding client (large, so headers add little). */
const FLOOD_CHUNK_SIZE = 64 * 1024;
/** fmt 0 message header layout after a one-byte basic header: timestamp(3) length(3) type(1) stream id(4, LE). */
const FMT0_LENGTH_OFFSET = 4;
const FMT0_TYPE_OFFSET = 7;
const FMT0_STREAM_ID_OFFSET = 8;

const servers: FaultServer[] = [];
const procs: SupervisedProcess[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await Promise.all(procs.splice(0).map((p) => p.close('SIGKILL')));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(script: FaultScript): Promise<FaultServer> {
  const server = await FaultServer.start(script);
  servers.push(server);
  return server;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_TIMEOUT_MS} ms waiting for ${what}`)), WAIT_TIMEOUT_MS);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** A fmt 0 chunk header (one-byte basic header) opening a video message of `length` bytes on stream 1. */
function fullChunkHeader(csid: number, length: number): Uint8Array {
  const h = new Uint8Array(1 + MESSAGE_HEADER_SIZE[ChunkFmt.Full]);
  h[0] = (ChunkFmt.Full << CHUNK_FMT_SHIFT) | csid;
  writeU24BE(h, FMT0_LENGTH_OFFSET, length);
  h[FMT0_TYPE_OFFSET] = MessageType.Video;
  writeU32LE(h, FMT0_STREAM_ID_OFFSET, PUBLISH_STREAM_ID);
  return h;
}

/** What a server saw during one run, recorded from its events. */
interface Observed {
  events: string[];
  apps: string[];
  streams: string[];
  mediaKinds: Set<string>;
  faults: string[];
  /** stats.mediaBytes when the first fault fired. */
  mediaBytesAtFault: number | undefined;
}

function observe(server: FaultServer): Observed {
  const o: Observed = { events: [], apps: [], streams: [], mediaKinds: new Set(), faults: [], mediaBytesAtFault: undefined };
  server.on('connection', () => o.events.push('connection'));
  server.on('handshake', () => o.events.push('handshake'));
  server.on('connect', (app) => {
    o.events.push('connect');
    o.apps.push(app);
  });
  server.on('publish', (name) => {
    o.events.push('publish');
    o.streams.push(name);
  });
  server.on('media', (kind) => {
    if (!o.mediaKinds.has(kind)) o.events.push(`media:${kind}`);
    o.mediaKinds.add(kind);
  });
  server.on('fault', (what) => {
    o.events.push(`fault:${what}`);
    o.faults.push(what);
    o.mediaBytesAtFault ??= server.stats.mediaBytes;
  });
  return o;
}

interface FfmpegRun {
  exit: ExitInfo;
  stderr: string;
}

/** ffmpeg publishing a 4 s 320x240 15 fps test pattern as FLV to `url`; resolves when it exits. */
async function publishWithFfmpeg(url: string): Promise<FfmpegRun> {
  const proc = await SupervisedProcess.start({
    name: 'ffmpeg publisher',
    command: ffmpegPath(),
    args: [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-t', STREAM_SECONDS,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'flv', url,
    ],
    stdin: false,
    stdoutMode: 'ignore',
  });
  procs.push(proc);
  const exit = await withTimeout(proc.waitExit(), 'ffmpeg to exit');
  return { exit, stderr: proc.stderrTail() };
}

/** A bare RTMP client made of protocol/rtmp, to see the server's replies message by message. */
class RawClient {
  readonly messages: DecodedMessage[] = [];
  readonly closed: Promise<void>;
  private readonly hs = new RtmpHandshake({ role: 'client' });
  private readonly reader = new ChunkReader();
  private readonly writer = new ChunkWriter();
  private waiters: (() => void)[] = [];
  private ended = false;

  /** parse false: bytes from the server are not interpreted (for tests that speak raw bytes). */
  private constructor(
    readonly socket: Socket,
    private readonly parse: boolean,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.once('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static async open(port: number, parse = true): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    const client = new RawClient(socket, parse);
    clients.push(client);
    await withTimeout(new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    }), 'the TCP connection');
    return client;
  }

  async handshake(): Promise<void> {
    this.socket.write(this.hs.start());
    await this.until(() => this.hs.done, 'the handshake');
  }

  send(msg: RtmpMessage): void {
    this.socket.write(this.writer.write(msg));
  }

  command(cmd: RtmpCommand, streamId = 0): void {
    this.send(commandMessage(cmd, { streamId }));
  }

  /** Runs the FMLE publish sequence (connect, releaseStream, FCPublish, createStream, publish). */
  async publish(): Promise<void> {
    this.command(connectCommand({ app: APP, tcUrl: `rtmp://127.0.0.1/${APP}`, flashVer: FLASH_VER }));
    await this.until(() => this.result(1) !== undefined, 'connect _result');
    this.command(releaseStreamCommand(2, STREAM));
    this.command(fcPublishCommand(3, STREAM));
    this.command(createStreamCommand(4));
    await this.until(() => this.result(4) !== undefined, 'createStream _result');
    this.command(publishCommand(5, STREAM), PUBLISH_STREAM_ID);
  }

  result(transactionId: number): RtmpCommand | undefined {
    for (const m of this.messages) if (m.kind === 'command' && m.command.name === '_result' && m.command.transactionId === transactionId) return m.command;
    return undefined;
  }

  onStatus(): RtmpCommand | undefined {
    for (const m of this.messages) if (m.kind === 'command' && m.command.name === 'onStatus') return m.command;
    return undefined;
  }

  /** Resolves once `cond` holds; rejects if the socket closes first or the wait times out. */
  until(cond: () => boolean, what: string): Promise<void> {
    return withTimeout(new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (cond()) resolve();
        else if (this.ended) reject(new Error(`socket closed before ${what}`));
        else this.waiters.push(check);
      };
      check();
    }), what);
  }

  private onData(d: Buffer): void {
    if (!this.parse) return;
    let bytes: Uint8Array = d;
    if (!this.hs.done) {
      const step = this.hs.feed(bytes);
      if (step.send.length > 0) this.socket.write(step.send);
      bytes = step.remainder;
    }
    if (bytes.length > 0) for (const m of this.reader.feed(bytes)) this.messages.push(decodeMessage(m));
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

describe('FaultServer with ffmpeg publishing', () => {
  it('accept: receives the publish and its media, and ffmpeg finishes cleanly', async () => {
    const server = await startServer({ kind: 'accept' });
    const seen = observe(server);
    const run = await publishWithFfmpeg(server.url(APP, STREAM));
    expect(run.exit.code, run.stderr).toBe(0);
    expect(seen.events.slice(0, 5)).toEqual(['connection', 'handshake', 'connect', 'publish', 'media:video']);
    expect(seen.apps).toEqual([APP]);
    expect(seen.streams).toEqual([STREAM]);
    expect(server.stats.publishes).toBe(1);
    expect(server.stats.mediaBytes).toBeGreaterThan(0);
    expect(server.stats.faultsInjected).toBe(0);
    expect(seen.faults).toEqual([]);
  });

  it('reject-publish: ffmpeg fails after connect and publish were seen', async () => {
    const server = await startServer({ kind: 'reject-publish' });
    const seen = observe(server);
    const run = await publishWithFfmpeg(server.url(APP, STREAM));
    expect(run.exit.code).not.toBe(0);
    expect(run.stderr).toMatch(/Server error/);
    expect(seen.events).toEqual(['connection', 'handshake', 'connect', 'publish', 'fault:reject-publish']);
    expect(server.stats.mediaBytes).toBe(0);
    expect(server.stats.faultsInjected).toBe(1);
  });

  it('close-on-publish: ffmpeg fails after connect and publish were seen', async () => {
    const server = await startServer({ kind: 'close-on-publish' });
    const seen = observe(server);
    const run = await publishWithFfmpeg(server.url(APP, STREAM));
    expect(run.exit.code).not.toBe(0);
    expect(seen.events).toEqual(['connection', 'handshake', 'connect', 'publish', 'fault:close-on-publish']);
    expect(server.stats.mediaBytes).toBe(0);
  });

  it.each(['bad-handshake', 'close-in-handshake'] as const)('%s: ffmpeg fails in the handshake, no connect', async (kind) => {
    const server = await startServer({ kind });
    const seen = observe(server);
    const run = await publishWithFfmpeg(server.url(APP, STREAM));
    expect(run.exit.code).not.toBe(0);
    expect(run.stderr).toMatch(/handshake/i);
    expect(seen.events).toEqual(['connection', `fault:${kind}`]);
    expect(server.stats.publishes).toBe(0);
  });

  it('accept-then-reset: media flows, then ffmpeg ends with a connection reset', async () => {
    const server = await startServer({ kind: 'accept-then-reset', afterMs: AFTER_MS });
    const seen = observe(server);
    const run = await publishWithFfmpeg(server.url(APP, STREAM));
    expect(run.exit.code).not.toBe(0);
    expect(run.stderr).toMatch(/reset by peer|broken pipe/i);
    expect(seen.events.slice(0, 6)).toEqual(['connection', 'handshake', 'connect', 'publish', 'media:video', 'fault:accept-then-reset']);
    expect(seen.mediaBytesAtFault).toBeGreaterThan(0);
    expect(server.stats.mediaBytes).toBe(seen.mediaBytesAtFault);
  });

  it('accept-then-close: media flows, then ffmpeg ends with end of file', async () => {
    const server = await startServer({ kind: 'accept-then-close', afterMs: AFTER_MS });
    const seen = observe(server);
    const run = await publishWithFfmpeg(server.url(APP, STREAM));
    expect(run.exit.code).not.toBe(0);
    expect(run.stderr).toMatch(/end of file/i);
    expect(seen.events.slice(0, 6)).toEqual(['connection', 'handshake', 'connect', 'publish', 'media:video', 'fault:accept-then-close']);
    expect(seen.mediaBytesAtFault).toBeGreaterThan(0);
    expect(server.stats.mediaBytes).toBe(seen.mediaBytesAtFault);
  });

  it('accept-then-stall: the server stops reading, so no media counts after the stall', async () => {
    const server = await startServer({ kind: 'accept-then-stall', afterMs: AFTER_MS });
    const seen = observe(server);
    await publishWithFfmpeg(server.url(APP, STREAM));
    expect(seen.faults).toEqual(['accept-then-stall']);
    expect(seen.mediaBytesAtFault).toBeGreaterThan(0);
    expect(server.stats.mediaBytes).toBe(seen.mediaBytesAtFault);
    expect(server.openConnections).toBe(1);
    await server.close();
    expect(server.openConnections).toBe(0);
    expect(await server.getConnections()).toBe(0);
  });
});

describe('FaultServer replies (raw protocol/rtmp client)', () => {
  it('accept: control messages, connect/createStream results and NetStream.Publish.Start', async () => {
    const server = await startServer({ kind: 'accept' });
    const client = await RawClient.open(server.port);
    await client.handshake();
    await client.publish();
    await client.until(() => client.onStatus() !== undefined, 'onStatus');
    const kinds = client.messages.map((m) => m.kind);
    expect(kinds.slice(0, 4)).toEqual(['window-ack-size', 'set-peer-bandwidth', 'set-chunk-size', 'command']);
    const chunk = client.messages.find((m) => m.kind === 'set-chunk-size');
    expect(chunk?.kind === 'set-chunk-size' && chunk.chunkSize).toBe(SERVER_CHUNK_SIZE);
    expect(commandStatusInfo(client.result(1)!)?.code).toBe(StatusCode.ConnectSuccess);
    expect(client.result(2)).toBeDefined();
    expect(client.result(3)).toBeDefined();
    expect(client.result(4)!.args).toEqual([PUBLISH_STREAM_ID]);
    expect(client.messages.some((m) => m.kind === 'user-control' && m.event.event === 'stream-begin')).toBe(true);
    const status = commandStatusInfo(client.onStatus()!);
    expect(status).toMatchObject({ level: 'status', code: StatusCode.PublishStart });
    client.send(videoMessage(0, new Uint8Array(VIDEO_PAYLOAD_BYTES), PUBLISH_STREAM_ID));
    await withTimeout(new Promise((resolve) => server.once('media', resolve)), 'media');
    expect(server.stats.mediaBytes).toBe(VIDEO_PAYLOAD_BYTES);
  });

  it('reject-publish: onStatus level error with the default and a scripted code', async () => {
    for (const [script, code] of [
      [{ kind: 'reject-publish' }, StatusCode.PublishBadName],
      [{ kind: 'reject-publish', code: 'NetStream.Publish.BadConnection' }, 'NetStream.Publish.BadConnection'],
    ] as const) {
      const server = await startServer(script);
      const client = await RawClient.open(server.port);
      await client.handshake();
      await client.publish();
      await client.until(() => client.onStatus() !== undefined, 'onStatus');
      expect(commandStatusInfo(client.onStatus()!)).toMatchObject({ level: 'error', code });
    }
  });

  it('a reconnecting client meets the same fault again, and stats count every connection', async () => {
    const server = await startServer({ kind: 'close-on-publish' });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const client = await RawClient.open(server.port);
      await client.handshake();
      await client.publish();
      await withTimeout(client.closed, 'the server to close');
      expect(server.stats).toEqual({ connections: attempt, publishes: attempt, mediaBytes: 0, faultsInjected: attempt });
    }
  });

  it('attempts() records each connection with its open, publish, fault and close times, in order', async () => {
    const server = await startServer({ kind: 'close-on-publish' });
    const closes: number[] = [];
    server.on('connection-close', (a) => closes.push(a.index));
    const before = Date.now();
    for (let attempt = 1; attempt <= 2; attempt++) {
      const client = await RawClient.open(server.port);
      await client.handshake();
      await client.publish();
      await withTimeout(client.closed, 'the server to close');
    }
    await withTimeout(
      (async () => {
        while (closes.length < 2) await new Promise((r) => setTimeout(r, 10));
      })(),
      'both connection-close events',
    );
    const log = server.attempts();
    expect(log.map((a) => a.index)).toEqual([1, 2]);
    expect(closes).toEqual([1, 2]);
    for (const a of log) {
      expect(a.openedAt).toBeGreaterThanOrEqual(before);
      expect(a.publishedAt).toBeGreaterThanOrEqual(a.openedAt);
      expect(a.faultAt).toBeGreaterThanOrEqual(a.publishedAt!);
      expect(a.closedAt).toBeGreaterThanOrEqual(a.faultAt!);
    }
    // The server's own close event may come after the client already reconnected: only the opens are ordered.
    expect(log[1]!.openedAt).toBeGreaterThanOrEqual(log[0]!.faultAt!);
  });

  it('attempts() leaves publish, fault and close unset on a connection that is still open and idle', async () => {
    const server = await startServer({ kind: 'accept' });
    const client = await RawClient.open(server.port);
    await client.handshake();
    await withTimeout(
      (async () => {
        while (server.attempts().length < 1) await new Promise((r) => setTimeout(r, 10));
      })(),
      'the connection to be logged',
    );
    expect(server.attempts()).toEqual([{ index: 1, openedAt: expect.any(Number) }]);
  });

  it('close-in-handshake answers nothing to C0+C1', async () => {
    const server = await startServer({ kind: 'close-in-handshake' });
    const client = await RawClient.open(server.port, false);
    let received = 0;
    client.socket.on('data', (d: Buffer) => (received += d.length));
    client.socket.write(new RtmpHandshake({ role: 'client' }).start());
    await withTimeout(client.closed, 'the server to close');
    expect(received).toBe(0);
    expect(server.stats.faultsInjected).toBe(1);
  });

  it('bad-handshake answers S0 = 6 and an S1, then closes', async () => {
    const server = await startServer({ kind: 'bad-handshake' });
    const client = await RawClient.open(server.port, false);
    const parts: Buffer[] = [];
    client.socket.on('data', (d: Buffer) => parts.push(d));
    client.socket.write(new RtmpHandshake({ role: 'client' }).start());
    await withTimeout(client.closed, 'the server to close');
    const answer = Buffer.concat(parts);
    expect(answer.length).toBe(HANDSHAKE_VERSION_SIZE + HANDSHAKE_BLOCK_SIZE);
    expect(answer[0]).not.toBe(RTMP_VERSION);
  });
});

describe('FaultServer limits and lifecycle', () => {
  it('a malformed chunk stream closes that connection only', async () => {
    const server = await startServer({ kind: 'accept' });
    const errors: string[] = [];
    server.on('protocol-error', (m) => errors.push(m));
    const good = await RawClient.open(server.port);
    await good.handshake();
    const bad = await RawClient.open(server.port);
    await bad.handshake();
    /** A fmt 1 header on a chunk stream that never had a fmt 0 header. */
    const FMT1_ON_FRESH_STREAM = new Uint8Array([(1 << 6) | 3, 0, 0, 0, 0, 0, 1, 20]);
    bad.socket.write(FMT1_ON_FRESH_STREAM);
    await withTimeout(bad.closed, 'the server to close the bad connection');
    expect(errors).toHaveLength(1);
    await good.publish();
    await good.until(() => good.onStatus() !== undefined, 'onStatus on the good connection');
    expect(server.openConnections).toBe(1);
  });

  it('a wrong C0 version is refused', async () => {
    const server = await startServer({ kind: 'accept' });
    const errors: string[] = [];
    server.on('protocol-error', (m) => errors.push(m));
    const client = await RawClient.open(server.port, false);
    const c0c1 = new RtmpHandshake({ role: 'client' }).start();
    c0c1[0] = WRONG_C0_VERSION;
    client.socket.write(c0c1);
    await withTimeout(client.closed, 'the server to close on a wrong version');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/version/);
  });

  it('a message longer than MAX_MESSAGE_LENGTH is refused from its header', async () => {
    const server = await startServer({ kind: 'accept' });
    const errors: string[] = [];
    server.on('protocol-error', (m) => errors.push(m));
    const client = await RawClient.open(server.port);
    await client.handshake();
    client.socket.write(fullChunkHeader(ChunkStream.Video, MAX_MESSAGE_LENGTH + 1));
    await withTimeout(client.closed, 'the server to close on an oversized message');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/limit/);
  });

  it('partial messages piling up past MAX_INPUT_WITHOUT_MESSAGE close the connection', async () => {
    const server = await startServer({ kind: 'accept' });
    const errors: string[] = [];
    server.on('protocol-error', (m) => errors.push(m));
    const client = await RawClient.open(server.port);
    await client.handshake();
    client.send(encodeSetChunkSize(FLOOD_CHUNK_SIZE));
    // Three chunk streams each open a message of MAX_MESSAGE_LENGTH and none is ever finished.
    const streams = [ChunkStream.Audio, ChunkStream.Data, ChunkStream.Video];
    const chunkPayload = new Uint8Array(FLOOD_CHUNK_SIZE);
    const chunksPerStream = Math.ceil(MAX_INPUT_WITHOUT_MESSAGE / streams.length / FLOOD_CHUNK_SIZE) + 1;
    expect(chunksPerStream * FLOOD_CHUNK_SIZE).toBeLessThan(MAX_MESSAGE_LENGTH);
    for (let i = 0; i < chunksPerStream; i++) {
      for (const csid of streams) {
        client.socket.write(i === 0 ? fullChunkHeader(csid, MAX_MESSAGE_LENGTH) : new Uint8Array([(ChunkFmt.Continuation << CHUNK_FMT_SHIFT) | csid]));
        client.socket.write(chunkPayload);
      }
    }
    await withTimeout(client.closed, 'the server to close on piled-up input');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/without a complete message/);
    expect(server.stats.mediaBytes).toBe(0);
  });

  it('close() with connections open leaves no socket, and is idempotent', async () => {
    const server = await startServer({ kind: 'accept-then-stall', afterMs: 0 });
    const a = await RawClient.open(server.port);
    await a.handshake();
    await a.publish();
    await a.until(() => a.onStatus() !== undefined, 'onStatus');
    const b = await RawClient.open(server.port);
    await b.until(() => server.openConnections === 2, 'the server to see both connections');
    expect(await server.getConnections()).toBe(2);
    const first = server.close();
    const second = server.close();
    expect(second).toBe(first);
    await first;
    await withTimeout(Promise.all([a.closed, b.closed]), 'both clients to see the close');
    expect(server.openConnections).toBe(0);
    expect(await server.getConnections()).toBe(0);
    await server.close();
    await expect(RawClient.open(server.port)).rejects.toThrow();
  });

  it('two servers run at once on different ports, each with its own script', async () => {
    const [accepting, rejecting] = await Promise.all([startServer({ kind: 'accept' }), startServer({ kind: 'reject-publish' })]);
    expect(accepting.port).not.toBe(rejecting.port);
    const [a, r] = await Promise.all([RawClient.open(accepting.port), RawClient.open(rejecting.port)]);
    await Promise.all([a.handshake(), r.handshake()]);
    await Promise.all([a.publish(), r.publish()]);
    await Promise.all([a.until(() => a.onStatus() !== undefined, 'onStatus'), r.until(() => r.onStatus() !== undefined, 'onStatus')]);
    expect(commandStatusInfo(a.onStatus()!)?.level).toBe('status');
    expect(commandStatusInfo(r.onStatus()!)?.level).toBe('error');
    expect(accepting.stats.faultsInjected).toBe(0);
    expect(rejecting.stats.faultsInjected).toBe(1);
  });

  it('start() refuses a non-loopback host and a bad delay; url() names the port', async () => {
    await expect(FaultServer.start({ kind: 'accept' }, { host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    await expect(FaultServer.start({ kind: 'accept-then-reset', afterMs: -1 })).rejects.toThrow(/afterMs/);
    await expect(FaultServer.start({ kind: 'accept-then-close', afterMs: Number.NaN })).rejects.toThrow(/afterMs/);
    await expect(FaultServer.start({ kind: 'close-in-handshake', afterBytes: 0 })).rejects.toThrow(/afterBytes must be an integer >= 1, got 0/);
    const server = await startServer({ kind: 'accept' });
    expect(server.url(APP, STREAM)).toBe(`rtmp://127.0.0.1:${server.port}/${APP}/${STREAM}`);
  });
});

// Through the reference pusher's RTMP session (reference-pusher/rtmp-session.ts), when it exists:
// each script must surface as the status code it is built for. Loaded by URL so this file does not
// depend on that module's presence at typecheck time.
const SESSION_URL = new URL('../../../reference-pusher/rtmp-session.ts', import.meta.url);
const HAS_SESSION = existsSync(fileURLToPath(SESSION_URL));
/** Video sent by the session while an accept-then-* fault is awaited: small frames, except that a
 *  stall needs enough data to fill the socket buffers (~4 MiB on loopback) within a second or so. */
const SESSION_SEND_INTERVAL_MS = 10;
const SESSION_VIDEO_BYTES = { 'accept-then-close': VIDEO_PAYLOAD_BYTES, 'accept-then-reset': VIDEO_PAYLOAD_BYTES, 'accept-then-stall': 64 * 1024 } as const;
/** The session's writeStallMs: how long queued bytes may make no progress before it is a write failure (3005). */
const SESSION_WRITE_STALL_MS = 1000;

interface SessionErrorLike extends Error {
  statusCode: number;
}
interface SessionLike {
  once(event: 'error', fn: (err: unknown) => void): unknown;
  once(event: 'close', fn: () => void): unknown;
  sendVideo(timestampMs: number, body: Uint8Array, keyframe: boolean, sequenceHeader: boolean): void;
  close(): Promise<unknown>;
}
interface SessionModule {
  RtmpPublishSession: { publish(url: string, options?: { writeStallMs?: number }): Promise<SessionLike> };
  RtmpSessionError: new (kind: string, message: string) => SessionErrorLike;
}

describe.skipIf(!HAS_SESSION)('FaultServer status codes through RtmpPublishSession', () => {
  const PUBLISH_PHASE = ['bad-handshake', 'close-in-handshake', 'reject-connect', 'reject-publish', 'error-publish', 'close-on-publish'] as const;

  it.each(PUBLISH_PHASE)('%s: publish() rejects with the expected statusCode', async (kind) => {
    const mod = (await import(SESSION_URL.href)) as SessionModule;
    const server = await startServer({ kind });
    const failure = await withTimeout(mod.RtmpPublishSession.publish(server.url(APP, STREAM)).then(
      async (session) => {
        await session.close();
        return undefined;
      },
      (err: unknown) => err,
    ), 'publish() to settle');
    expect(failure).toBeInstanceOf(mod.RtmpSessionError);
    expect((failure as SessionErrorLike).statusCode).toBe(EXPECTED_STATUS_CODE[kind]);
  });

  it.each(['accept-then-close', 'accept-then-reset', 'accept-then-stall'] as const)('%s: the published session fails with the expected statusCode', async (kind) => {
    const mod = (await import(SESSION_URL.href)) as SessionModule;
    const server = await startServer({ kind, afterMs: AFTER_MS });
    const session = await withTimeout(mod.RtmpPublishSession.publish(server.url(APP, STREAM), { writeStallMs: SESSION_WRITE_STALL_MS }), 'publish()');
    const body = new Uint8Array(SESSION_VIDEO_BYTES[kind]);
    let timestampMs = 0;
    const sender = setInterval(() => {
      timestampMs += SESSION_SEND_INTERVAL_MS;
      session.sendVideo(timestampMs, body, false, false);
    }, SESSION_SEND_INTERVAL_MS);
    try {
      // An 'error' carries its code; a bare 'close' is what the publisher reports as RtmpSessionError('closed').
      const ended = await withTimeout(new Promise<unknown>((resolve) => {
        session.once('error', resolve);
        session.once('close', () => resolve(new mod.RtmpSessionError('closed', 'the server closed the connection')));
      }), 'the session to fail');
      expect(ended).toBeInstanceOf(mod.RtmpSessionError);
      expect((ended as SessionErrorLike).statusCode).toBe(EXPECTED_STATUS_CODE[kind]);
      expect(server.stats.faultsInjected).toBe(1);
    } finally {
      clearInterval(sender);
      await session.close();
    }
  });
});
