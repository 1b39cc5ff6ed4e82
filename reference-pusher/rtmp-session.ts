// The RTMP publish session: the one place that touches the socket. Bytes are made and read by
// protocol/rtmp (handshake, chunks, commands); this file sequences them — DNS, TCP, handshake,
// connect, releaseStream / FCPublish / createStream, publish, media, FCUnpublish / deleteStream
// — honours the server's chunk size, window acknowledgements, peer bandwidth and pings, and
// reports every failure typed, so the pusher can map it to its status code.
// Spec: live-pusher.zh.md 状态码 3001 DNS, 3002 连接失败, 3003 握手失败, 3004 服务器主动断开,
// 3005 读/写失败; context-api.md "Status codes: what triggers them".
import { EventEmitter } from 'node:events';
import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { STATUS } from '../spec/codes.ts';
import type { Amf0Value } from '../protocol/amf0.ts';
import { ProtocolError } from '../protocol/errors.ts';
import { AcknowledgementTracker } from '../protocol/rtmp/acknowledgement.ts';
import { ChunkReader } from '../protocol/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../protocol/rtmp/chunk-writer.ts';
import {
  CommandName,
  StatusCode,
  commandStatusInfo,
  connectCommand,
  createStreamCommand,
  deleteStreamCommand,
  fcPublishCommand,
  fcUnpublishCommand,
  publishCommand,
  releaseStreamCommand,
  type RtmpCommand,
} from '../protocol/rtmp/commands.ts';
import { encodeAcknowledgement, encodeSetChunkSize, encodeUserControl, encodeWindowAckSize } from '../protocol/rtmp/control.ts';
import { RtmpHandshake } from '../protocol/rtmp/handshake.ts';
import { ON_METADATA, SET_DATA_FRAME, audioMessage, commandMessage, dataMessage, decodeMessage, videoMessage } from '../protocol/rtmp/messages.ts';
import type { RtmpMessage } from '../protocol/rtmp/message.ts';
import { Amf0EcmaArray } from '../protocol/amf0.ts';
import { KERNEL_QUEUE_CACHE_MS, KernelSendQueue } from './kernel-send-queue.ts';
import { ACK_WINDOW_BYTES, AckRoundTrips, type RoundTripJitter } from './ack-round-trips.ts';

/** The RTMP failure codes of live-pusher.zh.md 状态码 (3001-3005). */
export type RtmpFailureCode = typeof STATUS.DNS_FAILED | typeof STATUS.CONNECT_FAILED | typeof STATUS.HANDSHAKE_FAILED | typeof STATUS.SERVER_CLOSED | typeof STATUS.READ_WRITE_FAILED;
export type RtmpFailureKind = 'dns' | 'connect' | 'handshake' | 'rejected' | 'closed' | 'io';

/** Which status code each failure is (live-pusher.zh.md 状态码). */
export const FAILURE_STATUS: Record<RtmpFailureKind, RtmpFailureCode> = {
  dns: STATUS.DNS_FAILED,
  connect: STATUS.CONNECT_FAILED,
  handshake: STATUS.HANDSHAKE_FAILED,
  rejected: STATUS.SERVER_CLOSED,
  closed: STATUS.SERVER_CLOSED,
  io: STATUS.READ_WRITE_FAILED,
};

export class RtmpSessionError extends Error {
  readonly statusCode: RtmpFailureCode;

