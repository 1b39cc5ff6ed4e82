// The one controller that decides retries (docs/architecture.md "House style"): keeps an RTMP publish
// session up for the pusher, buffers from the last keyframe while connecting, reports the
// session's typed failures as status codes and gives up after the retries are spent.
// Spec: live-pusher.zh.md 状态码 1001/1002/1102/3001-3005/-1307; context-api.md "Status codes"
// (all 300x are retried; vendor defaults 3 retries, 3 s apart).
import { EventEmitter } from 'node:events';
import type { Amf0Value } from '../protocol/amf0.ts';
import { RtmpPublishSession, RtmpSessionError } from './rtmp-session.ts';
import type { SenderSnapshot } from './netstatus.ts';

export const STATUS = {
  connected: 1001,
  publishing: 1002,
  reconnecting: 1102,
  gaveUp: -1307,
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

/** Events: 'status' (code: number, message?: string), 'gave-up' (RtmpSessionError),
 *  'send-delay' (ms: number). */
export class StreamPublisher extends EventEmitter {
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
      this.send(this.session, item);
      return;
    }
    if (item.sequenceHeader) return;
    if (item.kind === 'video' && item.keyframe) this.buffered = [];
    if (this.buffered.length < MAX_BUFFERED) this.buffered.push(item);
  }

  stats(): SenderSnapshot {
    const s = this.session?.stats();
    return {
      bytesSent: this.bytesSentBefore + (s?.bytesSent ?? 0),
      queuedVideoFrames: s?.queuedVideoFrames ?? this.buffered.filter((m) => m.kind === 'video').length,
      queuedAudioFrames: s?.queuedAudioFrames ?? this.buffered.filter((m) => m.kind === 'audio').length,
      queuedBytes: s?.bytesQueued ?? 0,
      connected: this.session !== undefined,
    };
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
    for (const m of backlog) this.send(session, m);
  }

  private dropSession(session: RtmpPublishSession): void {
    if (this.session !== session) return;
    this.bytesSentBefore += session.stats().bytesSent;
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
