// The bench side of the IUT driver protocol (docs/driver-protocol.md): starts the
// driver command, speaks newline-delimited JSON on its stdin/stdout, keeps every event it emits
// in a log, and captures its stderr. A reply with `error` is the component's fail payload
// (IutCallError, a legitimate outcome a check may expect); anything that means the driver itself
// misbehaved (garbage on stdout, a reply nobody asked for, a malformed hello, silence, death) is
// an IutBrokenError, which the suite reports as *broken*, never as *failed*. Every stdout line
// is validated against the protocol's one schema (driver-protocol/, docs/driver-protocol.md): a
// violation is broken and names the schema part and the JSON pointer of what is wrong.
import { AssertionError } from 'node:assert';
import { createWriteStream, type WriteStream } from 'node:fs';
import { SupervisedProcess, type ExitInfo } from '../adapters/process/supervised.ts';
import { redactSecrets } from '../protocol/redact-secrets.ts';
import { SchemaViolation, UnsupportedProtocolVersion, validateHelloResult, validateIncoming, type ValidHello } from '../driver-protocol/validate.ts';
import type { ErrorReply, EventMessage, ResultReply } from '../driver-protocol/types.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** The hello's reply, by default: a driver process starting on a loaded machine (a runtime to
 *  load, its modules to compile) is slow, not silent; the checks do not judge start-up time. */
export const DEFAULT_HELLO_TIMEOUT_MS = 30_000;
export const DEFAULT_START_TIMEOUT_MS = 10_000;
/** How long dispose waits for the driver's reply before killing it. */
export const DISPOSE_REPLY_TIMEOUT_MS = 5_000;
/** How long a disposed driver may take to exit on its own before SIGTERM (then SIGKILL). */
export const EXIT_GRACE_MS = 2_000;
/** Lines of driver stderr kept in memory (the file, when asked for, keeps everything). */
const STDERR_LINES_KEPT = 5_000;
/** Lines of stderr quoted in an IutBrokenError message. */
const STDERR_TAIL_IN_ERROR = 20;
/**
 * How long a protocol violation on stdout waits for the driver's stderr before failing the
 * callers. stdout and stderr are separate pipes, so a line the driver wrote to stderr just
 * before its garbage can be read after it; the tail usually says what went wrong.
 */
export const STDERR_SETTLE_MS = 150;
/** Longest stdout line quoted in an error. */
const QUOTE_MAX_CHARS = 200;

export interface IutStartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Also append the driver's stderr to this file. */
  stderrFile?: string;
  /** How long a request may wait for its reply (default 15 s). */
  requestTimeoutMs?: number;
  /** How long the hello's reply may take (default: requestTimeoutMs when given, else DEFAULT_HELLO_TIMEOUT_MS). */
  helloTimeoutMs?: number;
  /** How long spawning may take (default 10 s). */
  startTimeoutMs?: number;
}

export interface IutCapabilities {
  attributes: string[];
  methods: string[];
  events: string[];
}

export interface IutHello {
  name: string;
  version: string;
  platform?: string;
  /** As the driver sent it; absent in an old driver's hello (see IutClient.protocolVersion). */
  protocolVersion?: number;
  capabilities: IutCapabilities;
}

export interface IutEvent {
  event: string;
  detail: unknown;
  /** The driver's timestamp (ms since epoch). */
  ts: number;
  /** When the bench read the line (ms since epoch). */
  receivedAt: number;
}

/** The driver answered a request with `{"error":{errMsg,errCode}}`: the component's fail payload. */
export class IutCallError extends Error {
  constructor(
    readonly method: string,
    readonly errMsg: string,
    readonly errCode: number | undefined,
  ) {
    super(`${method} failed: ${errMsg}${errCode === undefined ? '' : ` (errCode ${errCode})`}`);
    this.name = 'IutCallError';
  }
}

export interface IutBrokenDetails {
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  stderrTail?: string;
}

/** The driver broke the protocol or died: an infrastructure failure, reported as broken. */
export class IutBrokenError extends Error {
  readonly exitCode: number | null | undefined;
  readonly signal: NodeJS.Signals | null | undefined;
  readonly reason: string;
  stderrTail: string;

  constructor(reason: string, details: IutBrokenDetails = {}) {
    super('');
    this.name = 'IutBrokenError';
    this.reason = reason;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderrTail = '';
    this.setStderrTail(details.stderrTail ?? '');
  }

