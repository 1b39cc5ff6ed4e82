// A tiny scriptable RTMP server for the session tests, built only from protocol/rtmp (server
// handshake, chunk reader/writer, commands) on 127.0.0.1. It answers the publish sequence,
// records what arrives, and can misbehave on request (reject, close mid-handshake, reset).
import { createServer, type Server, type Socket } from 'node:net';
import { RtmpHandshake } from '../../protocol/rtmp/handshake.ts';
import { ChunkReader } from '../../protocol/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../../protocol/rtmp/chunk-writer.ts';
import { encodeSetChunkSize, encodeSetPeerBandwidth, encodeUserControl, encodeWindowAckSize } from '../../protocol/rtmp/control.ts';
import { commandMessage, dataMessage, decodeMessage } from '../../protocol/rtmp/messages.ts';
import {
  errorCommand,
  onStatusCommand,
  resultCommand,
  StatusCode,
  statusInfo,
  type RtmpCommand,
} from '../../protocol/rtmp/commands.ts';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';

export interface FakeServerBehaviour {
  /** Send Set Chunk Size with this value right after the handshake. */
  chunkSize?: number;
  /** Send Window Acknowledgement Size (and Set Peer Bandwidth) with this window. */
  windowAckSize?: number;
  /** After Publish.Start, send this many bytes of filler data messages (to make the client ack). */
  fillerBytes?: number;
  /** Refuse: connect with _error, publish with _error, or publish with onStatus BadName. */
  reject?: 'connect' | 'publish-error' | 'bad-name';
  /** Close the socket once this many handshake bytes arrived. */
  closeDuringHandshakeAfter?: number;
  /** Send a ping request after Publish.Start. */
  ping?: number;
  /** Long onStatus description (exercises multi-chunk server messages). */
  statusDescription?: string;
}

const FAKE_STREAM_ID = 1;
const FILLER_MESSAGE_BYTES = 900;

export class FakeRtmpServer {
  readonly commands: RtmpCommand[] = [];
  readonly media: RtmpMessage[] = [];
  readonly data: RtmpMessage[] = [];
  readonly acks: number[] = [];
  readonly pingResponses: number[] = [];
  readonly windowAckSizesFromClient: number[] = [];
  readonly sockets = new Set<Socket>();
  private listeners: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly behaviour: FakeServerBehaviour,
  ) {}

  static async start(behaviour: FakeServerBehaviour = {}): Promise<FakeRtmpServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const fake = new FakeRtmpServer(server, port, behaviour);
    server.on('connection', (s) => fake.onConnection(s));
    return fake;
  }

  url(stream = 'stream', app = 'live'): string {
    return `rtmp://127.0.0.1:${this.port}/${app}/${stream}`;
  }

  /** Resolves once pred() holds (checked whenever something arrives), rejects after timeoutMs. */
  waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('fake server: condition not met in time'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.notify();
    });
    socket.on('error', () => undefined);
    const b = this.behaviour;
    const hs = new RtmpHandshake({ role: 'server' });
    const reader = new ChunkReader();
    const writer = new ChunkWriter();
    const send = (m: RtmpMessage) => {
      if (!socket.destroyed) socket.write(writer.write(m));
    };
    let handshakeBytes = 0;
    socket.on('data', (chunk: Buffer) => {
      let bytes: Uint8Array = chunk;
      if (!hs.done) {
        handshakeBytes += chunk.length;
        if (b.closeDuringHandshakeAfter !== undefined && handshakeBytes >= b.closeDuringHandshakeAfter) {
          socket.end();
          return;
        }
        const step = hs.feed(chunk);
        if (step.send.length) socket.write(step.send);
        if (!step.done) return;
        bytes = step.remainder;
      }
      for (const m of reader.feed(bytes)) this.onMessage(m, send, writer);
      this.notify();
    });
  }

  private onMessage(m: RtmpMessage, send: (m: RtmpMessage) => void, writer: ChunkWriter): void {
    const b = this.behaviour;
    const d = decodeMessage(m);
    if (d.kind === 'audio' || d.kind === 'video') this.media.push(m);
    else if (d.kind === 'data') this.data.push(m);
    else if (d.kind === 'acknowledgement') this.acks.push(d.sequenceNumber);
    else if (d.kind === 'window-ack-size') this.windowAckSizesFromClient.push(d.size);
    else if (d.kind === 'user-control' && d.event.event === 'ping-response') this.pingResponses.push(d.event.timestamp);
    if (d.kind !== 'command') return;
    const cmd = d.command;
    this.commands.push(cmd);
    const tid = cmd.transactionId;
    switch (cmd.name) {
      case 'connect':
        if (b.windowAckSize !== undefined) {
          send(encodeWindowAckSize(b.windowAckSize));
          send(encodeSetPeerBandwidth(b.windowAckSize, 'dynamic'));
        }
        if (b.chunkSize !== undefined) {
          send(encodeSetChunkSize(b.chunkSize));
          writer.setChunkSize(b.chunkSize);
        }
        if (b.reject === 'connect') {
          send(commandMessage(errorCommand(tid, null, statusInfo('error', StatusCode.ConnectRejected, 'go away'))));
          return;
        }
        send(encodeUserControl({ event: 'stream-begin', streamId: 0 }));
        send(commandMessage(resultCommand(tid, { fmsVer: 'FMS/3,0,1,123' }, statusInfo('status', StatusCode.ConnectSuccess, 'ok'))));
        return;
      case 'createStream':
        send(commandMessage(resultCommand(tid, null, FAKE_STREAM_ID)));
        return;
      case 'publish':
        if (b.reject === 'publish-error') {
          send(commandMessage(errorCommand(tid, null, statusInfo('error', StatusCode.PublishBadName, 'no')), { streamId: FAKE_STREAM_ID }));
          return;
        }
        if (b.reject === 'bad-name') {
          send(commandMessage(onStatusCommand(statusInfo('error', StatusCode.PublishBadName, 'stream name taken')), { streamId: FAKE_STREAM_ID }));
          return;
        }
        send(
          commandMessage(onStatusCommand(statusInfo('status', StatusCode.PublishStart, b.statusDescription ?? 'publishing')), {
            streamId: FAKE_STREAM_ID,
          }),
        );
        if (b.ping !== undefined) send(encodeUserControl({ event: 'ping-request', timestamp: b.ping }));
        for (let sent = 0; sent < (b.fillerBytes ?? 0); sent += FILLER_MESSAGE_BYTES) {
          send(dataMessage(['filler', 'x'.repeat(FILLER_MESSAGE_BYTES)], { streamId: FAKE_STREAM_ID }));
        }
        return;
    }
  }
}
