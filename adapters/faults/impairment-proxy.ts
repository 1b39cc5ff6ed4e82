// The TCP impairment proxy: Toxiproxy's toxics and semantics in-process, between a pusher and
// its RTMP server, to provoke what live-pusher.zh.md 状态码 names for a bad link (1101 上行带宽太小,
// 1102 网络断连, 3002 连接失败, 3004/3005 断开, 读/写失败) and to move the figures of 网络状态数据（info）.
//
// API (stable: conformance checks build on it):
//   const proxy = await startImpairmentProxy({ listenHost: '127.0.0.1', upstream: { host, port } });
//   proxy.port / proxy.host            where it listens (a free port unless listenPort is given)
//   proxy.url(rtmpUrl)                 the same URL with host:port pointing at the proxy
//   proxy.setToxic(name, toxic)        add or replace a toxic (toxics.ts), open connections included
//   proxy.removeToxic(name)            remove it (a RangeError names the toxics that exist)
//   proxy.toxics() / toxicNames()      what is set
//   await proxy.down() / proxy.up()    close every connection and refuse new ones / accept again
//   await proxy.runTimeline(steps, signal?, clock?)   timeline.ts: steps applied at their times
//   proxy.stats()                      bytes read and written per direction, connections
//   proxy.history()                    every change and connection, with Date.now() times
//   await proxy.close()                closes the listener and every socket (idempotent)
// upstream = client -> server (the pusher's uplink), downstream = server -> client. A toxic acts on
// one direction; the toxics of a direction act in the order they were added. Each connection
// gets its own state per toxic (token bucket, byte count). The proxy stops reading a source when
// more than queueHighWaterBytes wait that no toxic is holding on purpose (latency), so a capped
// uplink backs up into the pusher's own send queue as a real one does.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { attachToxic, type Chunk, type LinkControl, type ToxicStage } from './toxic-stages.ts';
import { runTimeline, type Clock, type TimelineRun, type TimelineStep } from './timeline.ts';
import { validateToxic, type Toxic, type ToxicStream } from './toxics.ts';

export type { Toxic, ToxicStream, ToxicType } from './toxics.ts';
export type { TimelineStep, TimelineAction, TimelineRun, AppliedStep, Clock } from './timeline.ts';

/** The push url with its host and port replaced by a hop in front of the server (a proxy, a
 *  namespace relay); path, stream name and query are kept. A bad url is a RangeError naming it. */
export function throughHop(rtmpUrl: string, host: string, port: number): string {
  let parsed: URL;
  try {
    parsed = new URL(rtmpUrl);
  } catch {
    throw new RangeError(`url: ${JSON.stringify(rtmpUrl)} is not a URL; expected e.g. rtmp://127.0.0.1:1935/live/name`);
  }
  if (!parsed.host) throw new RangeError(`url: ${JSON.stringify(rtmpUrl)} has no host`);
  parsed.host = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return parsed.toString();
}

export interface ImpairmentProxyOptions {
  /** Address to listen on (default 127.0.0.1). */
  listenHost?: string;
  /** Port to listen on (default 0: a free port). */
  listenPort?: number;
  /** The real server. */
  upstream: { host: string; port: number };
  /** Backlog, in bytes per direction, beyond which the proxy stops reading the source (default 64 KiB). */
  queueHighWaterBytes?: number;
}

export interface DirectionStats {
  /** Bytes the proxy read from the source. */
  bytesIn: number;
  /** Bytes the proxy handed to the destination socket. */
  bytesOut: number;
}

export interface ProxyStats {
  upstream: DirectionStats;
  downstream: DirectionStats;
  connections: {
    /** Connections open now. */
    open: number;
    /** Connections accepted since start. */
    total: number;
    /** Accepted connections whose connect to the upstream server failed. */
    upstreamFailures: number;
  };
  down: boolean;
}

export type ProxyEvent =
  | { at: number; kind: 'set'; name: string; toxic: Toxic }
  | { at: number; kind: 'remove'; name: string }
  | { at: number; kind: 'down' | 'up' }
  | { at: number; kind: 'open'; connection: number }
  | { at: number; kind: 'close'; connection: number; reason: string };