  constructor(
    readonly kind: RtmpFailureKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${kind}: ${message}`);
    this.name = 'RtmpSessionError';
    this.statusCode = FAILURE_STATUS[kind];
  }
}

export interface RtmpPublishOptions {
  connectTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** From handshake done to NetStream.Publish.Start. */
  publishTimeoutMs?: number;
  /** Queued bytes that make no progress for this long are a write failure (3005). */
  writeStallMs?: number;
  /** Our outgoing chunk size (sent as Set Chunk Size). */
  chunkSize?: number;
  flashVer?: string;
}

export type SessionPhase = 'dns' | 'tcp-connected' | 'handshake-done' | 'connected' | 'publishing';

export interface RtmpUrl {
  host: string;
  port: number;
  app: string;
  streamName: string;
  tcUrl: string;
}

export interface SessionStats {
  bytesSent: number;
  bytesQueued: number;
  queuedVideoFrames: number;
  queuedAudioFrames: number;
  videoFramesSent: number;
  audioFramesSent: number;
  ackReceived: number;
  serverChunkSize: number;
  windowAckSize: number;
  /** Changes between consecutive round trips timed by the server's acknowledgements (ack-round-trips.ts). */
  roundTripJitter: RoundTripJitter;
  /** Once the server acknowledges (ACK_WINDOW_BYTES windows): the connection's bytes it has
   *  acknowledged, i.e. what really reached it (handshake included). */
  bytesAcked?: number;
}

const DEFAULTS = {
  connectTimeoutMs: 5000,
  handshakeTimeoutMs: 5000,
  publishTimeoutMs: 10_000,
  writeStallMs: 10_000,
  chunkSize: 4096,
  flashVer: 'FMLE/3.0 (compatible; live-pusher-bench)',
};
const DEFAULT_RTMP_PORT = 1935;
const CLOSE_GRACE_MS = 1000;
const STALL_CHECK_MS = 1000;
const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ESERVFAIL', 'ENODATA', 'EAI_NONAME']);
const TXN = { connect: 1, releaseStream: 2, fcPublish: 3, createStream: 4, publish: 5, fcUnpublish: 6, deleteStream: 7 } as const;

type Pending = { resolve: (cmd: RtmpCommand) => void; reject: (err: RtmpSessionError) => void };

/** Events: 'error' (RtmpSessionError, once; the session is closed after it), 'close', 'drain'. */
export interface RtmpPublishSessionEvents {
  error: [RtmpSessionError];
  close: [];
  drain: [];
}

export class RtmpPublishSession extends EventEmitter<RtmpPublishSessionEvents> {
  private readonly reader = new ChunkReader();
  private readonly writer: ChunkWriter;
  private readonly acks = new AcknowledgementTracker();
  private streamId = 0;
  private closed = false;
  private failed = false;
  /** The failure that ended the session: a later request or wait gets it at once, not a timeout. */
  private failure: RtmpSessionError | undefined;
  private closing: Promise<void> | undefined;
  private publishing = false;
  private queuedVideo = 0;
  private queuedAudio = 0;
  private videoSent = 0;
  private audioSent = 0;
  private ackReceived = 0;
  private readonly roundTrips = new AckRoundTrips();
  private readonly pending = new Map<number, Pending>();
  private publishWaiter: Pending | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private lastFlushed = 0;
  private lastProgressAt = Date.now();
  /** What the kernel still holds of what we wrote (kernel-send-queue.ts). */
  private readonly kernelQueue = new KernelSendQueue(() => ({ local: this.socket.localPort, remote: this.socket.remotePort }));

  private constructor(
    private readonly socket: Socket,
    readonly url: RtmpUrl,
    private readonly opts: typeof DEFAULTS,
  ) {
    super();
    this.writer = new ChunkWriter();
    // A failed write is emitted on the next tick, possibly after one phase's listeners are gone and
    // before the next phase's are on: it is never lost, as 'close' follows it and attach() checks.
    socket.on('error', () => undefined);
  }

  /** rtmp://host[:1935]/app[/instance]/stream[?query] — the last path segment (with the query) is the stream. */
  static parseUrl(url: string): RtmpUrl {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new RtmpSessionError('connect', `not a URL: ${url}`);
    }
    if (u.protocol !== 'rtmp:') throw new RtmpSessionError('connect', `only rtmp:// is supported, not ${u.protocol}//`);
    const parts = u.pathname.split('/').filter(Boolean);
    if (parts.length < 2) throw new RtmpSessionError('connect', `${url} needs an app and a stream name: rtmp://host/app/stream`);
    const streamName = parts[parts.length - 1]! + u.search;
    const app = parts.slice(0, -1).join('/');
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = u.port ? Number(u.port) : DEFAULT_RTMP_PORT;
    return { host, port, app, streamName, tcUrl: `rtmp://${u.host}/${app}` };
  }

