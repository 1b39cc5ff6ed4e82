// The hostile RTMP server of the client fuzz (rtmp-client-fuzz.test.ts): a loopback listener that
// answers the publish sequence of reference-pusher/rtmp-session.ts (handshake, connect,
// createStream, publish) with replies a FuzzCase spoils — bad handshake bytes, flipped or
// truncated reply bytes, bad AMF in _result/onStatus, wrong chunk stream ids, unknown message
// types, Window Acknowledgement Size / Set Chunk Size / Set Peer Bandwidth extremes, a message
// announcing 0xFFFFFF bytes that never come — and ends the connection at a chosen byte offset with
// a FIN, a reset, or not at all. Bytes are made with protocol/rtmp (Adobe RTMP spec §5.2-§7.2) and
// then spoiled by hand. Spec: live-pusher.zh.md 状态码 3002-3005.
import { createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { ChunkReader } from '../../protocol/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../../protocol/rtmp/chunk-writer.ts';
import { CommandName, StatusCode, encodeCommand, errorCommand, onStatusCommand, resultCommand, statusInfo } from '../../protocol/rtmp/commands.ts';
import type { RtmpCommand } from '../../protocol/rtmp/commands.ts';
import { ChunkStream, MAX_CHUNK_SIZE, MessageType } from '../../protocol/rtmp/constants.ts';
import { encodeSetPeerBandwidth, encodeUserControl, encodeWindowAckSize, isValidChunkSize } from '../../protocol/rtmp/control.ts';
import { RtmpHandshake } from '../../protocol/rtmp/handshake.ts';
import { commandMessage, decodeMessage } from '../../protocol/rtmp/messages.ts';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';

/** The server's replies, in the order the client's commands trigger them. */
export const STEPS = ['handshake', 'connect', 'createStream', 'publish'] as const;
export type Step = (typeof STEPS)[number];
export type EndMode = 'fin' | 'rst' | 'silent';

/** A message (or raw bytes) the server slips in before or after a reply. */
export type Extra =
  | { kind: 'unknown-type'; typeId: number; payload: number[] }
  | { kind: 'window-ack'; size: number }
  | { kind: 'peer-bandwidth'; size: number; limit: number }
  | { kind: 'set-chunk-size'; size: number }
  | { kind: 'ping'; timestamp: number }
  | { kind: 'abort'; csid: number }
  | { kind: 'ack'; sequence: number }
  | { kind: 'user-control-raw'; payload: number[] }
  | { kind: 'oversized'; csid: number; sent: number }
  | { kind: 'orphan-chunk'; fmt: 1 | 2 | 3; csid: number; bytes: number[] }
  | { kind: 'status'; level: string; code: string; txn: number }
  | { kind: 'stray-result'; txn: number; args: number[] }
  | { kind: 'media'; typeId: 8 | 9 | 18; payload: number[] }
  | { kind: 'garbage'; bytes: number[] };

/** How a reply itself is spoiled. */
export type ReplyFault =
  | { kind: 'valid' }
  | { kind: 'refuse' }
  | { kind: 'wrong-txn'; txn: number }
  | { kind: 'random-amf'; bytes: number[] }
  | { kind: 'flip-amf'; at: number; mask: number }
  | { kind: 'truncate-amf'; keep: number }
  | { kind: 'amf3'; selector: number }
  | { kind: 'as-data' }
  | { kind: 'chunk-stream'; csid: number }
  | { kind: 'no-stream-id' }
  | { kind: 'missing' };

export type HandshakeFault =
  | { kind: 'valid' }
  | { kind: 'version'; version: number }
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'garbage'; bytes: number[] };

export interface StepPlan {
  before: Extra[];
  reply: ReplyFault;
  after: Extra[];
  /** Byte flips over the whole step's bytes once made: [offset share 0..1, xor mask]. */
  flips: [number, number][];
}

export interface FuzzCase {
  handshake: HandshakeFault;
  steps: Record<Exclude<Step, 'handshake'>, StepPlan>;
  /** Total bytes the server sends before ending (undefined: all it made). */
  cutAt: number | undefined;
  end: EndMode;
  /** No server listens: the connection is refused. */
  refused: boolean;
}