  /** Replaces the quoted stderr tail (it may arrive after the failure was seen on stdout). */
  setStderrTail(tail: string): void {
    this.stderrTail = tail;
    this.message = `IUT driver broken: ${this.reason}${tail ? `\n--- driver stderr (tail) ---\n${tail}` : ''}`;
    // The stack's first lines repeat the message; keep its frames, renew the header.
    const frames = (this.stack ?? '').split('\n').filter((l) => l.startsWith('    at '));
    this.stack = [`${this.name}: ${this.message}`, ...frames].join('\n');
  }
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface EventWaiter {
  reject(err: Error): void;
}

function quote(line: string): string {
  return JSON.stringify(line.length > QUOTE_MAX_CHARS ? `${line.slice(0, QUOTE_MAX_CHARS)}...` : line);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the hello result against the schema's HelloResult (the one source of truth for its
 * shape): anything malformed is a protocol violation naming what and where, never read as
 * "claims nothing"; a protocolVersion this bench does not speak is broken too. Without a
 * protocolVersion the driver is read as version 1, with a warning. The lists are kept as
 * claimed (duplicates and all): conformance/core judges their content.
 */
export function readHello(result: unknown): ValidHello {
  try {
    return validateHelloResult(result);
  } catch (err) {
    if (err instanceof SchemaViolation) throw new IutBrokenError(`malformed hello (protocol violation): ${err.message}`);
    if (err instanceof UnsupportedProtocolVersion) throw new IutBrokenError(err.message);
    throw err;
  }
}

function toIutHello(hello: ValidHello['hello']): IutHello {
  return {
    name: hello.name,
    version: hello.version,
    ...(hello.platform !== undefined ? { platform: hello.platform } : {}),
    ...(hello.protocolVersion !== undefined ? { protocolVersion: hello.protocolVersion } : {}),
    capabilities: { attributes: [...hello.capabilities.attributes], methods: [...hello.capabilities.methods], events: [...hello.capabilities.events] },
  };
}

export class IutClient {
  readonly command: string;
  private readonly proc: SupervisedProcess;
  private readonly requestTimeoutMs: number;
  private readonly helloTimeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters = new Set<EventWaiter>();
  private readonly log: IutEvent[] = [];
  private readonly listeners = new Set<(e: IutEvent) => void>();
  private readonly stderrLines: string[] = [];
  private readonly stderrStream: WriteStream | undefined;
  private nextId = 1;
  private brokenError: IutBrokenError | undefined;
  private disposing = false;
  private disposed: Promise<void> | undefined;
  private helloInfo: IutHello | undefined;
  private spokenVersion: number | undefined;
  private readonly warningList: string[] = [];

  private constructor(command: string, proc: SupervisedProcess, opts: IutStartOptions) {
    this.command = command;
    this.proc = proc;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.helloTimeoutMs = opts.helloTimeoutMs ?? opts.requestTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
    this.stderrStream = opts.stderrFile ? createWriteStream(opts.stderrFile, { flags: 'a' }) : undefined;
    this.stderrStream?.on('error', () => undefined);
    proc.on('stderr-line', (raw: string) => {
      // Kept for people (evidence, broken messages): the push URL's secrets redacted.
      const line = redactSecrets(raw);
      this.stderrLines.push(line);
      if (this.stderrLines.length > STDERR_LINES_KEPT) this.stderrLines.shift();
      this.stderrStream?.write(line + '\n');
    });
    proc.on('stdout-line', (line: string) => this.onLine(line));
    proc.on('exit', (info: ExitInfo) => this.onExit(info));
  }

  /** Spawns `sh -c "exec <command>"` and resolves once it runs (no hello yet). */
  static async start(command: string, opts: IutStartOptions = {}): Promise<IutClient> {
    const proc = await SupervisedProcess.start({
      name: `IUT driver (${command})`,
      command: 'sh',
      args: ['-c', `exec ${command}`],
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdoutMode: 'lines',
      stdin: true,
      readyWhen: 'spawn',
      startTimeoutMs: opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    });
    return new IutClient(command, proc, opts);
  }

  /** The hello answer, once hello() succeeded. */
  get info(): IutHello | undefined {
    return this.helloInfo;
  }

  /** The protocol version the driver speaks, once hello() succeeded (1 when its hello had none). */
  get protocolVersion(): number | undefined {
    return this.spokenVersion;
  }

