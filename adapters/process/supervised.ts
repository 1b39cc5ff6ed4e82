// Supervised child processes (docs/architecture.md "House style", after mediasoup's Worker): a failed start
// is a different error from a death after start, our own kills are not errors, close() is
// idempotent, and every child still alive when the host exits is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';

export interface SuperviseOptions {
  /** Human name used in errors and logs ("ffmpeg encoder", "rtmp server"). */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** 'spawn' (default): started once the OS spawned it. A predicate: started once a line of
   *  stdout or stderr matches (stdout only when stdoutMode is 'lines'). */
  readyWhen?: 'spawn' | ((line: string, stream: 'stdout' | 'stderr') => boolean);
  /** How long a start may take before it is a failed start. */
  startTimeoutMs?: number;
  /** 'raw' (default): stdout is left for the caller to read as bytes. 'lines': stdout is split
   *  into lines and emitted as 'stdout-line'. 'ignore': stdout is discarded. */
  stdoutMode?: 'raw' | 'lines' | 'ignore';
  /** Keep an stdin pipe open (default true). */
  stdin?: boolean;
  /** Number of stderr lines kept for error reports. */
  stderrTailLines?: number;
  /** Extra IPC channel (node children only). */
  ipc?: boolean;
  /** Extra output pipes from the child, at fds 3, 4, ... (e.g. ffmpeg's `pipe:3`). */
  extraOutputPipes?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the exit was asked for by close() (or the process ended on its own after
   *  close() started): such exits are not errors. */
  expected: boolean;
}

/** The process could not be started: missing binary, exited or timed out before ready. */
export class ProcessStartError extends Error {
  constructor(
    readonly processName: string,
    readonly reason: string,
    readonly stderrTail: string,
  ) {
    super(`${processName} failed to start: ${reason}${stderrTail ? `\n--- stderr ---\n${stderrTail}` : ''}`);
    this.name = 'ProcessStartError';
  }
}

/** The process started, then died without being asked to. */
export class ProcessDiedError extends Error {
  constructor(
    readonly processName: string,
    readonly exit: ExitInfo,
    readonly stderrTail: string,
  ) {
    super(
      `${processName} died (code ${exit.code ?? '-'}, signal ${exit.signal ?? '-'})${stderrTail ? `\n--- stderr ---\n${stderrTail}` : ''}`,
    );
    this.name = 'ProcessDiedError';
  }
}

const live = new Set<SupervisedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) p.killNow();
  });
}

/** Events: 'stdout-line' (line), 'stderr-line' (line), 'died' (ProcessDiedError),
 *  'exit' (ExitInfo), 'message' (IPC message). */
/** The events of a SupervisedProcess, typed. */
export interface SupervisedProcessEvents {
  died: [ProcessDiedError];
  exit: [ExitInfo];
  'stderr-line': [string];
  'stdout-line': [string];
  message: [unknown];
}

export class SupervisedProcess extends EventEmitter<SupervisedProcessEvents> {
  readonly name: string;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly tailMax: number;
  private closing = false;
  private exited: ExitInfo | undefined;
  private readonly exitPromise: Promise<ExitInfo>;