/** A case with every reply valid: the sweep over every byte offset builds on it. */
export function cleanCase(cutAt: number | undefined, end: EndMode): FuzzCase {
  const plan = (): StepPlan => ({ before: [], reply: { kind: 'valid' }, after: [], flips: [] });
  return { handshake: { kind: 'valid' }, steps: { connect: plan(), createStream: plan(), publish: plan() }, cutAt, end, refused: false };
}

/** A case with no fault at all: S0+S1+S2 and the three replies, byte for byte. */
export function isClean(c: FuzzCase): boolean {
  const planClean = (p: StepPlan) => p.before.length === 0 && p.after.length === 0 && p.flips.length === 0 && p.reply.kind === 'valid';
  return c.handshake.kind === 'valid' && Object.values(c.steps).every(planClean);
}

const UINT32_MAX = 0xffffffff;
const BYTE = fc.integer({ min: 0, max: 0xff });
const bytes = (max: number) => fc.array(BYTE, { maxLength: max });
const u32Extreme = fc.oneof(fc.constantFrom(0, 1, 2, 127, 128, 0x7fffffff, 0x80000000, UINT32_MAX), fc.integer({ min: 0, max: UINT32_MAX }));
/** Chunk stream ids at the edges of the 1-, 2- and 3-byte basic header forms (§5.3.1.1). */
const csid = fc.constantFrom(2, 3, 4, 5, 6, 8, 63, 64, 319, 320, 65599);
const KNOWN_TYPES = new Set<number>(Object.values(MessageType));
const unknownType = fc.integer({ min: 0, max: 0xff }).filter((t) => !KNOWN_TYPES.has(t));

const extra: fc.Arbitrary<Extra> = fc.oneof(
  fc.record({ kind: fc.constant('unknown-type' as const), typeId: unknownType, payload: bytes(40) }),
  fc.record({ kind: fc.constant('window-ack' as const), size: u32Extreme }),
  fc.record({ kind: fc.constant('peer-bandwidth' as const), size: u32Extreme, limit: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('set-chunk-size' as const), size: u32Extreme }),
  fc.record({ kind: fc.constant('ping' as const), timestamp: u32Extreme }),
  fc.record({ kind: fc.constant('abort' as const), csid: fc.oneof(csid, u32Extreme) }),
  fc.record({ kind: fc.constant('ack' as const), sequence: u32Extreme }),
  fc.record({ kind: fc.constant('user-control-raw' as const), payload: bytes(12) }),
  fc.record({ kind: fc.constant('oversized' as const), csid, sent: fc.integer({ min: 0, max: 600 }) }),
  fc.record({ kind: fc.constant('orphan-chunk' as const), fmt: fc.constantFrom(1 as const, 2 as const, 3 as const), csid, bytes: bytes(20) }),
  fc.record({
    kind: fc.constant('status' as const),
    level: fc.constantFrom('status', 'warning', 'error', '', 'ERROR'),
    code: fc.constantFrom(StatusCode.PublishStart, StatusCode.ConnectSuccess, 'NetStream.Publish.BadName', 'NetConnection.Connect.Closed', 'x'),
    txn: fc.constantFrom(0, 1, 4, 5, 99),
  }),
  fc.record({ kind: fc.constant('stray-result' as const), txn: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 1e9, -1, 0.5), args: fc.array(fc.double(), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('media' as const), typeId: fc.constantFrom(8 as const, 9 as const, 18 as const), payload: bytes(30) }),
  fc.record({ kind: fc.constant('garbage' as const), bytes: bytes(64) }),
);

const replyFault: fc.Arbitrary<ReplyFault> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'valid' as const }) },
  fc.constant({ kind: 'refuse' as const }),
  fc.record({ kind: fc.constant('wrong-txn' as const), txn: fc.constantFrom(0, 2, 3, 6, 7, 42, -1, 1.5) }),
  fc.record({ kind: fc.constant('random-amf' as const), bytes: bytes(60) }),
  fc.record({ kind: fc.constant('flip-amf' as const), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), mask: fc.integer({ min: 1, max: 0xff }) }),
  fc.record({ kind: fc.constant('truncate-amf' as const), keep: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
  fc.record({ kind: fc.constant('amf3' as const), selector: BYTE }),
  fc.constant({ kind: 'as-data' as const }),
  fc.record({ kind: fc.constant('chunk-stream' as const), csid }),
  fc.constant({ kind: 'no-stream-id' as const }),
  fc.constant({ kind: 'missing' as const }),
);

const share = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const stepPlan: fc.Arbitrary<StepPlan> = fc.record({
  before: fc.array(extra, { maxLength: 3 }),
  reply: replyFault,
  after: fc.array(extra, { maxLength: 3 }),
  flips: fc.oneof({ weight: 3, arbitrary: fc.constant([] as [number, number][]) }, fc.array(fc.tuple(share, fc.integer({ min: 1, max: 0xff })), { minLength: 1, maxLength: 3 })),
});

const handshakeFault: fc.Arbitrary<HandshakeFault> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'valid' as const }) },
  fc.record({ kind: fc.constant('version' as const), version: BYTE.filter((v) => v !== 3) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.integer({ min: 0, max: 3072 }), mask: fc.integer({ min: 1, max: 0xff }) }),
  fc.record({ kind: fc.constant('garbage' as const), bytes: bytes(3200) }),
);