  /** What the bench should tell the user about this driver (e.g. a hello without protocolVersion). */
  get warnings(): readonly string[] {
    return this.warningList;
  }

  /** The error that broke this client, if any. */
  get broken(): IutBrokenError | undefined {
    return this.brokenError;
  }

  get exitInfo(): ExitInfo | undefined {
    return this.proc.exitInfo;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Everything the driver wrote on stderr (the last 5000 lines). */
  stderr(): string {
    return this.stderrLines.join('\n');
  }

  async hello(): Promise<IutHello> {
    let result: unknown;
    try {
      result = await this.request('hello', undefined, this.helloTimeoutMs);
    } catch (err) {
      if (err instanceof IutCallError) {
        throw this.markBroken(`hello was refused (${err.errMsg}${err.errCode === undefined ? '' : `, errCode ${err.errCode}`}): not an IUT driver`);
      }
      throw err;
    }
    try {
      const { hello, protocolVersion, warnings } = readHello(result);
      this.helloInfo = toIutHello(hello);
      this.spokenVersion = protocolVersion;
      this.warningList.push(...warnings);
    } catch (err) {
      throw this.markBroken((err as IutBrokenError).reason);
    }
    return this.helloInfo;
  }

  /** Creates the pusher with these attributes; `rig` says what the bench wired up. */
  create(attrs: Record<string, unknown>, rig?: unknown): Promise<unknown> {
    return this.request('create', rig === undefined ? { attrs } : { attrs, rig });
  }

  /** The runtime setData of attributes. */
  update(attrs: Record<string, unknown>): Promise<unknown> {
    return this.request('update', { attrs });
  }

  /** Calls a LivePusherContext method; resolves with its success payload, rejects with IutCallError. */
  call(name: string, args: Record<string, unknown> = {}): Promise<unknown> {
    return this.request('call', { name, args });
  }

  /** Sends any request and waits for its reply (at most `timeoutMs`, default the request timeout). */
  request(method: string, params?: unknown, timeoutMs = this.requestTimeoutMs): Promise<unknown> {
    if (this.brokenError) return Promise.reject(this.brokenError);
    if (this.disposing) return Promise.reject(new IutBrokenError(`${method}: the driver was disposed`));
    if (!this.proc.running) return Promise.reject(new IutBrokenError(`${method}: the driver is not running`));
    const id = this.nextId++;
    const line = JSON.stringify(params === undefined ? { id, method } : { id, method, params }) + '\n';
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.markBroken(`no reply to ${method} (id ${id}) within ${timeoutMs} ms: the driver is silent`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.proc.stdin.write(line);
    });
  }

  /** The events received so far, all or those with this name. */
  events(name?: string): IutEvent[] {
    return name === undefined ? [...this.log] : this.log.filter((e) => e.event === name);
  }

