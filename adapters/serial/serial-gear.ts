// The bench's client of serial lab gear (adapters/serial/line-protocol.ts) over
// @serialport/stream: a real port through @serialport/bindings-cpp, a mock one through
// @serialport/binding-mock in tests. One request at a time, each answered within a timeout;
// the port is closed on every path (close() is idempotent).
import { SerialPortStream } from '@serialport/stream';
import {
  answers,
  DEFAULT_BAUD,
  formatRequest,
  LineSplitter,
  parseReply,
  PROTOCOL_VERSION,
  type Channel,
  type GearKind,
  type Reply,
  type Request,
} from './line-protocol.ts';

/** How long the gear may take to answer one request (a relay switches in ~10 ms; 9600 baud is ~1 ms/char). */
export const REPLY_TIMEOUT_MS = 1_000;
const OPEN_TIMEOUT_MS = 3_000;

/** A @serialport binding: bindings-cpp's for hardware, binding-mock's in tests. */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

export class SerialGearError extends Error {
  constructor(
    readonly port: string,
    message: string,
  ) {
    super(`serial ${port}: ${message}`);
    this.name = 'SerialGearError';
  }
}

export interface MarkTiming {
  n: number;
  /** Host wall-clock ms when the request was written and when the reply was read. */
  sentAtMs: number;
  repliedAtMs: number;
  /** Best host-clock estimate of when the marker lit: the middle of the round trip. */
  litAtMs: number;
  deviceUs: number;
}

/** The real serial binding (loaded lazily: its native prebuild is needed only with real gear). */
export async function hardwareBinding(): Promise<SerialBinding> {
  const { autoDetect } = await import('@serialport/bindings-cpp');
  return autoDetect() as unknown as SerialBinding;
}

export class SerialGear {
  private readonly lines = new LineSplitter();
  private pending: { request: Request; resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly stream: SerialPortStream,
  ) {
    stream.on('data', (chunk: Buffer) => {
      for (const line of this.lines.push(chunk)) if (line.trim()) this.onLine(line);
    });
    stream.on('error', (err: Error) => this.failPending(new SerialGearError(path, err.message)));
    stream.on('close', () => this.failPending(new SerialGearError(path, 'port closed')));
  }

  /** Opens the port; rejects naming the port when it cannot be opened. */
  static async open(path: string, binding: SerialBinding, baudRate = DEFAULT_BAUD): Promise<SerialGear> {
    const stream = new SerialPortStream({ binding, path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SerialGearError(path, `did not open within ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
      stream.open((err) => {
        clearTimeout(timer);
        if (err) reject(new SerialGearError(path, `cannot be opened: ${err.message}`));
        else resolve();
      });
    });
    return new SerialGear(path, stream);
  }

  private onLine(line: string): void {
    const p = this.pending;
    if (!p) return; // unsolicited output (a firmware banner) is ignored
    this.pending = undefined;
    clearTimeout(p.timer);
    let reply: Reply;
    try {
      reply = parseReply(line);
    } catch (err) {
      p.reject(new SerialGearError(this.path, `${formatRequest(p.request).trim()}: unreadable reply: ${(err as Error).message}`));
      return;
    }
    if (reply.kind === 'error') p.reject(new SerialGearError(this.path, `${formatRequest(p.request).trim()}: device says ERR ${reply.code} ${reply.detail}`));
    else if (!answers(p.request, reply)) p.reject(new SerialGearError(this.path, `${formatRequest(p.request).trim()}: reply ${JSON.stringify(line)} does not answer it`));
    else p.resolve(reply);
  }

  private failPending(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  /** Sends one request and resolves with its reply; requests are serialized. */
  request(request: Request, timeoutMs = REPLY_TIMEOUT_MS): Promise<Reply> {
    const run = (): Promise<Reply> =>
      new Promise<Reply>((resolve, reject) => {
        if (this.closed) return reject(new SerialGearError(this.path, 'is closed'));
        const timer = setTimeout(() => {
          this.pending = undefined;
          reject(new SerialGearError(this.path, `${formatRequest(request).trim()}: no reply within ${timeoutMs} ms`));
        }, timeoutMs);
        this.pending = { request, resolve, reject, timer };
        this.stream.write(formatRequest(request));
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** HELLO: which gear this is; rejects a protocol version this bench does not speak. */
  async hello(expected?: GearKind): Promise<{ gear: GearKind; model: string }> {
    const r = await this.request({ cmd: 'HELLO' });
    if (r.kind !== 'hello') throw new SerialGearError(this.path, 'HELLO: no hello reply');
    if (r.version !== PROTOCOL_VERSION) throw new SerialGearError(this.path, `speaks protocol version ${r.version}; this bench speaks ${PROTOCOL_VERSION}`);
    if (expected && r.gear !== expected) throw new SerialGearError(this.path, `is a ${r.gear} (${r.model}), the rig names it as the ${expected}`);
    return { gear: r.gear, model: r.model };
  }

  async ping(): Promise<number> {
    const t0 = performance.now();
    await this.request({ cmd: 'PING' });
    return performance.now() - t0;
  }

  async power(channel: Channel, on: boolean): Promise<void> {
    await this.request({ cmd: 'POWER', channel, on });
  }

  async state(channel: Channel): Promise<boolean> {
    const r = await this.request({ cmd: 'STATE', channel });
    if (r.kind !== 'state') throw new SerialGearError(this.path, 'STATE: no state reply');
    return r.on;
  }

  async mark(n: number): Promise<MarkTiming> {
    const sentAtMs = Date.now();
    const r = await this.request({ cmd: 'MARK', n });
    const repliedAtMs = Date.now();
    if (r.kind !== 'mark') throw new SerialGearError(this.path, 'MARK: no mark reply');
    return { n, sentAtMs, repliedAtMs, litAtMs: (sentAtMs + repliedAtMs) / 2, deviceUs: r.deviceUs };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failPending(new SerialGearError(this.path, 'closed while waiting for a reply'));
    if (!this.stream.isOpen) return;
    await new Promise<void>((resolve) => this.stream.close(() => resolve()));
  }
}
