// The embedded RTMP server of the normal path (docs/architecture.md "Layers": the embedded real
// server is node-media-server). node-media-server 4.x runs in a supervised child process
// (nms-child.ts) because it exits the process when its port is taken, allows one config per
// process and logs noisily; this side picks the port, starts and stops the child, and turns its
// IPC reports into 'publish' / 'unpublish' events.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SupervisedProcess, ProcessStartError, type ProcessDiedError, type ExitInfo } from '../process/supervised.ts';
import { CHILD_EXIT, isChildMessage, type ChildToParent, type NmsChildConfig } from './nms-messages.ts';

export interface EmbeddedServerOptions {
  /** 0 or omitted: a free loopback port. */
  port?: number;
  /** Listen address, default 127.0.0.1. */
  host?: string;
  /** Pass node-media-server's log through to our stderr. */
  verbose?: boolean;
}

export interface PublishEvent {
  app: string;
  stream: string;
  /** '/app/stream' */
  streamPath: string;
  /** Date.now() when node-media-server reported it. */
  at: number;
}

/** The server could not be started (port taken, child failed or timed out). */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly port: number | undefined,
    /** The errno code of a failed listen ('EADDRINUSE', 'EACCES', ...), when that was the cause. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

export const DEFAULT_HOST = '127.0.0.1';
/** How many free ports are tried when the one picked is taken before the child binds it. */
const FREE_PORT_ATTEMPTS = 4;
/** Start budget of the child: node + tsx + node-media-server load, then listen. */
const START_TIMEOUT_MS = 15_000;
/** How long the child's clean stop (after SIGTERM) may take before SIGKILL follows. */
const STOP_TIMEOUT_MS = 3_000;
const PORT_IN_USE = 'EADDRINUSE';
const LOG_PREFIX = '[node-media-server] ';

const require = createRequire(import.meta.url);
const CHILD_SCRIPT = fileURLToPath(new URL('./nms-child.ts', import.meta.url));
/** tsx's ESM loader as a file URL, so `--import` works whatever the working directory is. */
const TSX_LOADER_URL = pathToFileURL(require.resolve('tsx')).href;

/** Binds port 0 on host, reads the port the OS gave, and closes the socket again. */
export function pickFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error(`no port could be bound on ${host}`))));
    });
  });
}

