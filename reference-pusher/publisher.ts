// The one controller that decides retries (docs/architecture.md "House style"): keeps an RTMP publish
// session up for the pusher, buffers from the last keyframe while connecting, reports the
// session's typed failures as status codes and gives up after the retries are spent.
// Spec: live-pusher.zh.md 状态码 1001/1002/1102/3001-3005/-1307; context-api.md "Status codes"
// (all 300x are retried; vendor defaults 3 retries, 3 s apart).
import { EventEmitter } from 'node:events';
import type { Amf0Value } from '../protocol/amf0.ts';
import { STATUS as SPEC_STATUS } from '../spec/codes.ts';
import { RtmpPublishSession, RtmpSessionError } from './rtmp-session.ts';
import type { SenderSnapshot } from './netstatus.ts';

/** The codes the publisher raises (live-pusher.zh.md 状态码). */
export const STATUS = {
  connected: SPEC_STATUS.CONNECTED,
  publishing: SPEC_STATUS.PUSH_BEGIN,
  reconnecting: SPEC_STATUS.RECONNECTING,
  gaveUp: SPEC_STATUS.RECONNECT_EXHAUSTED,
} as const;

export interface RetryPolicy {
  count: number;
  intervalMs: number;
}

interface Media {
  kind: 'video' | 'audio';
  timestampMs: number;
  body: Uint8Array;
  keyframe: boolean;
  sequenceHeader: boolean;
  producedAt: number;
}

/** Upper bound on what is held while the connection is down (frames since the last keyframe). */
const MAX_BUFFERED = 600;
/** Bytes queued in front of and inside the socket (Node's queue and the kernel's) beyond which media waits in the publisher, where it can still
 *  be dropped (what the socket took can only be sent). */
const SOCKET_QUEUE_LIMIT_BYTES = 32 * 1024;
/** Media that has waited longer than this (stream time, oldest to newest) is dropped when the next
 *  keyframe arrives: frames are dropped rather than queued without bound (live-pusher.zh.md 1101). */
const MAX_WAITING_MS = 1000;

/** Events: 'status' (code: number, message?: string), 'gave-up' (RtmpSessionError),
 *  'send-delay' (ms: number). */
export interface StreamPublisherEvents {
  status: [code: number, message?: string];
  'gave-up': [RtmpSessionError];
  'send-delay': [ms: number];
}

export class StreamPublisher extends EventEmitter<StreamPublisherEvents> {
  private session: RtmpPublishSession | undefined;
  private connecting = false;
  private closed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private videoHeader: Media | undefined;
  private audioHeader: Media | undefined;
  private buffered: Media[] = [];
  private metadata: Record<string, Amf0Value> | undefined;
  private bytesSentBefore = 0;
  private bytesAckedBefore = 0;
  /** Media for the live session that the socket could not take yet (see SOCKET_QUEUE_LIMIT_BYTES). */
  private waiting: Media[] = [];
  private droppedFrames = 0;

  constructor(
    readonly url: string,
    private readonly retry: RetryPolicy,
  ) {
    super();
  }

  get publishing(): boolean {
    return this.session !== undefined;
  }

  start(): void {
    void this.connect();
  }

  setMetadata(meta: Record<string, Amf0Value>): void {
    this.metadata = meta;
    this.session?.sendMetadata(meta);
  }

  push(media: Omit<Media, 'producedAt'>): void {
    if (this.closed) return;
    const item: Media = { ...media, producedAt: Date.now() };
    if (item.sequenceHeader) {
      if (item.kind === 'video') this.videoHeader = item;
      else this.audioHeader = item;
    }
    if (this.session) {
      this.wait(item);
      this.flush(this.session);
      return;
    }
    if (item.sequenceHeader) return;
    this.hold(item);
  }

  /** Held while the connection is down: from the last keyframe on, at most MAX_BUFFERED. */
  private hold(item: Media): void {
    if (item.kind === 'video' && item.keyframe) {
      this.droppedFrames += this.buffered.length;
      this.buffered = [];
    }
    if (this.buffered.length < MAX_BUFFERED) this.buffered.push(item);
    else this.droppedFrames += 1;
  }