export interface ImpairmentProxy {
  readonly host: string;
  readonly port: number;
  url(rtmpUrl: string): string;
  setToxic(name: string, toxic: Toxic): void;
  removeToxic(name: string): void;
  toxics(): Record<string, Toxic>;
  toxicNames(): string[];
  down(): Promise<void>;
  up(): Promise<void>;
  runTimeline(steps: readonly TimelineStep[], signal?: AbortSignal, clock?: Clock): Promise<TimelineRun>;
  stats(): ProxyStats;
  history(): ProxyEvent[];
  close(): Promise<void>;
}

export const DEFAULT_QUEUE_HIGH_WATER_BYTES = 64 * 1024;
/** Whatever the latency, the proxy never buffers more than this per direction. */
const HARD_QUEUE_LIMIT_BYTES = 16 * 1024 * 1024;
/** After a FIN both ways or a toxic's close, sockets still open this long later are destroyed. */
const CLOSE_GRACE_MS = 2000;
/** history() keeps at most this many events (the oldest go first). */
const MAX_HISTORY = 10_000;

const END = Symbol('end');

export async function startImpairmentProxy(options: ImpairmentProxyOptions): Promise<ImpairmentProxy> {
  const { upstream } = options;
  if (!upstream || typeof upstream.host !== 'string' || upstream.host === '') throw new RangeError(`upstream.host must be a non-empty string, got ${JSON.stringify(upstream?.host)}`);
  if (!Number.isInteger(upstream.port) || upstream.port < 1 || upstream.port > 65535) throw new RangeError(`upstream.port ${JSON.stringify(upstream.port)} is not legal; expected an integer from 1 to 65535`);
  const highWater = options.queueHighWaterBytes ?? DEFAULT_QUEUE_HIGH_WATER_BYTES;
  if (!Number.isInteger(highWater) || highWater < 1024 || highWater > HARD_QUEUE_LIMIT_BYTES) {
    throw new RangeError(`queueHighWaterBytes ${JSON.stringify(highWater)} is not legal; expected an integer from 1024 to ${HARD_QUEUE_LIMIT_BYTES}`);
  }
  const proxy = new ProxyServer(options.listenHost ?? '127.0.0.1', upstream, highWater);
  await proxy.listen(options.listenPort ?? 0);
  return proxy;
}

class ProxyServer implements ImpairmentProxy {
  private server: Server | undefined;
  private listenPort = 0;
  private readonly links = new Set<Link>();
  private readonly toxicMap = new Map<string, Toxic>();
  private readonly events: ProxyEvent[] = [];
  readonly counters = {
    upstream: { bytesIn: 0, bytesOut: 0 },
    downstream: { bytesIn: 0, bytesOut: 0 },
    total: 0,
    upstreamFailures: 0,
  };
  private isDown = false;
  private closed = false;
  /** Aborted by close(): stops every timeline still running. */
  private readonly closing = new AbortController();

  constructor(
    readonly host: string,
    readonly upstream: { host: string; port: number },
    readonly highWater: number,
  ) {}

  get port(): number {
    return this.listenPort;
  }