interface Waiter {
  kind: 'publish' | 'unpublish';
  streamPath: string;
  resolve: (event: PublishEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Events: 'publish' (PublishEvent), 'unpublish' (PublishEvent), 'died' (Error). */
/** The events of an EmbeddedServer, typed. */
export interface EmbeddedServerEvents {
  died: [Error];
  publish: [PublishEvent];
  unpublish: [PublishEvent];
}

export class EmbeddedServer extends EventEmitter<EmbeddedServerEvents> {
  readonly host: string;
  readonly port: number;
  private readonly proc: SupervisedProcess;
  private readonly storeDir: string;
  private readonly active = new Map<string, PublishEvent>();
  private readonly lastUnpublish = new Map<string, PublishEvent>();
  private readonly waiters = new Set<Waiter>();
  private closePromise: Promise<void> | undefined;

  private constructor(host: string, port: number, proc: SupervisedProcess, storeDir: string) {
    super();
    this.host = host;
    this.port = port;
    this.proc = proc;
    this.storeDir = storeDir;
    proc.on('message', (message: unknown) => {
      if (isChildMessage(message)) this.onChildMessage(message);
    });
    proc.on('died', (err: ProcessDiedError) => {
      this.rejectWaiters(err);
      this.active.clear();
      void rm(this.storeDir, { recursive: true, force: true });
      this.emit('died', err);
    });
  }

  static async start(opts: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
    const host = opts.host ?? DEFAULT_HOST;
    const verbose = opts.verbose ?? false;
    const fixedPort = opts.port !== undefined && opts.port !== 0 ? opts.port : undefined;
    const attempts = fixedPort === undefined ? FREE_PORT_ATTEMPTS : 1;
    let lastError: ServerStartError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const port = fixedPort ?? (await pickFreePort(host));
      try {
        return await EmbeddedServer.launch(host, port, verbose);
      } catch (err) {
        if (!(err instanceof ServerStartError) || err.code !== PORT_IN_USE || fixedPort !== undefined) throw err;
        lastError = err;
      }
    }
    throw lastError ?? new ServerStartError(`rtmp server: no free port found on ${host}`, undefined);
  }

  private static async launch(host: string, port: number, verbose: boolean): Promise<EmbeddedServer> {
    const storeDir = await mkdtemp(join(tmpdir(), 'lpbench-nms-'));
    const config: NmsChildConfig = { host, port, storeDir, verbose };
    let proc: SupervisedProcess;
    try {
      proc = await SupervisedProcess.start({
        name: 'rtmp server (node-media-server)',
        command: process.execPath,
        args: ['--import', TSX_LOADER_URL, CHILD_SCRIPT, JSON.stringify(config)],
        ipc: true,
        stdin: false,
        stdoutMode: 'ignore',
        readyWhen: 'spawn',
        startTimeoutMs: START_TIMEOUT_MS,
      });
    } catch (err) {
      await rm(storeDir, { recursive: true, force: true });
      const reason = err instanceof ProcessStartError ? err.message : String(err);
      throw new ServerStartError(`rtmp server on ${host}:${port} failed to start: ${reason}`, port);
    }
    if (verbose) proc.on('stderr-line', (line: string) => process.stderr.write(LOG_PREFIX + line + '\n'));
    try {
      await waitReady(proc, host, port);
    } catch (err) {
      await proc.close('SIGTERM', STOP_TIMEOUT_MS);
      await rm(storeDir, { recursive: true, force: true });
      throw err;
    }
    return new EmbeddedServer(host, port, proc, storeDir);
  }

  /** Process id of the child hosting node-media-server. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** rtmp://HOST:PORT (an IPv6 host in brackets) */
  baseUrl(): string {
    const hostPart = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `rtmp://${hostPart}:${this.port}`;
  }

  /** rtmp://HOST:PORT/app/stream */
  rtmpUrl(app: string, stream: string): string {
    return `${this.baseUrl()}/${app}/${stream}`;
  }

  /** Resolves with the publish of streamPath ('/app/stream'): at once when it is live now. */
  waitForPublish(streamPath: string, timeoutMs: number): Promise<PublishEvent> {
    const current = this.active.get(streamPath);
    if (current) return Promise.resolve(current);
    return this.wait('publish', streamPath, timeoutMs);
  }

  /** Resolves with the end of the publish of streamPath: at once when it was published and is
   *  not live now. */
  waitForUnpublish(streamPath: string, timeoutMs: number): Promise<PublishEvent> {
    const last = this.lastUnpublish.get(streamPath);
    if (last && !this.active.has(streamPath)) return Promise.resolve(last);
    return this.wait('unpublish', streamPath, timeoutMs);
  }

  /** Stream paths being published now, sorted. */
  activeStreams(): string[] {
    return [...this.active.keys()].sort();
  }

  /** Stops node-media-server and its child process. Idempotent. */
  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doClose(): Promise<void> {
    // SIGTERM asks the child for a clean stop (its handler stops node-media-server and flushes
    // the last reports); SIGKILL follows if it takes longer than STOP_TIMEOUT_MS.
    await this.proc.close('SIGTERM', STOP_TIMEOUT_MS);
    this.rejectWaiters(new Error(`rtmp server on ${this.host}:${this.port} was closed`));
    this.active.clear();
    await rm(this.storeDir, { recursive: true, force: true });
  }

  private onChildMessage(message: ChildToParent): void {
    if (message.type === 'publish') {
      const event: PublishEvent = { ...message.info };
      this.active.set(event.streamPath, event);
      this.lastUnpublish.delete(event.streamPath);
      this.settle('publish', event);
      this.emit('publish', event);
    } else if (message.type === 'unpublish') {
      const event: PublishEvent = { ...message.info };
      this.active.delete(event.streamPath);
      this.lastUnpublish.set(event.streamPath, event);
      this.settle('unpublish', event);
      this.emit('unpublish', event);
    }
  }

  private wait(kind: Waiter['kind'], streamPath: string, timeoutMs: number): Promise<PublishEvent> {
    if (this.closePromise || !this.proc.running) {
      return Promise.reject(new Error(`rtmp server on ${this.host}:${this.port} is not running`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        kind,
        streamPath,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no ${kind} of ${streamPath} on the rtmp server at ${this.host}:${this.port} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private settle(kind: Waiter['kind'], event: PublishEvent): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.kind !== kind || waiter.streamPath !== event.streamPath) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
  }

  private rejectWaiters(err: Error): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
    this.waiters.clear();
  }
}

/** Waits for the child's 'ready' (or its report of a failed listen, its exit, or the timeout). */
function waitReady(proc: SupervisedProcess, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let listenError: { code: string; message: string } | undefined;
    const finish = (err?: ServerStartError) => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onMessage = (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.type === 'ready') finish();
      else if (message.type === 'start-error') listenError = { code: message.code, message: message.message };
    };
    const onExit = (info: ExitInfo) => {
      if (listenError || info.code === CHILD_EXIT.listenFailed) {
        const code = listenError?.code ?? 'ERROR';
        const what = code === PORT_IN_USE ? `port ${host}:${port} is already in use` : (listenError?.message ?? 'listen failed');
        finish(new ServerStartError(`rtmp server could not listen: ${what}`, port, code));
        return;
      }
      const tail = proc.stderrTail();
      finish(
        new ServerStartError(
          `rtmp server on ${host}:${port} exited before it was ready (code ${info.code ?? '-'}, signal ${info.signal ?? '-'})${tail ? `\n--- stderr ---\n${tail}` : ''}`,
          port,
        ),
      );
    };
    const timer = setTimeout(
      () => finish(new ServerStartError(`rtmp server on ${host}:${port} not ready after ${START_TIMEOUT_MS} ms`, port)),
      START_TIMEOUT_MS,
    );
    proc.on('message', onMessage);
    proc.on('exit', onExit);
    if (!proc.running) onExit(proc.exitInfo ?? { code: null, signal: null, expected: false });
  });
}
