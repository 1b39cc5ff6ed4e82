// One client connection of the RTMP fault server: a correct minimal publish server (Adobe RTMP
// spec §5.2 handshake, §5.4 protocol control, §7.2 NetConnection/NetStream commands) up to the
// point where its FaultScript injects the fault. Bytes are made and parsed only by
// protocol/rtmp; this file owns the socket. Bounded: messages are capped at MAX_MESSAGE_LENGTH,
// at most MAX_INPUT_WITHOUT_MESSAGE bytes may arrive without completing a message, and any
// malformed input closes the connection (the handshake buffers at most one C1/C2 block).
import type { Socket } from 'node:net';
import { ProtocolError } from '../../protocol/errors.ts';
import type { Amf0Value } from '../../protocol/amf0.ts';
import { RtmpHandshake } from '../../protocol/rtmp/handshake.ts';
import { ChunkReader } from '../../protocol/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../../protocol/rtmp/chunk-writer.ts';
import { AcknowledgementTracker } from '../../protocol/rtmp/acknowledgement.ts';
import { commandMessage, dataMessage, decodeMessage } from '../../protocol/rtmp/messages.ts';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';
import {
  encodeAcknowledgement,
  encodeSetChunkSize,
  encodeSetPeerBandwidth,
  encodeUserControl,
  encodeWindowAckSize,
} from '../../protocol/rtmp/control.ts';
import {
  CommandName,
  errorCommand,
  isAmf0Object,
  OBJECT_ENCODING_AMF0,
  onStatusCommand,
  resultCommand,
  StatusCode,
  statusInfo,
} from '../../protocol/rtmp/commands.ts';
import type { RtmpCommand } from '../../protocol/rtmp/commands.ts';
import { HANDSHAKE_BLOCK_SIZE, HANDSHAKE_VERSION_SIZE } from '../../protocol/rtmp/constants.ts';
import type { FaultScript } from './fault-script.ts';
import { badAmfMessage, malformedChunkBytes } from './fault-bytes.ts';

/** S0 version byte of `bad-handshake`: 6 is RTMPE, which a plain RTMP client must refuse (§5.2.2). */
export const WRONG_RTMP_VERSION = 6;
/** Window Acknowledgement Size and Set Peer Bandwidth we announce (the values node-media-server uses). */
export const SERVER_WINDOW_ACK_SIZE = 5_000_000;
export const SERVER_PEER_BANDWIDTH = 5_000_000;
/** Outgoing chunk size announced with Set Chunk Size after connect. */
export const SERVER_CHUNK_SIZE = 4096;
/** Message stream id handed out by createStream. */
export const PUBLISH_STREAM_ID = 1;
/** Largest message accepted from a client (a 1080p keyframe fits many times over). */
export const MAX_MESSAGE_LENGTH = 4 * 1024 * 1024;
/** Input allowed while no message completes (one largest message plus generous chunk-header overhead);
 *  more means partial messages are piling up, and the connection is closed. */
export const MAX_INPUT_WITHOUT_MESSAGE = 2 * MAX_MESSAGE_LENGTH;
/** After a clean end (FIN) the socket is destroyed if the client has not closed its side within this. */
export const END_GRACE_MS = 3_000;

const C0_C1_SIZE = HANDSHAKE_VERSION_SIZE + HANDSHAKE_BLOCK_SIZE;
const FMS_VERSION = 'FMS/3,0,1,123';
/** connect _result capabilities as FMS/nginx-rtmp announce them. */
const FMS_CAPABILITIES = 31;
const CONNECT_DESCRIPTION = 'Connection succeeded.';

/**
 * How the server speaks on the wire, for exercising a client's protocol handling (all optional).
 * The defaults are what node-media-server announces.
 */
export interface WireOptions {
  /** Set Chunk Size sent after connect (default SERVER_CHUNK_SIZE). */
  chunkSize?: number;
  /** Window Acknowledgement Size and Set Peer Bandwidth sent after connect (default SERVER_WINDOW_ACK_SIZE). */
  windowAckSize?: number;
  /** Description of the NetStream.Publish.Start onStatus (long ones span several chunks). */
  publishDescription?: string;
  /** After accepting a publish: a ping request with this timestamp. */
  pingAfterPublish?: number;
  /** After accepting a publish: this many bytes of filler data messages (makes the client acknowledge). */
  fillerBytesAfterPublish?: number;
}

