// RTMP simple handshake state machine, client and server roles (Adobe RTMP spec §5.2).
// Client: sends C0+C1, reads S0+S1 -> sends C2, reads S2 -> done. Server: reads C0+C1 -> sends
// S0+S1+S2, reads C2 -> done. C1/S1 = time(4) zero(4) random(1528); C2/S2 echo the peer's
// time and random with time2 = when the peer's block was read. Resumable: feed() accepts any
// split of the input and returns the bytes to send plus whatever followed the handshake.
import { ProtocolError } from '../errors.ts';
import { bytesEqual, concatBytes, readU32BE, writeU32BE } from './bytes.ts';
import {
  HANDSHAKE_BLOCK_SIZE,
  HANDSHAKE_RANDOM_OFFSET,
  HANDSHAKE_RANDOM_SIZE,
  HANDSHAKE_TIME_SIZE,
  HANDSHAKE_VERSION_SIZE,
  RTMP_VERSION,
} from './constants.ts';

export type HandshakeRole = 'client' | 'server';

export interface HandshakeOptions {
  role: HandshakeRole;
  /** Source of the 1528 random bytes of C1/S1 (default: crypto.getRandomValues). */
  randomBytes?: (length: number) => Uint8Array;
  /** The epoch-relative time written into C1/S1 and time2 of C2/S2, in ms (default: process uptime). */
  now?: () => number;
  /** Require the peer's C2/S2 to echo our random bytes (default true). */
  verifyEcho?: boolean;
}

export interface HandshakeStep {
  /** Bytes to send to the peer now (may be empty). */
  send: Uint8Array;
  /** True once the handshake completed (in this step or earlier). */
  done: boolean;
  /** Input that followed the handshake: the first RTMP chunks, to give to a chunk reader. */
  remainder: Uint8Array;
}

/** Fields of a C1/S1 or C2/S2 block. */
export interface HandshakeBlock {
  time: number;
  /** zero field of C1/S1, time2 of C2/S2. */
  time2: number;
  random: Uint8Array;
}

type State = 'initial' | 'await-version-and-block' | 'await-echo' | 'done';

const EMPTY = new Uint8Array(0);
const VERSION_AND_BLOCK = HANDSHAKE_VERSION_SIZE + HANDSHAKE_BLOCK_SIZE;
const UINT32_MODULO = 2 ** 32;

export function encodeHandshakeBlock(block: HandshakeBlock): Uint8Array {
  if (block.random.length !== HANDSHAKE_RANDOM_SIZE) {
    throw new ProtocolError('rtmp-handshake', `random field must be ${HANDSHAKE_RANDOM_SIZE} bytes, got ${block.random.length}`);
  }
  const out = new Uint8Array(HANDSHAKE_BLOCK_SIZE);
  writeU32BE(out, 0, block.time);
  writeU32BE(out, HANDSHAKE_TIME_SIZE, block.time2);
  out.set(block.random, HANDSHAKE_RANDOM_OFFSET);
  return out;
}

export function decodeHandshakeBlock(bytes: Uint8Array): HandshakeBlock {
  if (bytes.length !== HANDSHAKE_BLOCK_SIZE) {
    throw new ProtocolError('rtmp-handshake', `handshake block must be ${HANDSHAKE_BLOCK_SIZE} bytes, got ${bytes.length}`);
  }
  return {
    time: readU32BE(bytes, 0),
    time2: readU32BE(bytes, HANDSHAKE_TIME_SIZE),
    random: bytes.slice(HANDSHAKE_RANDOM_OFFSET),
  };
}

function defaultRandomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

function defaultNow(): number {
  return Math.floor(performance.now());
}

export class RtmpHandshake {
  readonly role: HandshakeRole;
  private state: State = 'initial';
  private readonly verifyEcho: boolean;
  private readonly now: () => number;
  /** Our C1 or S1. */
  private readonly ownBlock: Uint8Array;
  private readonly ownRandom: Uint8Array;
  private pending: Uint8Array = EMPTY;
  /** Total input consumed by the handshake so far (for error offsets). */
  private consumed = 0;
  /** The peer's C1/S1 once read. */
  peerBlock: HandshakeBlock | undefined;