/** Heavily spoiled cases: every step may be spoiled, the end comes at a random offset or after everything. */
const hostileCase: fc.Arbitrary<FuzzCase> = fc.record({
  handshake: handshakeFault,
  steps: fc.record({ connect: stepPlan, createStream: stepPlan, publish: stepPlan }),
  cutAt: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 4000 })),
  end: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('fin' as const, 'rst' as const) }, fc.constant('silent' as const)),
  refused: fc.oneof({ weight: 200, arbitrary: fc.constant(false) }, fc.constant(true)),
});

const validPlan = fc.constant<StepPlan>({ before: [], reply: { kind: 'valid' }, after: [], flips: [] });
/** Cases that let the publish start, then spoil what follows it in the same read (and the end). */
const afterPublishCase: fc.Arbitrary<FuzzCase> = fc.record({
  handshake: fc.constant<HandshakeFault>({ kind: 'valid' }),
  steps: fc.record({
    connect: validPlan,
    createStream: validPlan,
    publish: fc.record({ before: fc.constant([]), reply: fc.constant<ReplyFault>({ kind: 'valid' }), after: fc.array(extra, { minLength: 1, maxLength: 4 }), flips: fc.constant([]) }),
  }),
  cutAt: fc.constant(undefined),
  end: fc.constantFrom('fin' as const, 'rst' as const, 'silent' as const),
  refused: fc.constant(false),
});

/** Random cases: half spoil anything anywhere, half let the publish start and spoil what follows. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(hostileCase, afterPublishCase);

const u32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
};
const control = (typeId: number, payload: Uint8Array): RtmpMessage => ({ chunkStreamId: ChunkStream.Control, timestamp: 0, typeId, streamId: 0, payload });

/** Basic header (§5.3.1.1) in its 1-, 2- or 3-byte form. */
function basicHeader(fmt: number, id: number): number[] {
  if (id < 64) return [(fmt << 6) | id];
  if (id < 320) return [fmt << 6, id - 64];
  const rel = id - 64;
  return [(fmt << 6) | 1, rel & 0xff, (rel >> 8) & 0xff];
}

/** Makes one connection's bytes: a server-role handshake and a chunk writer whose chunk size follows what it announced. */
class ScriptWriter {
  readonly writer = new ChunkWriter();

  message(m: RtmpMessage): Uint8Array {
    return this.writer.write(m);
  }

  extra(e: Extra): Uint8Array {
    switch (e.kind) {
      case 'unknown-type':
        return this.message(control(e.typeId, Uint8Array.from(e.payload)));
      case 'window-ack':
        return this.message(encodeWindowAckSize(e.size));
      case 'peer-bandwidth': {
        const m = encodeSetPeerBandwidth(e.size, 'dynamic');
        m.payload[4] = e.limit;
        return this.message(m);
      }
      case 'set-chunk-size': {
        const out = this.message(control(MessageType.SetChunkSize, u32(e.size)));
        if (isValidChunkSize(e.size) && e.size <= MAX_CHUNK_SIZE) this.writer.setChunkSize(e.size);
        return out;
      }
      case 'ping':
        return this.message(encodeUserControl({ event: 'ping-request', timestamp: e.timestamp }));
      case 'abort':
        return this.message(control(MessageType.Abort, u32(e.csid)));
      case 'ack':
        return this.message(control(MessageType.Acknowledgement, u32(e.sequence)));
      case 'user-control-raw':
        return this.message(control(MessageType.UserControl, Uint8Array.from(e.payload)));
      case 'oversized': {
        // fmt 0: timestamp 0, length 0xFFFFFF (the 24-bit maximum), video, message stream 1 (little-endian).
        const header = [...basicHeader(0, e.csid), 0, 0, 0, 0xff, 0xff, 0xff, MessageType.Video, 1, 0, 0, 0];
        return Uint8Array.from([...header, ...new Array<number>(e.sent).fill(0x17)]);
      }
      case 'orphan-chunk':
        return Uint8Array.from([...basicHeader(e.fmt, e.csid), ...e.bytes]);
      case 'status':
        return this.message(commandMessage(onStatusCommand(statusInfo(e.level as 'status', e.code, 'fuzz'), e.txn), { streamId: 1 }));
      case 'stray-result':
        return this.message(commandMessage(resultCommand(e.txn, null, ...e.args)));
      case 'media':
        return this.message({ chunkStreamId: ChunkStream.Video, timestamp: 0, typeId: e.typeId, streamId: 1, payload: Uint8Array.from(e.payload) });
      case 'garbage':
        return Uint8Array.from(e.bytes);
    }
  }

