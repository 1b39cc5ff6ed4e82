// The serial line protocol of the bench's lab gear (issue 11 "Serial lab gear"): (a) a relay
// that cuts a camera's or microphone's power, for device loss mid-push (live-pusher.zh.md
// bindstatechange -1301 camera / -1302 microphone failures, 1104 encoder restart), and (b) an
// LED or screen marker the camera films, for glass-to-glass latency. Pure: parsing and
// formatting only; the port is adapters/serial/serial-gear.ts, a simulated device
// adapters/serial/simulated-gear.ts. Documented for firmware authors in README "Serial lab gear".
//
// Framing: ASCII lines ending in "\n" ("\r\n" accepted), 8N1, default 9600 baud; one reply line
// per request line, in order. Words are separated by one space. Requests and replies:
//   HELLO                 -> LPB <relay|marker> <protocol version> <free-text model>
//   PING                  -> PONG
//   POWER <channel> ON    -> OK POWER <channel> ON       (relay: power restored)
//   POWER <channel> OFF   -> OK POWER <channel> OFF      (relay: power cut)
//   STATE <channel>       -> STATE <channel> ON|OFF
//   MARK <n>              -> OK MARK <n> <device µs>     (marker: lit at device time µs; n 0..65535)
//   anything else         -> ERR <code> <detail>         (codes: ERROR_CODES below)
// Channels: camera-front, camera-back, microphone.

export const PROTOCOL_VERSION = 1;
export const DEFAULT_BAUD = 9600;
export const GEAR_KINDS = ['relay', 'marker'] as const;
export type GearKind = (typeof GEAR_KINDS)[number];
export const CHANNELS = ['camera-front', 'camera-back', 'microphone'] as const;
export type Channel = (typeof CHANNELS)[number];
export const MARK_MAX = 65_535;
/** Longest line either side sends; a longer one is an error (ERR line-too-long). */
export const MAX_LINE_BYTES = 128;
/** switch-failed: the relay could not switch the channel (the reply's detail says why). */
export const ERROR_CODES = ['unknown-command', 'bad-argument', 'not-supported', 'line-too-long', 'switch-failed'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type Request =
  | { cmd: 'HELLO' }
  | { cmd: 'PING' }
  | { cmd: 'POWER'; channel: Channel; on: boolean }
  | { cmd: 'STATE'; channel: Channel }
  | { cmd: 'MARK'; n: number };

export type Reply =
  | { kind: 'hello'; gear: GearKind; version: number; model: string }
  | { kind: 'pong' }
  | { kind: 'power'; channel: Channel; on: boolean }
  | { kind: 'state'; channel: Channel; on: boolean }
  | { kind: 'mark'; n: number; deviceUs: number }
  | { kind: 'error'; code: ErrorCode; detail: string };

export class LineProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(detail);
    this.name = 'LineProtocolError';
  }
}

function channel(word: string | undefined): Channel {
  if (!(CHANNELS as readonly string[]).includes(word ?? '')) {
    throw new LineProtocolError('bad-argument', `channel ${JSON.stringify(word ?? '')} is not legal; legal: ${CHANNELS.join(', ')}`);
  }
  return word as Channel;
}

function onOff(word: string | undefined): boolean {
  if (word === 'ON') return true;
  if (word === 'OFF') return false;
  throw new LineProtocolError('bad-argument', `${JSON.stringify(word ?? '')} is not legal; legal: ON, OFF`);
}

function markNumber(word: string | undefined): number {
  const n = Number(word);
  if (!/^\d+$/.test(word ?? '') || n > MARK_MAX) throw new LineProtocolError('bad-argument', `mark ${JSON.stringify(word ?? '')} is not legal; legal: an integer from 0 to ${MARK_MAX}`);
  return n;
}

function words(line: string): string[] {
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) throw new LineProtocolError('line-too-long', `line of ${Buffer.byteLength(line)} bytes; at most ${MAX_LINE_BYTES}`);
  return line.replace(/\r$/, '').trim().split(' ').filter(Boolean);
}

function arity(w: string[], n: number): void {
  if (w.length !== n) throw new LineProtocolError('bad-argument', `${w[0]} takes ${n - 1} argument(s), got ${w.length - 1}`);
}

/** A request line (without "\n") to a Request; throws LineProtocolError. */
export function parseRequest(line: string): Request {
  const w = words(line);
  switch (w[0]) {
    case 'HELLO':
    case 'PING':
      arity(w, 1);
      return { cmd: w[0] };
    case 'POWER':
      arity(w, 3);
      return { cmd: 'POWER', channel: channel(w[1]), on: onOff(w[2]) };
    case 'STATE':
      arity(w, 2);
      return { cmd: 'STATE', channel: channel(w[1]) };
    case 'MARK':
      arity(w, 2);
      return { cmd: 'MARK', n: markNumber(w[1]) };
    default:
      throw new LineProtocolError('unknown-command', `${JSON.stringify(w[0] ?? '')} is not a command; legal: HELLO, PING, POWER, STATE, MARK`);
  }
}