  stats(): SenderSnapshot {
    const s = this.session?.stats();
    const held = s ? this.waiting : this.buffered;
    return {
      bytesSent: this.bytesSentBefore + (s?.bytesSent ?? 0),
      queuedVideoFrames: (s?.queuedVideoFrames ?? 0) + held.filter((m) => m.kind === 'video').length,
      queuedAudioFrames: (s?.queuedAudioFrames ?? 0) + held.filter((m) => m.kind === 'audio').length,
      queuedBytes: (s?.bytesQueued ?? 0) + (s ? held.reduce((n, m) => n + m.body.length, 0) : 0),
      connected: this.session !== undefined,
      droppedFrames: this.droppedFrames,
      ...(s ? { roundTripJitter: s.roundTripJitter } : {}),
      ...(s?.bytesAcked !== undefined ? { bytesAcked: this.bytesAckedBefore + s.bytesAcked } : {}),
    };
  }

  /** Media frames dropped so far because the uplink could not carry them. */
  get dropped(): number {
    return this.droppedFrames;
  }

  /** Queues for the live session; a keyframe behind more than MAX_WAITING_MS of waiting media
   *  replaces it (sequence headers are kept: the frames after them need them). */
  private wait(item: Media): void {
    const oldest = this.waiting.find((m) => !m.sequenceHeader);
    if (item.kind === 'video' && item.keyframe && !item.sequenceHeader && oldest && item.timestampMs - oldest.timestampMs > MAX_WAITING_MS) {
      const kept = this.waiting.filter((m) => m.sequenceHeader);
      this.droppedFrames += this.waiting.length - kept.length;
      this.waiting = kept;
    }
    this.waiting.push(item);
  }

  /** Hands waiting media to the socket while its own queue is below SOCKET_QUEUE_LIMIT_BYTES. */
  private flush(session: RtmpPublishSession): void {
    while (this.waiting.length > 0 && this.session === session && session.stats(true).bytesQueued < SOCKET_QUEUE_LIMIT_BYTES) {
      this.send(session, this.waiting.shift()!);
    }
  }

  private send(session: RtmpPublishSession, m: Media): void {
    if (m.kind === 'video') session.sendVideo(m.timestampMs, m.body, m.keyframe, m.sequenceHeader);
    else session.sendAudio(m.timestampMs, m.body, m.sequenceHeader);
    this.emit('send-delay', Date.now() - m.producedAt);
  }

  private async connect(): Promise<void> {
    if (this.closed || this.connecting || this.session) return;
    this.connecting = true;
    let session: RtmpPublishSession;
    try {
      session = await RtmpPublishSession.publish(this.url, {}, (phase) => {
        if (this.closed) return;
        if (phase === 'connected') this.emit('status', STATUS.connected);
      });
    } catch (err) {
      this.connecting = false;
      this.onFailure(err);
      return;
    }
    this.connecting = false;
    if (this.closed) {
      await session.close();
      return;
    }
    this.session = session;
    this.failures = 0;
    session.on('drain', () => this.flush(session));
    session.once('error', (err: unknown) => {
      this.dropSession(session);
      this.onFailure(err);
    });
    session.once('close', () => {
      if (this.session === session && !this.closed) {
        this.dropSession(session);
        this.onFailure(new RtmpSessionError('closed', 'the server closed the connection'));
      }
    });
    this.emit('status', STATUS.publishing);
    if (this.metadata) session.sendMetadata(this.metadata);
    if (this.videoHeader) this.send(session, this.videoHeader);
    if (this.audioHeader) this.send(session, this.audioHeader);
    const backlog = this.buffered;
    this.buffered = [];
    for (const m of backlog) this.wait(m);
    this.flush(session);
  }

  private dropSession(session: RtmpPublishSession): void {
    if (this.session !== session) return;
    const last = session.stats();
    this.bytesSentBefore += last.bytesSent;
    this.bytesAckedBefore += last.bytesAcked ?? 0;
    // What waited for the lost connection is held for the next one like any frame while down.
    for (const m of this.waiting) if (!m.sequenceHeader) this.hold(m);
    this.waiting = [];
    this.session = undefined;
    void session.close();
  }

  private onFailure(err: unknown): void {
    if (this.closed) return;
    const failure = err instanceof RtmpSessionError ? err : new RtmpSessionError('io', err instanceof Error ? err.message : String(err), err);
    this.emit('status', failure.statusCode, failure.message);
    this.failures += 1;
    if (this.failures > this.retry.count) {
      this.emit('status', STATUS.gaveUp, `still disconnected after ${this.retry.count} retries`);
      this.emit('gave-up', failure);
      return;
    }
    this.emit('status', STATUS.reconnecting, `retry ${this.failures} of ${this.retry.count} in ${this.retry.intervalMs} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.retry.intervalMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }
}