  /** The reply to the client's command `step`, spoiled as `fault` says. */
  reply(step: Exclude<Step, 'handshake'>, cmd: RtmpCommand, fault: ReplyFault): Uint8Array {
    if (fault.kind === 'missing') return new Uint8Array(0);
    const txn = fault.kind === 'wrong-txn' ? fault.txn : cmd.transactionId;
    const refuse = fault.kind === 'refuse';
    let reply: RtmpCommand;
    if (step === 'connect') {
      reply = refuse
        ? errorCommand(txn, null, statusInfo('error', 'NetConnection.Connect.Rejected', 'fuzz'))
        : resultCommand(txn, { fmsVer: 'FMS/3,0,1,123', capabilities: 31 }, statusInfo('status', StatusCode.ConnectSuccess, 'ok'));
    } else if (step === 'createStream') {
      reply = refuse ? errorCommand(txn, null) : fault.kind === 'no-stream-id' ? resultCommand(txn, null, 'one') : resultCommand(txn, null, 1);
    } else {
      reply = onStatusCommand(refuse ? statusInfo('error', 'NetStream.Publish.BadName', 'fuzz') : statusInfo('status', StatusCode.PublishStart, 'ok'), 0);
    }
    const streamId = step === 'publish' ? 1 : 0;
    const msg = commandMessage(reply, { streamId });
    let payload = encodeCommand(reply);
    if (fault.kind === 'random-amf') payload = Uint8Array.from(fault.bytes);
    if (fault.kind === 'flip-amf' && payload.length > 0) {
      payload = payload.slice();
      const at = Math.floor(fault.at * payload.length);
      payload[at] = payload[at]! ^ fault.mask;
    }
    if (fault.kind === 'truncate-amf') payload = payload.subarray(0, Math.floor(fault.keep * payload.length));
    if (fault.kind === 'amf3') {
      payload = Uint8Array.from([fault.selector, ...payload]);
      msg.typeId = MessageType.CommandAmf3;
    }
    if (fault.kind === 'as-data') msg.typeId = MessageType.DataAmf0;
    if (fault.kind === 'chunk-stream') msg.chunkStreamId = fault.csid;
    return this.message({ ...msg, payload });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function flip(b: Uint8Array, flips: [number, number][]): Uint8Array {
  if (flips.length === 0 || b.length === 0) return b;
  const out = b.slice();
  for (const [at, mask] of flips) {
    const i = Math.floor(at * out.length);
    out[i] = out[i]! ^ mask;
  }
  return out;
}

/** What the server did on one connection, for the test's expectations. */
export interface ServedRecord {
  bytesSent: number;
  /** The server ended the connection (FIN or reset); false while silent. */
  ended: boolean;
  stepsAnswered: Step[];
}

/** Quiet time after the server's last write before it ends a fin/rst case that the client stopped driving. */
const IDLE_END_MS = 40;

/** One connection: answers the client's handshake and commands from the case's plan. */
class FuzzConnection {
  private readonly hs = new RtmpHandshake({ role: 'server', verifyEcho: false });
  private readonly reader = new ChunkReader();
  private readonly script = new ScriptWriter();
  private handshakeDone = false;
  private idle: NodeJS.Timeout | undefined;
  readonly record: ServedRecord = { bytesSent: 0, ended: false, stepsAnswered: [] };

  constructor(
    private readonly socket: Socket,
    private readonly plan: FuzzCase,
  ) {
    socket.on('data', (b: Buffer) => this.onData(b));
    socket.on('error', () => undefined);
    this.armIdle();
  }

  private onData(b: Buffer): void {
    if (this.record.ended) return;
    this.armIdle();
    let rest: Uint8Array = b;
    try {
      if (!this.handshakeDone) {
        const step = this.hs.feed(b);
        if (step.send.length) this.send(this.handshakeBytes(step.send), 'handshake');
        if (!step.done) return;
        this.handshakeDone = true;
        rest = step.remainder;
      }
      for (const m of this.reader.feed(rest)) {
        const d = decodeMessage(m);
        if (d.kind !== 'command') continue;
        const step = d.command.name === CommandName.Connect ? 'connect' : d.command.name === CommandName.CreateStream ? 'createStream' : d.command.name === CommandName.Publish ? 'publish' : undefined;
        if (step) this.answer(step, d.command);
      }
    } catch {
      // The client's bytes are not under test here; a server that cannot read them just stops answering.
    }
  }

  private handshakeBytes(valid: Uint8Array): Uint8Array {
    const f = this.plan.handshake;
    if (f.kind === 'valid') return valid;
    if (f.kind === 'garbage') return Uint8Array.from(f.bytes);
    const out = valid.slice();
    if (f.kind === 'version') out[0] = f.version;
    else out[f.at] = out[f.at]! ^ f.mask;
    return out;
  }

  private answer(step: Exclude<Step, 'handshake'>, cmd: RtmpCommand): void {
    const p = this.plan.steps[step];
    const parts = [...p.before.map((e) => this.script.extra(e)), this.script.reply(step, cmd, p.reply), ...p.after.map((e) => this.script.extra(e))];
    this.send(flip(concat(parts), p.flips), step);
    if (step === 'publish' && !this.record.ended) this.end();
  }

  private send(bytes: Uint8Array, step: Step): void {
    if (this.record.ended) return;
    this.record.stepsAnswered.push(step);
    const cut = this.plan.cutAt;
    const room = cut === undefined ? bytes.length : Math.max(0, cut - this.record.bytesSent);
    const part = bytes.subarray(0, Math.min(room, bytes.length));
    if (part.length) this.socket.write(part);
    this.record.bytesSent += part.length;
    if (cut !== undefined && this.record.bytesSent >= cut) this.end();
  }

  private armIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.end(), IDLE_END_MS);
  }