  /** Subscribes to events as they arrive; returns the unsubscribe function. */
  onEvent(listener: (e: IutEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the first event (already logged or still to come) with this name that the
   * predicate accepts. Not seeing it in time is the IUT's failure (an AssertionError); the
   * driver breaking meanwhile is broken (IutBrokenError).
   */
  waitForEvent(name: string, predicate: (e: IutEvent) => boolean = () => true, timeoutMs = this.requestTimeoutMs): Promise<IutEvent> {
    const seen = this.log.find((e) => e.event === name && predicate(e));
    if (seen) return Promise.resolve(seen);
    if (this.brokenError) return Promise.reject(this.brokenError);
    return new Promise<IutEvent>((resolve, reject) => {
      const waiter: EventWaiter = {
        reject: (err) => {
          finish();
          reject(err);
        },
      };
      const unsubscribe = this.onEvent((e) => {
        if (e.event === name && predicate(e)) {
          finish();
          resolve(e);
        }
      });
      const timer = setTimeout(() => {
        finish();
        const got = this.log.map((e) => `${e.event}${e.event === 'statechange' ? `:${String((e.detail as { code?: unknown })?.code)}` : ''}`);
        reject(
          new AssertionError({
            message: `expected event "${name}" within ${timeoutMs} ms; events so far: [${got.join(', ')}]`,
            actual: got,
            expected: name,
            operator: 'waitForEvent',
          }),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        unsubscribe();
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** Waits for `statechange` with this code. */
  waitForStatus(code: number, timeoutMs = this.requestTimeoutMs): Promise<IutEvent> {
    return this.waitForEvent('statechange', (e) => isObject(e.detail) && e.detail.code === code, timeoutMs);
  }

  /**
   * Sends dispose (when the driver is still healthy), lets it exit on its own for a grace period,
   * then closes it (SIGTERM, then SIGKILL). Idempotent; never throws.
   */
  dispose(): Promise<void> {
    this.disposed ??= this.doDispose();
    return this.disposed;
  }

  /** Alias of dispose(). */
  close(): Promise<void> {
    return this.dispose();
  }

  private async doDispose(): Promise<void> {
    this.disposing = true;
    if (this.proc.running && !this.brokenError) {
      const reply = this.requestWithTimeout('dispose', DISPOSE_REPLY_TIMEOUT_MS);
      await reply.catch(() => undefined);
      this.proc.stdin.end();
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.proc.waitExit(),
        new Promise<void>((resolve) => {
          graceTimer = setTimeout(resolve, EXIT_GRACE_MS);
        }),
      ]);
      clearTimeout(graceTimer);
    }
    await this.proc.close('SIGTERM', EXIT_GRACE_MS);
    this.failAll(this.brokenError ?? new IutBrokenError('the driver was disposed'));
    await new Promise<void>((resolve) => {
      if (!this.stderrStream) return resolve();
      this.stderrStream.end(resolve);
    });
  }

  private requestWithTimeout(method: string, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IutBrokenError(`no reply to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.proc.stdin.write(JSON.stringify({ id, method }) + '\n');
    });
  }

  private onLine(raw: string): void {
    const line = raw.trim();
    if (line === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.markBroken(`malformed line on stdout (not JSON): ${quote(line)}`);
      return;
    }
    let incoming: ReturnType<typeof validateIncoming>;
    try {
      incoming = validateIncoming(msg);
    } catch (err) {
      if (!(err instanceof SchemaViolation)) throw err;
      this.markBroken(`line on stdout breaks the driver protocol: ${err.message}; line: ${quote(line)}`);
      return;
    }
    if (incoming.kind === 'event') this.onEventLine(incoming.message);
    else this.onReply(incoming.message, line);
  }

  private onEventLine(msg: EventMessage): void {
    const e: IutEvent = { event: msg.event, detail: msg.detail ?? null, ts: msg.ts, receivedAt: Date.now() };
    this.log.push(e);
    for (const l of [...this.listeners]) l(e);
  }

  private onReply(msg: ResultReply | ErrorReply, line: string): void {
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) {
      this.markBroken(`reply with an unknown id ${JSON.stringify(msg.id)}: ${quote(line)}`);
      return;
    }
    this.pending.delete(msg.id as number);
    clearTimeout(p.timer);
    if ('error' in msg) {
      p.reject(new IutCallError(p.method, msg.error.errMsg, msg.error.errCode));
      return;
    }
    p.resolve(msg.result);
  }

  private onExit(info: ExitInfo): void {
    if (this.disposing || info.expected) {
      this.failAll(new IutBrokenError('the driver exited after dispose'));
      return;
    }
    this.markBroken(`the driver died (exit code ${info.code ?? '-'}, signal ${info.signal ?? '-'})`, {
      exitCode: info.code,
      signal: info.signal,
    });
  }

  /**
   * Records the first infrastructure failure and returns the error. Everything waiting fails
   * after STDERR_SETTLE_MS, with the stderr tail read by then; at once when the driver has
   * already exited (a death is seen only after its pipes closed).
   */
  private markBroken(reason: string, details: IutBrokenDetails = {}): IutBrokenError {
    if (!this.brokenError) {
      const err = new IutBrokenError(reason, { ...details, stderrTail: this.stderrTail() });
      this.brokenError = err;
      const settle = (): void => {
        err.setStderrTail(this.stderrTail());
        this.failAll(err);
      };
      // Once the driver has exited its pipes are closed: all of stderr is in.
      if (!this.proc.running) settle();
      else setTimeout(settle, STDERR_SETTLE_MS);
    }
    return this.brokenError;
  }

  private stderrTail(): string {
    return this.stderrLines.slice(-STDERR_TAIL_IN_ERROR).join('\n');
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
    for (const w of [...this.waiters]) w.reject(err);
  }
}