  constructor(opts: HandshakeOptions) {
    this.role = opts.role;
    this.verifyEcho = opts.verifyEcho ?? true;
    this.now = opts.now ?? defaultNow;
    this.ownRandom = (opts.randomBytes ?? defaultRandomBytes)(HANDSHAKE_RANDOM_SIZE);
    this.ownBlock = encodeHandshakeBlock({ time: this.time(), time2: 0, random: this.ownRandom });
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Client: returns C0+C1 (call once, before feed). Server: returns nothing. */
  start(): Uint8Array {
    if (this.state !== 'initial') throw new ProtocolError('rtmp-handshake', 'start() called twice');
    this.state = 'await-version-and-block';
    if (this.role === 'server') return EMPTY;
    const out = new Uint8Array(VERSION_AND_BLOCK);
    out[0] = RTMP_VERSION;
    out.set(this.ownBlock, HANDSHAKE_VERSION_SIZE);
    return out;
  }

  /** Feeds bytes from the peer. Throws ProtocolError('rtmp-handshake') on a bad version or echo. */
  feed(bytes: Uint8Array): HandshakeStep {
    if (this.state === 'initial') this.start();
    if (this.state === 'done') return { send: EMPTY, done: true, remainder: bytes };
    this.pending = this.pending.length === 0 ? bytes : concatBytes([this.pending, bytes]);
    const sends: Uint8Array[] = [];
    for (;;) {
      if (this.state === 'await-version-and-block') {
        if (this.pending.length === 0) break;
        const version = this.pending[0]!;
        if (version !== RTMP_VERSION) {
          throw new ProtocolError('rtmp-handshake', `unsupported RTMP version ${version} (want ${RTMP_VERSION})`, this.consumed);
        }
        if (this.pending.length < VERSION_AND_BLOCK) break;
        const peer = this.pending.subarray(HANDSHAKE_VERSION_SIZE, VERSION_AND_BLOCK);
        this.peerBlock = decodeHandshakeBlock(peer);
        this.take(VERSION_AND_BLOCK);
        const echo = encodeHandshakeBlock({ time: this.peerBlock.time, time2: this.time(), random: this.peerBlock.random });
        if (this.role === 'client') {
          sends.push(echo);
        } else {
          const s0s1s2 = new Uint8Array(HANDSHAKE_VERSION_SIZE + 2 * HANDSHAKE_BLOCK_SIZE);
          s0s1s2[0] = RTMP_VERSION;
          s0s1s2.set(this.ownBlock, HANDSHAKE_VERSION_SIZE);
          s0s1s2.set(echo, VERSION_AND_BLOCK);
          sends.push(s0s1s2);
        }
        this.state = 'await-echo';
        continue;
      }
      if (this.state === 'await-echo') {
        if (this.pending.length < HANDSHAKE_BLOCK_SIZE) break;
        const echo = decodeHandshakeBlock(this.pending.subarray(0, HANDSHAKE_BLOCK_SIZE));
        if (this.verifyEcho && !bytesEqual(echo.random, this.ownRandom)) {
          const which = this.role === 'client' ? 'S2 does not echo C1' : 'C2 does not echo S1';
          throw new ProtocolError('rtmp-handshake', which, this.consumed);
        }
        this.take(HANDSHAKE_BLOCK_SIZE);
        this.state = 'done';
      }
      break;
    }
    const send = sends.length === 0 ? EMPTY : concatBytes(sends);
    if (this.state !== 'done') return { send, done: false, remainder: EMPTY };
    const remainder = this.pending;
    this.pending = EMPTY;
    return { send, done: true, remainder };
  }

  private take(n: number): void {
    this.pending = this.pending.subarray(n);
    this.consumed += n;
  }

  private time(): number {
    return ((this.now() % UINT32_MODULO) + UINT32_MODULO) % UINT32_MODULO;
  }
}