/** Size of each filler data message (WireOptions.fillerBytesAfterPublish). */
const FILLER_MESSAGE_BYTES = 900;

/** What a connection reports to its server. */
export interface FaultSink {
  /** Every message the client sent after the handshake, as read. */
  message(msg: RtmpMessage): void;
  handshake(): void;
  connect(app: string): void;
  publish(streamName: string): void;
  media(kind: 'audio' | 'video', bytes: number): void;
  fault(what: string): void;
  protocolError(message: string): void;
  /** `busy-name`: takes the stream name for this connection; false when another connection
   *  publishes it, or closed less than `holdMs` ago. */
  claim(streamName: string, holdMs: number): boolean;
}

type Phase = 'handshake' | 'session' | 'done';

export class FaultConnection {
  private phase: Phase = 'handshake';
  private readonly handshake = new RtmpHandshake({ role: 'server', verifyEcho: false });
  private readonly reader = new ChunkReader({ maxMessageLength: MAX_MESSAGE_LENGTH });
  private readonly writer = new ChunkWriter();
  private readonly acks = new AcknowledgementTracker();
  private handshakeBytes = 0;
  private inputWithoutMessage = 0;
  /** close-/reset-after-bytes: bytes read since the publish was accepted (undefined before). */
  private bytesAfterPublish: number | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly socket: Socket,
    private readonly script: FaultScript,
    private readonly sink: FaultSink,
    private readonly wire: WireOptions = {},
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    // Resets and EPIPEs from the client end in 'close'; nothing else to do with them here.
    socket.on('error', () => undefined);
    socket.once('close', () => this.dispose());
  }

  /** Ends (FIN) or resets (RST) the connection now, whatever the script: a fault on demand. */
  drop(how: 'end' | 'reset'): void {
    this.sink.fault(`drop-${how}`);
    if (how === 'end') {
      this.endCleanly();
    } else {
      this.dispose();
      this.socket.resetAndDestroy();
    }
  }

  /** Destroys the socket now and clears every timer. Idempotent. */
  destroy(): void {
    this.dispose();
    this.socket.destroy();
  }

  private dispose(): void {
    this.phase = 'done';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private onData(data: Buffer): void {
    if (this.phase === 'done') return;
    try {
      if (this.phase === 'handshake') this.onHandshakeData(data);
      else this.onChunkData(data);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.sink.protocolError(err.message);
      this.destroy();
    }
  }

  private onHandshakeData(data: Uint8Array): void {
    this.handshakeBytes += data.length;
    if (this.script.kind === 'bad-handshake') {
      this.injectBadHandshake();
      return;
    }
    if (this.script.kind === 'close-in-handshake') {
      if (this.handshakeBytes >= (this.script.afterBytes ?? C0_C1_SIZE)) {
        this.sink.fault('close-in-handshake');
        this.endCleanly();
      }
      return;
    }
    const step = this.handshake.feed(data);
    if (step.send.length > 0) this.socket.write(step.send);
    if (!step.done) return;
    this.phase = 'session';
    this.sink.handshake();
    if (step.remainder.length > 0) this.onChunkData(step.remainder);
  }

  /** S0 with a version no plain RTMP client accepts, then an S1 so the reply is complete, then FIN. */
  private injectBadHandshake(): void {
    const s0s1 = new Uint8Array(C0_C1_SIZE);
    s0s1[0] = WRONG_RTMP_VERSION;
    globalThis.crypto.getRandomValues(s0s1.subarray(HANDSHAKE_VERSION_SIZE));
    this.socket.write(s0s1);
    this.sink.fault('bad-handshake');
    this.endCleanly();
  }

  private onChunkData(data: Uint8Array): void {
    const ack = this.acks.received(data.length);
    const messages = this.reader.feed(data);
    this.inputWithoutMessage = messages.length > 0 ? 0 : this.inputWithoutMessage + data.length;
    if (this.inputWithoutMessage > MAX_INPUT_WITHOUT_MESSAGE) {
      throw new ProtocolError('limit', `${this.inputWithoutMessage} bytes received without a complete message (limit ${MAX_INPUT_WITHOUT_MESSAGE})`);
    }
    if (ack !== undefined) this.send(encodeAcknowledgement(ack));
    const counting = this.bytesAfterPublish !== undefined;
    for (const msg of messages) {
      if (this.phase !== 'session') return;
      this.sink.message(msg);
      this.onMessage(msg);
    }
    if (counting && this.bytesAfterPublish !== undefined) this.countBytesAfterPublish(data.length);
  }

  /** close-after-bytes / reset-after-bytes: the fault once enough bytes arrived after the publish. */
  private countBytesAfterPublish(bytes: number): void {
    const script = this.script;
    if (this.phase !== 'session' || (script.kind !== 'close-after-bytes' && script.kind !== 'reset-after-bytes')) return;
    this.bytesAfterPublish = (this.bytesAfterPublish ?? 0) + bytes;
    if (this.bytesAfterPublish < script.bytes) return;
    this.sink.fault(script.kind);
    if (script.kind === 'close-after-bytes') {
      this.endCleanly();
    } else {
      this.phase = 'done';
      this.socket.resetAndDestroy();
    }
  }

  private onMessage(msg: RtmpMessage): void {
    const m = decodeMessage(msg);
    switch (m.kind) {
      case 'window-ack-size':
        this.acks.setWindowSize(m.size);
        return;
      case 'user-control':
        if (m.event.event === 'ping-request') this.send(encodeUserControl({ event: 'ping-response', timestamp: m.event.timestamp }));
        return;
      case 'audio':
      case 'video':
        this.sink.media(m.kind, m.data.length);
        return;
      case 'command':
        this.onCommand(m.command);
        return;
      default:
        return;
    }
  }

  private onCommand(cmd: RtmpCommand): void {
    switch (cmd.name) {
      case CommandName.Connect:
        this.onConnect(cmd);
        return;
      case CommandName.ReleaseStream:
      case CommandName.FcPublish:
        this.send(commandMessage(resultCommand(cmd.transactionId, null)));
        return;
      case CommandName.CreateStream:
        this.reply('createStream', commandMessage(resultCommand(cmd.transactionId, null, PUBLISH_STREAM_ID)));
        return;
      case CommandName.Publish:
        this.onPublish(cmd);
        return;
      default:
        return;
    }
  }

  private onConnect(cmd: RtmpCommand): void {
    const app = isAmf0Object(cmd.commandObject) && typeof cmd.commandObject.app === 'string' ? cmd.commandObject.app : '';
    this.sink.connect(app);
    const windowAckSize = this.wire.windowAckSize ?? SERVER_WINDOW_ACK_SIZE;
    const chunkSize = this.wire.chunkSize ?? SERVER_CHUNK_SIZE;
    this.send(encodeWindowAckSize(windowAckSize));
    this.send(encodeSetPeerBandwidth(this.wire.windowAckSize ?? SERVER_PEER_BANDWIDTH, 'dynamic'));
    this.send(encodeSetChunkSize(chunkSize));
    this.writer.setChunkSize(chunkSize);
    if (this.script.kind === 'reject-connect') {
      this.send(commandMessage(errorCommand(cmd.transactionId, null, statusInfo('error', StatusCode.ConnectRejected, 'connect refused by the fault server'))));
      this.sink.fault('reject-connect');
      return;
    }
    const info = { ...statusInfo('status', StatusCode.ConnectSuccess, CONNECT_DESCRIPTION), objectEncoding: OBJECT_ENCODING_AMF0 };
    this.reply('connect', commandMessage(resultCommand(cmd.transactionId, { fmsVer: FMS_VERSION, capabilities: FMS_CAPABILITIES }, info)));
  }

  /** Sends a reply, broken first when the script is `bad-amf-reply` for this command. */
  private reply(command: 'connect' | 'createStream' | 'publish', msg: RtmpMessage): void {
    const script = this.script;
    if (script.kind === 'bad-amf-reply' && (script.command ?? 'connect') === command) {
      this.send(badAmfMessage(script.variant ?? 'truncated', msg));
      this.sink.fault('bad-amf-reply');
      return;
    }
    this.send(msg);
  }

  private onPublish(cmd: RtmpCommand): void {
    const name: Amf0Value = cmd.args[0];
    const streamName = typeof name === 'string' ? name : '';
    this.sink.publish(streamName);
    const script = this.script;
    switch (script.kind) {
      case 'reject-publish': {
        const code = script.code ?? StatusCode.PublishBadName;
        this.sendStatus('error', code, `publish of ${streamName} refused by the fault server`);
        this.sink.fault('reject-publish');
        return;
      }
      case 'error-publish': {
        const info = statusInfo('error', StatusCode.PublishBadName, `publish of ${streamName} refused by the fault server`);
        this.send(commandMessage(errorCommand(cmd.transactionId, null, info), { streamId: PUBLISH_STREAM_ID }));
        this.sink.fault('error-publish');
        return;
      }
      case 'close-on-publish':
        this.sink.fault('close-on-publish');
        this.endCleanly();
        return;
      case 'accept-then-close':
        this.acceptPublish(streamName);
        this.later(script.afterMs, () => {
          this.sink.fault('accept-then-close');
          this.endCleanly();
        });
        return;
      case 'accept-then-reset':
        this.acceptPublish(streamName);
        this.later(script.afterMs, () => {
          this.sink.fault('accept-then-reset');
          this.phase = 'done';
          this.socket.resetAndDestroy();
        });
        return;
      case 'accept-then-stall':
        this.acceptPublish(streamName);
        this.later(script.afterMs, () => {
          this.sink.fault('accept-then-stall');
          this.socket.pause();
        });
        return;
      case 'malformed-chunk':
        this.acceptPublish(streamName);
        this.later(script.afterMs ?? 0, () => {
          if (this.phase !== 'session' || !this.socket.writable) return;
          this.socket.write(malformedChunkBytes(script.variant ?? 'orphan-continuation', this.writer, PUBLISH_STREAM_ID));
          this.sink.fault('malformed-chunk');
        });
        return;
      case 'busy-name':
        if (!this.sink.claim(streamName, script.holdMs ?? 0)) {
          this.sendStatus('error', StatusCode.PublishBadName, `${streamName} is already publishing`);
          this.sink.fault('busy-name');
          return;
        }
        this.acceptPublish(streamName);
        return;
      case 'close-after-bytes':
      case 'reset-after-bytes':
        this.acceptPublish(streamName);
        this.bytesAfterPublish = 0;
        return;
      default:
        this.acceptPublish(streamName);
    }
  }

  private acceptPublish(streamName: string): void {
    this.send(encodeUserControl({ event: 'stream-begin', streamId: PUBLISH_STREAM_ID }));
    const start = statusInfo('status', StatusCode.PublishStart, this.wire.publishDescription ?? `${streamName} is now published`);
    this.reply('publish', commandMessage(onStatusCommand(start), { streamId: PUBLISH_STREAM_ID }));
    if (this.wire.pingAfterPublish !== undefined) this.send(encodeUserControl({ event: 'ping-request', timestamp: this.wire.pingAfterPublish }));
    for (let sent = 0; sent < (this.wire.fillerBytesAfterPublish ?? 0); sent += FILLER_MESSAGE_BYTES) {
      this.send(dataMessage(['filler', 'x'.repeat(FILLER_MESSAGE_BYTES)], { streamId: PUBLISH_STREAM_ID }));
    }
  }

  private sendStatus(level: 'status' | 'error', code: string, description: string): void {
    this.send(commandMessage(onStatusCommand(statusInfo(level, code, description)), { streamId: PUBLISH_STREAM_ID }));
  }

  private send(msg: RtmpMessage): void {
    if (this.socket.writable) this.socket.write(this.writer.write(msg));
  }

  /** FIN now; input after it is ignored; the socket is destroyed if still open after END_GRACE_MS. */
  private endCleanly(): void {
    this.phase = 'done';
    this.socket.end();
    this.later(END_GRACE_MS, () => this.socket.destroy());
  }
}