  private constructor(child: ChildProcess, opts: SuperviseOptions) {
    super();
    this.name = opts.name;
    this.child = child;
    this.tailMax = opts.stderrTailLines ?? 200;
    this.exitPromise = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        const info: ExitInfo = { code, signal, expected: this.closing };
        this.exited = info;
        live.delete(this);
        if (!info.expected) this.emit('died', new ProcessDiedError(this.name, info, this.stderrTail()));
        this.emit('exit', info);
        resolve(info);
      });
    });
  }

  /** Starts a process and resolves once it is ready; rejects with ProcessStartError. */
  static start(opts: SuperviseOptions): Promise<SupervisedProcess> {
    installExitHook();
    const stdio: ('pipe' | 'ignore' | 'ipc')[] = [
      opts.stdin === false ? 'ignore' : 'pipe',
      opts.stdoutMode === 'ignore' ? 'ignore' : 'pipe',
      'pipe',
    ];
    for (let i = 0; i < (opts.extraOutputPipes ?? 0); i++) stdio.push('pipe');
    if (opts.ipc) stdio.push('ipc');
    const child = spawn(opts.command, [...opts.args], {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio,
    });
    const proc = new SupervisedProcess(child, opts);
    live.add(proc);
    // Writes to a child that died are reported by the exit, not as an uncaught EPIPE.
    child.stdin?.on('error', () => undefined);
    splitLines(child.stderr!, (line) => {
      proc.tail.push(line);
      if (proc.tail.length > proc.tailMax) proc.tail.shift();
      proc.emit('stderr-line', line);
    });
    if (opts.stdoutMode === 'lines') splitLines(child.stdout!, (line) => proc.emit('stdout-line', line));
    if (opts.ipc) child.on('message', (m) => proc.emit('message', m));

    return new Promise<SupervisedProcess>((resolve, reject) => {
      let settled = false;
      const timeoutMs = opts.startTimeoutMs ?? 10_000;
      const cleanup = () => {
        clearTimeout(timer);
        proc.off('stderr-line', onLine);
        proc.off('stdout-line', onStdout);
        child.off('spawn', onSpawn);
      };
      const ok = () => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(proc);
      };
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        cleanup();
        const tail = proc.stderrTail();
        void proc.close().then(() => reject(new ProcessStartError(opts.name, reason, tail)));
      };
      const ready = opts.readyWhen ?? 'spawn';
      const onSpawn = () => {
        if (ready === 'spawn') ok();
      };
      const onLine = (line: string) => {
        if (typeof ready === 'function' && ready(line, 'stderr')) ok();
      };
      const onStdout = (line: string) => {
        if (typeof ready === 'function' && ready(line, 'stdout')) ok();
      };
      const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
      child.once('spawn', onSpawn);
      proc.on('stderr-line', onLine);
      proc.on('stdout-line', onStdout);
      child.once('error', (err) => fail(err.message));
      proc.once('exit', (info: ExitInfo) => fail(`exited before ready (code ${info.code ?? '-'}, signal ${info.signal ?? '-'})`));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdout(): Readable {
    if (!this.child.stdout) throw new Error(`${this.name}: stdout is not piped`);
    return this.child.stdout;
  }

  get stdin(): Writable {
    if (!this.child.stdin) throw new Error(`${this.name}: stdin is not piped`);
    return this.child.stdin;
  }

  /** The extra output pipe at file descriptor `fd` (3 and up), see extraOutputPipes. */
  extraPipe(fd: number): Readable {
    const stream = this.child.stdio[fd];
    if (!stream || !('read' in stream)) throw new Error(`${this.name}: fd ${fd} is not an output pipe`);
    return stream as Readable;
  }

  /** The extra pipe at `fd` as a stream to write into (the child reads it as pipe:<fd>): an
   *  extra pipe is a socket pair, open both ways. Write errors after the child died are dropped
   *  (its exit reports it). */
  extraInputPipe(fd: number): Writable {
    const stream = this.child.stdio[fd];
    if (!stream || !('write' in stream)) throw new Error(`${this.name}: fd ${fd} is not a pipe`);
    const writable = stream as Writable;
    writable.on('error', () => undefined);
    // The child's 'close' waits for every stdio stream: once the child has exited, nothing reads
    // this pipe, and a writer that is still open (or has gone quiet) must not hold 'close' back.
    this.child.once('exit', () => writable.destroy());
    return writable;
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  get exitInfo(): ExitInfo | undefined {
    return this.exited;
  }

  send(message: unknown): boolean {
    if (!this.child.connected) return false;
    this.child.send(message as never);
    return true;
  }

  stderrTail(): string {
    return this.tail.join('\n');
  }

  /** Resolves when the process exits, however it exits. */
  waitExit(): Promise<ExitInfo> {
    return this.exitPromise;
  }

  /** Asks the process to stop (signal, then SIGKILL after graceMs). Idempotent. */
  close(signal: NodeJS.Signals = 'SIGTERM', graceMs = 2000): Promise<ExitInfo> {
    if (this.exited) return this.exitPromise;
    if (!this.closing) {
      this.closing = true;
      this.child.stdin?.end();
      this.child.kill(signal);
      const escalate = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      escalate.unref();
      void this.exitPromise.then(() => clearTimeout(escalate));
    }
    return this.exitPromise;
  }

  /** Synchronous last-resort kill used when the host exits. */
  killNow(): void {
    if (this.exited) return;
    this.closing = true;
    try {
      this.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function splitLines(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.search(/\r?\n|\r/)) >= 0) {
      const line = pending.slice(0, nl);
      const sepLen = pending[nl] === '\r' && pending[nl + 1] === '\n' ? 2 : 1;
      pending = pending.slice(nl + sepLen);
      onLine(line);
    }
    // Unbounded lines (binary garbage on stderr) are cut rather than buffered forever.
    if (pending.length > 64 * 1024) {
      onLine(pending);
      pending = '';
    }
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

/** Number of supervised processes still alive (tests use it to prove cleanup). */
export function liveProcessCount(): number {
  return live.size;
}
