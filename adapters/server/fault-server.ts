// The scriptable RTMP fault server (docs/architecture.md "How to add a fault"): listens on a free loopback
// port and meets every connection with the same FaultScript, so the pusher under test's status
// codes 3003 (handshake failure), 3004 (server closed the connection) and 3005 (read/write
// failure) can be provoked on purpose (live-pusher.zh.md 状态码; context-api.md "Status codes").
// A client that reconnects meets the fault again; stats.connections counts the attempts and
// attempts() lists each with when it opened, published and closed (the truth reconnect checks
// judge: 1102 网络断连, 已启动自动重连 and -1307 must match real connection attempts). For
// `busy-name` it remembers which connection publishes each stream name (3004, the stream name
// already in use).
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';
import { FaultConnection, type FaultSink, type WireOptions } from './fault-connection.ts';
import { validateFaultScript, type FaultScript } from './fault-script.ts';

export type { FaultScript, FaultKind } from './fault-script.ts';
export { EXPECTED_STATUS_CODE } from './fault-script.ts';
export type { WireOptions } from './fault-connection.ts';

export interface FaultServerEvents {
  connection: [];
  /** A connection's socket closed (either side): its attempt record, closedAt set. */
  'connection-close': [attempt: ConnectionAttempt];
  handshake: [];
  /** Every message a client sent after its handshake, as read. */
  message: [msg: RtmpMessage];
  connect: [app: string];
  publish: [streamName: string];
  media: [kind: 'audio' | 'video', bytes: number];
  /** A fault was injected: the script kind that did it. */
  fault: [what: string];
  /** A client sent malformed RTMP (or exceeded a limit); its connection was closed. */
  'protocol-error': [message: string];
}

/** One TCP connection as the server saw it (wall-clock ms since the epoch). */
export interface ConnectionAttempt {
  /** 1-based, in the order the connections were accepted. */
  index: number;
  openedAt: number;
  /** When the client's publish command arrived, if it did. */
  publishedAt?: number;
  /** When the server injected its fault on this connection, if it did. */
  faultAt?: number;
  /** When the socket closed (either side), if it has. */
  closedAt?: number;
}

export interface FaultServerStats {
  connections: number;
  publishes: number;
  mediaBytes: number;
  faultsInjected: number;
}

export interface FaultServerOptions {
  /** Loopback address to listen on: 127.0.0.1 (default) or ::1. */
  host?: string;
  /** How the server speaks on the wire (chunk size, window, extra messages after publish). */
  wire?: WireOptions;
}

const DEFAULT_HOST = '127.0.0.1';
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set([DEFAULT_HOST, '::1']);
/** Any free port. */
const EPHEMERAL_PORT = 0;
/** Concurrent connections accepted; more are refused by the OS backlog / closed at once. */
const MAX_CONNECTIONS = 64;

export class FaultServer extends EventEmitter<FaultServerEvents> {
  readonly port: number;
  readonly host: string;
  readonly script: FaultScript;
  private readonly wire: WireOptions;
  readonly stats: FaultServerStats = { connections: 0, publishes: 0, mediaBytes: 0, faultsInjected: 0 };
  private readonly server: Server;
  private readonly open = new Set<FaultConnection>();
  private readonly log: ConnectionAttempt[] = [];
  /** busy-name: which connection publishes each stream name, and when it closed. */
  private readonly names = new Map<string, { attempt: ConnectionAttempt }>();
  private closed: Promise<void> | undefined;

  private constructor(server: Server, script: FaultScript, host: string, port: number, wire: WireOptions) {
    super();
    this.server = server;
    this.script = script;
    this.wire = wire;
    this.host = host;
    this.port = port;
    server.on('connection', (socket) => this.onConnection(socket));
  }

  /** Listens on a free port of a loopback address. Rejects on a bad script or a non-loopback host. */
  static async start(script: FaultScript, opts: FaultServerOptions = {}): Promise<FaultServer> {
    validateFaultScript(script);
    const host = opts.host ?? DEFAULT_HOST;
    if (!LOOPBACK_HOSTS.has(host)) throw new RangeError(`fault server listens on loopback only (${[...LOOPBACK_HOSTS].join(', ')}), not ${host}`);
    const server = createServer();
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(EPHEMERAL_PORT, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') {
      await new Promise((resolve) => server.close(resolve));
      throw new Error(`fault server: unexpected listen address ${String(address)}`);
    }
    return new FaultServer(server, script, host, address.port, opts.wire ?? {});
  }

  /** rtmp://HOST:PORT/app/stream */
  url(app: string, stream: string): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `rtmp://${host}:${this.port}/${app}/${stream}`;
  }

  /** Every connection so far, oldest first (copies: later changes do not show in them). */
  attempts(): ConnectionAttempt[] {
    return this.log.map((a) => ({ ...a }));
  }

  /** Sockets currently open (0 after close()). */
  get openConnections(): number {
    return this.open.size;
  }

  /** The OS-level count of open connections (node's server.getConnections). */
  getConnections(): Promise<number> {
    return new Promise((resolve, reject) => this.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  }

  /** Ends (FIN) or resets (RST) every open connection now, whatever the script. */
  dropConnections(how: 'end' | 'reset'): void {
    for (const c of this.open) c.drop(how);
  }

  /** Stops listening, destroys every open socket and clears every timer. Idempotent. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const c of this.open) c.destroy();
      this.open.clear();
    });
    return this.closed;
  }

  private onConnection(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.stats.connections++;
    const attempt: ConnectionAttempt = { index: this.stats.connections, openedAt: Date.now() };
    this.log.push(attempt);
    const connection = new FaultConnection(socket, this.script, this.sinkFor(attempt), this.wire);
    this.open.add(connection);
    socket.once('close', () => {
      this.open.delete(connection);
      attempt.closedAt = Date.now();
      this.emit('connection-close', { ...attempt });
    });
    this.emit('connection');
  }

  /** The shared sink, stamping this connection's publish and fault times on its record. */
  private sinkFor(attempt: ConnectionAttempt): FaultSink {
    return {
      ...this.sink,
      publish: (streamName) => {
        attempt.publishedAt ??= Date.now();
        this.sink.publish(streamName);
      },
      fault: (what) => {
        attempt.faultAt ??= Date.now();
        this.sink.fault(what);
      },
      claim: (streamName, holdMs) => {
        const holder = this.names.get(streamName)?.attempt;
        const busy = holder !== undefined && holder !== attempt && (holder.closedAt === undefined || Date.now() - holder.closedAt < holdMs);
        if (busy) return false;
        this.names.set(streamName, { attempt });
        return true;
      },
    };
  }

  private readonly sink: Omit<FaultSink, 'claim'> = {
    handshake: () => this.emit('handshake'),
    message: (msg) => this.emit('message', msg),
    connect: (app) => this.emit('connect', app),
    publish: (streamName) => {
      this.stats.publishes++;
      this.emit('publish', streamName);
    },
    media: (kind, bytes) => {
      this.stats.mediaBytes += bytes;
      this.emit('media', kind, bytes);
    },
    fault: (what) => {
      this.stats.faultsInjected++;
      this.emit('fault', what);
    },
    protocolError: (message) => this.emit('protocol-error', message),
  };
}