  async listen(port: number): Promise<void> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.accept(socket));
    server.on('error', () => {}); // listen errors are surfaced by the listen promise below
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.listenPort = address.port;
  }

  url(rtmpUrl: string): string {
    return throughHop(rtmpUrl, this.host, this.listenPort);
  }

  setToxic(name: string, toxic: Toxic): void {
    this.assertOpen('setToxic');
    validateToxic(name, toxic);
    const copy = { ...toxic };
    this.toxicMap.set(name, copy);
    this.record({ at: Date.now(), kind: 'set', name, toxic: copy });
    for (const link of this.links) link.attach(name, copy);
  }

  removeToxic(name: string): void {
    this.assertOpen('removeToxic');
    if (!this.toxicMap.has(name)) throw new RangeError(`removeToxic: no toxic named ${JSON.stringify(name)}; set: ${this.toxicNames().join(', ') || 'none'}`);
    this.toxicMap.delete(name);
    this.record({ at: Date.now(), kind: 'remove', name });
    for (const link of this.links) link.detach(name);
  }

  toxics(): Record<string, Toxic> {
    return Object.fromEntries([...this.toxicMap].map(([name, toxic]) => [name, { ...toxic }]));
  }

  toxicNames(): string[] {
    return [...this.toxicMap.keys()];
  }

  async down(): Promise<void> {
    this.assertOpen('down');
    if (this.isDown) return;
    this.isDown = true;
    this.record({ at: Date.now(), kind: 'down' });
    await this.stopListening('proxy down');
  }

  async up(): Promise<void> {
    this.assertOpen('up');
    if (!this.isDown) return;
    try {
      await this.listen(this.listenPort);
    } catch (err) {
      throw new Error(`impairment proxy: cannot listen again on ${this.host}:${this.listenPort}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.isDown = false;
    this.record({ at: Date.now(), kind: 'up' });
  }

  runTimeline(steps: readonly TimelineStep[], signal?: AbortSignal, clock?: Clock): Promise<TimelineRun> {
    this.assertOpen('runTimeline');
    const stop = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    return runTimeline(this, steps, stop, clock);
  }

  stats(): ProxyStats {
    const c = this.counters;
    return {
      upstream: { ...c.upstream },
      downstream: { ...c.downstream },
      connections: { open: this.links.size, total: c.total, upstreamFailures: c.upstreamFailures },
      down: this.isDown,
    };
  }

  history(): ProxyEvent[] {
    return this.events.map((e) => ({ ...e }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await this.stopListening('proxy closed');
  }

  record(event: ProxyEvent): void {
    this.events.push(event);
    if (this.events.length > MAX_HISTORY) this.events.shift();
  }

  linkClosed(link: Link, reason: string): void {
    if (!this.links.delete(link)) return;
    this.record({ at: Date.now(), kind: 'close', connection: link.index, reason });
  }

  private async stopListening(reason: string): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const link of [...this.links]) link.destroy(reason);
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new Error(`impairment proxy: ${what} after close()`);
  }

  private accept(client: Socket): void {
    if (this.isDown || this.closed) {
      client.destroy();
      return;
    }
    this.counters.total += 1;
    const link = new Link(this, this.counters.total, client);
    this.links.add(link);
    this.record({ at: Date.now(), kind: 'open', connection: link.index });
    for (const [name, toxic] of this.toxicMap) link.attach(name, toxic);
    link.start();
  }
}

/** One proxied connection: the client's socket, the upstream socket and a pump per direction. */
class Link implements LinkControl {
  private readonly abort = new AbortController();
  readonly signal = this.abort.signal;
  readonly server: Socket;
  private readonly directions: Record<ToxicStream, Direction>;
  private graceTimer: NodeJS.Timeout | undefined;
  private closedSockets = 0;

  constructor(
    private readonly proxy: ProxyServer,
    readonly index: number,
    readonly client: Socket,
  ) {
    this.server = connect({ host: proxy.upstream.host, port: proxy.upstream.port, allowHalfOpen: true });
    let upstreamConnected = false;
    const connected = new Promise<boolean>((resolve) => {
      this.server.once('connect', () => {
        upstreamConnected = true;
        resolve(true);
      });
      this.server.once('close', () => resolve(false));
    });
    this.directions = {
      upstream: new Direction(this, client, this.server, proxy.counters.upstream, proxy.highWater, connected),
      downstream: new Direction(this, this.server, client, proxy.counters.downstream, proxy.highWater, Promise.resolve(true)),
    };
    this.server.once('error', () => {
      if (!upstreamConnected) proxy.counters.upstreamFailures += 1;
    });
    for (const socket of [client, this.server]) {
      const other = socket === client ? this.server : client;
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNRESET') this.resetSocket(other);
        this.destroy(`${socket === client ? 'client' : 'server'} ${err.code ?? err.message}`);
      });
      socket.on('close', () => {
        this.closedSockets += 1;
        if (this.closedSockets === 2) this.destroy('closed');
      });
    }
  }

  start(): void {
    this.directions.upstream.start();
    this.directions.downstream.start();
    this.client.resume();
  }

  attach(name: string, toxic: Toxic): void {
    for (const stream of ['upstream', 'downstream'] as const) {
      if (stream === toxic.stream) this.directions[stream].attach(name, attachToxic(toxic, this));
      else this.directions[stream].detach(name);
    }
  }

  detach(name: string): void {
    this.directions.upstream.detach(name);
    this.directions.downstream.detach(name);
  }

  /** Both directions have delivered their FIN: give the peers a grace to close, then destroy. */
  directionEnded(): void {
    if (this.directions.upstream.ended && this.directions.downstream.ended) this.armGrace('both sides closed');
  }

  close(reason: string): void {
    if (this.signal.aborted) return;
    this.client.end();
    this.server.end();
    this.armGrace(reason);
  }

  reset(reason: string): void {
    if (this.signal.aborted) return;
    this.resetSocket(this.client);
    this.resetSocket(this.server);
    this.destroy(reason);
  }

  destroy(reason: string): void {
    if (this.signal.aborted) return;
    this.abort.abort();
    clearTimeout(this.graceTimer);
    this.client.destroy();
    this.server.destroy();
    this.proxy.linkClosed(this, reason);
  }

  private armGrace(reason: string): void {
    if (this.graceTimer) return;
    this.graceTimer = setTimeout(() => this.destroy(reason), CLOSE_GRACE_MS);
    this.graceTimer.unref();
  }

  private resetSocket(socket: Socket): void {
    if (socket.destroyed) return;
    if (socket.connecting) socket.destroy();
    else socket.resetAndDestroy();
  }
}

/** One direction of a link: reads the source into a queue, passes each chunk through the
 *  direction's toxics in order, writes to the destination with its backpressure. */
class Direction {
  private readonly stages = new Map<string, ToxicStage>();
  private readonly queue: Array<Chunk | typeof END> = [];
  private queuedBytes = 0;
  private paused = false;
  private wake: (() => void) | undefined;
  ended = false;

  constructor(
    private readonly link: Link,
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly stats: DirectionStats,
    private readonly highWater: number,
    private readonly destReady: Promise<boolean>,
  ) {}

  attach(name: string, stage: ToxicStage): void {
    this.stages.get(name)?.detach();
    this.stages.set(name, stage);
  }

  detach(name: string): void {
    this.stages.get(name)?.detach();
    this.stages.delete(name);
  }

  start(): void {
    this.source.on('data', (data: Buffer) => {
      this.stats.bytesIn += data.length;
      this.push({ data, arrivedAt: performance.now() });
      if (!this.paused && this.backlog() > this.highWater) {
        this.paused = true;
        this.source.pause();
      }
    });
    this.source.on('end', () => this.push(END));
    this.pump().catch((err: unknown) => this.link.destroy(`proxy error: ${err instanceof Error ? err.message : String(err)}`));
  }

  private push(item: Chunk | typeof END): void {
    this.queue.push(item);
    if (item !== END) this.queuedBytes += item.data.length;
    this.wake?.();
  }

  /** Bytes waiting that no latency toxic is holding on purpose (or everything past the hard limit). */
  private backlog(): number {
    if (this.queuedBytes > HARD_QUEUE_LIMIT_BYTES) return Number.POSITIVE_INFINITY;
    let hold = 0;
    for (const stage of this.stages.values()) hold += stage.holdMs;
    const due = performance.now() - hold;
    let bytes = 0;
    for (const item of this.queue) {
      if (item === END) break;
      if (item.arrivedAt > due) break;
      bytes += item.data.length;
    }
    return bytes;
  }

  private async pump(): Promise<void> {
    const signal = this.link.signal;
    while (!signal.aborted) {
      const item = this.queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            signal.removeEventListener('abort', done);
            this.wake = undefined;
            resolve();
          };
          this.wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
        continue;
      }
      const stages = [...this.stages.values()];
      if (item === END) {
        for (const stage of stages) await stage.onEnd();
        if (signal.aborted) return;
        if (!this.dest.destroyed) this.dest.end();
        this.ended = true;
        this.link.directionEnded();
        return;
      }
      this.queuedBytes -= item.data.length;
      await this.pass(stages, 0, item);
      if (this.paused && this.backlog() <= this.highWater / 2) {
        this.paused = false;
        if (!signal.aborted) this.source.resume();
      }
    }
  }

  private async pass(stages: ToxicStage[], index: number, chunk: Chunk): Promise<void> {
    if (this.link.signal.aborted) return;
    if (index < stages.length) return stages[index].onChunk(chunk, (c) => this.pass(stages, index + 1, c));
    await this.write(chunk.data);
  }

  private async write(data: Buffer): Promise<void> {
    if (!(await this.destReady)) return;
    const signal = this.link.signal;
    if (signal.aborted || this.dest.destroyed || this.dest.writableEnded) return;
    this.stats.bytesOut += data.length;
    if (this.dest.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.dest.off('drain', done);
        this.dest.off('close', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.dest.on('drain', done);
      this.dest.on('close', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