  /** Connects and publishes; resolves once the server said NetStream.Publish.Start. */
  static async publish(url: string, options: RtmpPublishOptions = {}, onPhase: (phase: SessionPhase) => void = () => undefined): Promise<RtmpPublishSession> {
    const opts = { ...DEFAULTS, ...options };
    const target = RtmpPublishSession.parseUrl(url);
    const address = await resolveHost(target.host);
    onPhase('dns');
    const socket = await connectTcp(address, target.port, opts.connectTimeoutMs);
    onPhase('tcp-connected');
    const session = new RtmpPublishSession(socket, target, opts);
    try {
      const remainder = await session.handshake();
      onPhase('handshake-done');
      session.attach(remainder);
      await session.negotiate(onPhase);
    } catch (err) {
      session.destroy();
      throw err;
    }
    return session;
  }

  private handshake(): Promise<Uint8Array> {
    const hs = new RtmpHandshake({ role: 'client' });
    return new Promise<Uint8Array>((resolve, reject) => {
      const fail = (err: RtmpSessionError) => {
        cleanup();
        reject(err);
      };
      const onData = (chunk: Buffer) => {
        try {
          const step = hs.feed(chunk);
          if (step.send.length) this.socket.write(step.send);
          if (step.done) {
            cleanup();
            resolve(step.remainder);
          }
        } catch (err) {
          fail(new RtmpSessionError('handshake', (err as Error).message, err));
        }
      };
      const onClose = () => fail(new RtmpSessionError('handshake', 'the server closed the connection during the handshake'));
      const onError = (err: Error) => fail(new RtmpSessionError('handshake', err.message, err));
      const timer = setTimeout(() => fail(new RtmpSessionError('handshake', `no handshake within ${this.opts.handshakeTimeoutMs} ms`)), this.opts.handshakeTimeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.socket.off('data', onData);
        this.socket.off('close', onClose);
        this.socket.off('error', onError);
      };
      this.socket.on('data', onData);
      this.socket.once('close', onClose);
      this.socket.once('error', onError);
      this.socket.write(hs.start());
    });
  }

  /** From here on the socket is read by the chunk layer for the rest of the session. */
  private attach(remainder: Uint8Array): void {
    this.socket.on('data', (chunk: Buffer) => this.onBytes(chunk));
    // A reset before publishing started is the server dropping us (3004); once pushing, a read/write failure (3005).
    this.socket.on('error', (err: NodeJS.ErrnoException) =>
      this.fail(new RtmpSessionError(this.publishing ? 'io' : 'closed', `${err.code ?? ''} ${err.message}`.trim(), err)),
    );
    this.socket.on('end', () => this.fail(new RtmpSessionError('closed', 'the server closed the connection')));
    this.socket.on('close', () => this.fail(new RtmpSessionError('closed', 'the connection closed')));
    this.socket.on('drain', () => this.emit('drain'));
    if (this.socket.destroyed) {
      this.fail(new RtmpSessionError('closed', 'the connection closed as the handshake completed'));
      return;
    }
    if (remainder.length) this.onBytes(remainder);
  }

  private async negotiate(onPhase: (phase: SessionPhase) => void): Promise<void> {
    const deadline = setTimeout(
      () => this.rejectWaiters(new RtmpSessionError('rejected', `no NetStream.Publish.Start within ${this.opts.publishTimeoutMs} ms`)),
      this.opts.publishTimeoutMs,
    );
    try {
      this.sendMessage(encodeSetChunkSize(this.opts.chunkSize));
      this.writer.setChunkSize(this.opts.chunkSize);
      const connected = await this.request(
        connectCommand({ app: this.url.app, flashVer: this.opts.flashVer, tcUrl: this.url.tcUrl, extra: {} }, TXN.connect),
        'connect',
      );
      const info = commandStatusInfo(connected);
      if (info && info.code !== StatusCode.ConnectSuccess) throw new RtmpSessionError('rejected', `connect answered ${info.code}`);
      onPhase('connected');
      this.sendCommand(releaseStreamCommand(TXN.releaseStream, this.url.streamName));
      this.sendCommand(fcPublishCommand(TXN.fcPublish, this.url.streamName));
      const created = await this.request(createStreamCommand(TXN.createStream), 'createStream');
      const id = created.args.find((a): a is number => typeof a === 'number');
      if (id === undefined) throw new RtmpSessionError('rejected', 'createStream returned no stream id');
      this.streamId = id;
      await new Promise<RtmpCommand>((resolve, reject) => {
        if (this.failure) return reject(this.failure);
        this.publishWaiter = { resolve, reject };
        this.sendCommand(publishCommand(TXN.publish, this.url.streamName), this.streamId);
      });
      // Bytes that followed Publish.Start in the same read may already have failed the session.
      if (this.failure) throw this.failure;
      this.publishing = true;
      onPhase('publishing');
      this.stallTimer = setInterval(() => this.checkStall(), STALL_CHECK_MS);
    } finally {
      clearTimeout(deadline);
    }
  }