  /** Ends as the case says; a silent server keeps the connection open until told to close. */
  end(force = false): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.record.ended) return;
    if (this.plan.end === 'silent' && !force) return;
    this.record.ended = true;
    if (this.plan.end === 'rst' && !force) this.socket.resetAndDestroy();
    else this.socket.end();
  }

  destroy(): void {
    if (this.idle) clearTimeout(this.idle);
    this.socket.destroy();
  }
}

/** One listener serving one case at a time, so a connection always knows its case. */
export class FuzzServerSlot {
  private plan: FuzzCase = cleanCase(undefined, 'fin');
  private conns: FuzzConnection[] = [];
  private last: ServedRecord | undefined;

  private constructor(private readonly server: Server) {
    server.on('connection', (s) => {
      this.conns.push(new FuzzConnection(s, this.plan));
    });
  }

  static async start(): Promise<FuzzServerSlot> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new FuzzServerSlot(server);
  }

  get port(): number {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('fuzz server has no port');
    return a.port;
  }

  /** Serves `plan` to the next connection; connections of the previous case are dropped. */
  serve(plan: FuzzCase): void {
    this.reset();
    this.last = undefined;
    this.plan = plan;
  }

  /** The record of the last case's connection (undefined: the client never connected). */
  record(): ServedRecord | undefined {
    return this.conns[0]?.record ?? this.last;
  }

  /** A silent server finally hangs up with a FIN. */
  hangUp(): void {
    for (const c of this.conns) c.end(true);
  }

  reset(): void {
    if (this.conns[0]) this.last = this.conns[0].record;
    for (const c of this.conns) c.destroy();
    this.conns = [];
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port with nothing listening (a listener opened and closed again). */
export async function refusedPort(): Promise<number> {
  const slot = await FuzzServerSlot.start();
  const port = slot.port;
  await slot.close();
  return port;
}