export function formatRequest(r: Request): string {
  switch (r.cmd) {
    case 'HELLO':
    case 'PING':
      return `${r.cmd}\n`;
    case 'POWER':
      return `POWER ${r.channel} ${r.on ? 'ON' : 'OFF'}\n`;
    case 'STATE':
      return `STATE ${r.channel}\n`;
    case 'MARK':
      return `MARK ${r.n}\n`;
  }
}

/** A reply line to a Reply; throws LineProtocolError for a line that is none. */
export function parseReply(line: string): Reply {
  const w = words(line);
  if (w[0] === 'LPB' && w.length >= 3) {
    if (!(GEAR_KINDS as readonly string[]).includes(w[1]!)) throw new LineProtocolError('bad-argument', `HELLO reply names gear ${JSON.stringify(w[1])}; legal: ${GEAR_KINDS.join(', ')}`);
    const version = Number(w[2]);
    if (!Number.isInteger(version) || version < 1) throw new LineProtocolError('bad-argument', `HELLO reply version ${JSON.stringify(w[2])} is not a positive integer`);
    return { kind: 'hello', gear: w[1] as GearKind, version, model: w.slice(3).join(' ') };
  }
  if (w[0] === 'PONG' && w.length === 1) return { kind: 'pong' };
  if (w[0] === 'OK' && w[1] === 'POWER' && w.length === 4) return { kind: 'power', channel: channel(w[2]), on: onOff(w[3]) };
  if (w[0] === 'STATE' && w.length === 3) return { kind: 'state', channel: channel(w[1]), on: onOff(w[2]) };
  if (w[0] === 'OK' && w[1] === 'MARK' && w.length === 4) {
    const deviceUs = Number(w[3]);
    if (!/^\d+$/.test(w[3]!)) throw new LineProtocolError('bad-argument', `MARK reply time ${JSON.stringify(w[3])} is not an integer of µs`);
    return { kind: 'mark', n: markNumber(w[2]), deviceUs };
  }
  if (w[0] === 'ERR' && w.length >= 2) {
    const code = (ERROR_CODES as readonly string[]).includes(w[1]!) ? (w[1] as ErrorCode) : 'unknown-command';
    return { kind: 'error', code, detail: w.slice(2).join(' ') };
  }
  throw new LineProtocolError('unknown-command', `${JSON.stringify(line)} is not a reply of this protocol`);
}

export function formatReply(r: Reply): string {
  switch (r.kind) {
    case 'hello':
      return `LPB ${r.gear} ${r.version}${r.model ? ` ${r.model}` : ''}\n`;
    case 'pong':
      return 'PONG\n';
    case 'power':
      return `OK POWER ${r.channel} ${r.on ? 'ON' : 'OFF'}\n`;
    case 'state':
      return `STATE ${r.channel} ${r.on ? 'ON' : 'OFF'}\n`;
    case 'mark':
      return `OK MARK ${r.n} ${Math.round(r.deviceUs)}\n`;
    case 'error':
      return `ERR ${r.code} ${r.detail.replace(/\n/g, ' ')}\n`;
  }
}

/** Whether `reply` answers `request` (replies come in order; a mismatch is a protocol error). */
export function answers(request: Request, reply: Reply): boolean {
  switch (request.cmd) {
    case 'HELLO':
      return reply.kind === 'hello';
    case 'PING':
      return reply.kind === 'pong';
    case 'POWER':
      return reply.kind === 'power' && reply.channel === request.channel && reply.on === request.on;
    case 'STATE':
      return reply.kind === 'state' && reply.channel === request.channel;
    case 'MARK':
      return reply.kind === 'mark' && reply.n === request.n;
  }
}

/** Splits a byte stream into lines; keeps the partial tail for the next chunk. */
export class LineSplitter {
  private tail = '';

  push(chunk: Buffer | string): string[] {
    this.tail += chunk.toString();
    const parts = this.tail.split('\n');
    this.tail = parts.pop() ?? '';
    if (Buffer.byteLength(this.tail) > MAX_LINE_BYTES * 4) {
      this.tail = '';
      return [...parts.map(stripCr), ''.padEnd(MAX_LINE_BYTES + 1, '?')];
    }
    return parts.map(stripCr);
  }
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