  private request(cmd: RtmpCommand, what: string): Promise<RtmpCommand> {
    return new Promise<RtmpCommand>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending.set(cmd.transactionId, {
        resolve: (reply) => {
          if (reply.name === CommandName.Error) {
            const info = commandStatusInfo(reply);
            reject(new RtmpSessionError('rejected', `${what} refused${info ? `: ${info.code} ${info.description}` : ''}`));
          } else resolve(reply);
        },
        reject,
      });
      this.sendCommand(cmd);
    });
  }

  private rejectWaiters(err: RtmpSessionError): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.publishWaiter?.reject(err);
    this.publishWaiter = undefined;
  }

  private onBytes(chunk: Uint8Array): void {
    if (this.closed) return;
    let messages: RtmpMessage[];
    try {
      messages = this.reader.feed(chunk);
    } catch (err) {
      this.fail(new RtmpSessionError('io', `bad data from the server: ${(err as Error).message}`, err));
      return;
    }
    const due = this.acks.received(chunk.length);
    if (due !== undefined) this.sendMessage(encodeAcknowledgement(due));
    for (const m of messages) {
      try {
        this.onMessage(m);
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        this.fail(new RtmpSessionError('io', `bad message from the server: ${err.message}`, err));
        return;
      }
    }
  }

  private onMessage(m: RtmpMessage): void {
    const d = decodeMessage(m);
    switch (d.kind) {
      case 'window-ack-size':
        this.acks.setWindowSize(d.size);
        return;
      case 'set-peer-bandwidth':
        // Our window: the server acknowledges every ACK_WINDOW_BYTES, which times round trips.
        this.sendMessage(encodeWindowAckSize(Math.min(d.size, ACK_WINDOW_BYTES)));
        return;
      case 'acknowledgement':
        this.ackReceived = d.sequenceNumber;
        this.roundTrips.acknowledged(d.sequenceNumber, Date.now());
        return;
      case 'user-control':
        if (d.event.event === 'ping-request') this.sendMessage(encodeUserControl({ event: 'ping-response', timestamp: d.event.timestamp }));
        return;
      case 'command':
        this.onCommand(d.command);
        return;
      default:
        return;
    }
  }

  private onCommand(cmd: RtmpCommand): void {
    if (cmd.name === CommandName.Result || cmd.name === CommandName.Error) {
      const p = this.pending.get(cmd.transactionId);
      if (p) {
        this.pending.delete(cmd.transactionId);
        p.resolve(cmd);
      } else if (cmd.name === CommandName.Error && cmd.transactionId === TXN.publish && this.publishWaiter) {
        const info = commandStatusInfo(cmd);
        const w = this.publishWaiter;
        this.publishWaiter = undefined;
        w.reject(new RtmpSessionError('rejected', `publish refused${info ? `: ${info.code} ${info.description}` : ''}`));
      }
      return;
    }
    if (cmd.name !== CommandName.OnStatus) return;
    const info = commandStatusInfo(cmd);
    if (!info) return;
    if (info.level === 'error') {
      const err = new RtmpSessionError('rejected', `${info.code}${info.description ? ` (${info.description})` : ''}`);
      if (this.publishWaiter) {
        const w = this.publishWaiter;
        this.publishWaiter = undefined;
        w.reject(err);
      } else this.fail(err);
      return;
    }
    if (info.code === StatusCode.PublishStart && this.publishWaiter) {
      const w = this.publishWaiter;
      this.publishWaiter = undefined;
      w.resolve(cmd);
    }
  }

  private sendMessage(msg: RtmpMessage, onFlushed?: () => void): void {
    if (this.closed) return;
    const data = this.writer.write(msg);
    // The connection's byte count up to this message's end (bytesWritten counts what Node still holds).
    const end = this.socket.bytesWritten + data.length;
    this.socket.write(data, () => {
      this.roundTrips.flushed(end, Date.now());
      onFlushed?.();
    });
  }

  private sendCommand(cmd: RtmpCommand, streamId = 0): void {
    this.sendMessage(commandMessage(cmd, { streamId }));
  }

  /** @setDataFrame onMetaData (FMLE convention). */
  sendMetadata(meta: Record<string, Amf0Value>): void {
    this.sendMessage(dataMessage([SET_DATA_FRAME, ON_METADATA, new Amf0EcmaArray(meta)], { streamId: this.streamId }));
  }

  /** `body` is an FLV video tag body. */
  sendVideo(timestampMs: number, body: Uint8Array, _isKeyframe: boolean, _isSequenceHeader: boolean): void {
    if (this.closed) return;
    this.queuedVideo += 1;
    this.sendMessage(videoMessage(timestampMs, body, this.streamId), () => {
      this.queuedVideo -= 1;
      this.videoSent += 1;
    });
  }

  /** `body` is an FLV audio tag body. */
  sendAudio(timestampMs: number, body: Uint8Array, _isSequenceHeader: boolean): void {
    if (this.closed) return;
    this.queuedAudio += 1;
    this.sendMessage(audioMessage(timestampMs, body, this.streamId), () => {
      this.queuedAudio -= 1;
      this.audioSent += 1;
    });
  }

  /** bytesQueued: Node's queue in front of the socket plus the kernel's send queue; bytesSent:
   *  what left both (acknowledged by the peer). `cached`: the kernel's figure may be up to
   *  KERNEL_QUEUE_CACHE_MS old (for the per-frame send decision; measurements read it fresh). */
  stats(cached = false): SessionStats {
    const queued = this.socket.writableLength + (this.closed ? 0 : this.kernelQueue.bytes(Date.now(), cached ? KERNEL_QUEUE_CACHE_MS : 0));
    return {
      bytesSent: Math.max(0, this.socket.bytesWritten - queued),
      bytesQueued: queued,
      queuedVideoFrames: this.queuedVideo,
      queuedAudioFrames: this.queuedAudio,
      videoFramesSent: this.videoSent,
      audioFramesSent: this.audioSent,
      ackReceived: this.ackReceived,
      serverChunkSize: this.reader.chunkSize,
      windowAckSize: this.acks.windowSize,
      roundTripJitter: this.roundTrips.jitter,
      ...(this.ackReceived > 0 ? { bytesAcked: this.ackReceived } : {}),
    };
  }

  /** A write queue that makes no progress for writeStallMs is a write failure. */
  private checkStall(): void {
    const flushed = this.socket.bytesWritten - this.socket.writableLength;
    if (flushed !== this.lastFlushed || this.socket.writableLength === 0) {
      this.lastFlushed = flushed;
      this.lastProgressAt = Date.now();
      return;
    }
    if (Date.now() - this.lastProgressAt > this.opts.writeStallMs) {
      this.fail(new RtmpSessionError('io', `${this.socket.writableLength} bytes stuck for ${this.opts.writeStallMs} ms`));
    }
  }

  private fail(err: RtmpSessionError): void {
    if (this.closed || this.failed) return;
    this.failed = true;
    this.failure = err;
    this.rejectWaiters(err);
    this.destroy();
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.emit('close');
  }

  private destroy(): void {
    this.closed = true;
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = undefined;
    this.socket.destroy();
  }

  /** FCUnpublish + deleteStream, then a clean end. Idempotent: every call returns the first
   *  call's promise, which settles once the socket has closed. Never throws. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.closed) return Promise.resolve();
    this.closing = this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.failed = true;
    try {
      if (this.streamId) {
        this.sendCommand(fcUnpublishCommand(TXN.fcUnpublish, this.url.streamName));
        this.sendCommand(deleteStreamCommand(TXN.deleteStream, this.streamId), 0);
      }
    } catch {
      // the socket may already be gone
    }
    this.closed = true;
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
    this.emit('close');
  }
}

async function resolveHost(host: string): Promise<string> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host)).address;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (DNS_ERRORS.has(code)) throw new RtmpSessionError('dns', `cannot resolve ${host} (${code})`, err);
    throw new RtmpSessionError('dns', `cannot resolve ${host}: ${(err as Error).message}`, err);
  }
}

function connectTcp(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = new Socket();
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RtmpSessionError('connect', `no TCP connection to ${address}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new RtmpSessionError('connect', `${address}:${port}: ${err.code ?? err.message}`, err));
    });
    socket.connect(port, address, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
