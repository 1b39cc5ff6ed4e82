// Loopback peers for the impairment proxy's tests (adapters/faults/impairment-proxy.ts): an echo
// server, a sink that records when each byte arrived, a source that writes as fast as the proxy
// lets it, and bounded waits. Everything a test opens is closed by closeAll().
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Guard for waits (infrastructure, not an assertion on speed). */
export const WAIT_TIMEOUT_MS = 10_000;

const servers: Server[] = [];
const sockets: Socket[] = [];

export async function closeAll(): Promise<void> {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}

export interface Peer {
  port: number;
  /** Server-side sockets accepted so far. */
  accepted: Socket[];
  /** Arrival log of bytes received by the server (performance.now() ms, cumulative bytes). */
  arrivals: Array<{ t: number; total: number }>;
  received(): number;
}

/** A loopback server: echoes what it reads when `echo`, else just counts it. */
export async function startPeer(echo: boolean): Promise<Peer> {
  let total = 0;
  const peer: Peer = { port: 0, accepted: [], arrivals: [], received: () => total };
  const server = createServer((socket) => {
    sockets.push(socket);
    peer.accepted.push(socket);
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      total += data.length;
      peer.arrivals.push({ t: performance.now(), total });
      if (echo) socket.write(data);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.port = (server.address() as { port: number }).port;
  return peer;
}

export function connectTo(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    sockets.push(socket);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves with the error code of a failed connect, or 'connected'. */
export function tryConnect(port: number): Promise<string> {
  return connectTo(port).then(
    (s) => {
      s.destroy();
      return 'connected';
    },
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
}

/** Sends `bytes` and resolves with the ms until the echo of all of them came back. */
export function echoTime(socket: Socket, bytes = 16): Promise<number> {
  return bounded(
    new Promise((resolve) => {
      let got = 0;
      const start = performance.now();
      const onData = (data: Buffer): void => {
        got += data.length;
        if (got >= bytes) {
          socket.off('data', onData);
          resolve(performance.now() - start);
        }
      };
      socket.on('data', onData);
      socket.write(Buffer.alloc(bytes, 0x61));
    }),
    'echo',
  );
}

/** Writes as fast as the socket drains for `ms` (bounded), 16 KiB at a time. */
export async function floodFor(socket: Socket, ms: number): Promise<number> {
  const block = Buffer.alloc(16 * 1024, 0x62);
  const end = performance.now() + ms;
  let written = 0;
  while (performance.now() < end && !socket.destroyed) {
    written += block.length;
    if (!socket.write(block)) {
      await Promise.race([
        new Promise((r) => socket.once('drain', r)),
        new Promise((r) => setTimeout(r, Math.max(1, end - performance.now()))),
      ]);
    }
  }
  return written;
}

/** Resolves when the socket closes, with whether it saw an error and its code. */
export function closed(socket: Socket): Promise<{ code: string | undefined }> {
  let code: string | undefined;
  socket.on('error', (err: NodeJS.ErrnoException) => {
    code = err.code;
  });
  if (socket.destroyed) return Promise.resolve({ code });
  return bounded(new Promise((resolve) => socket.once('close', () => resolve({ code }))), 'close');
}

export function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_TIMEOUT_MS} ms waiting for ${what}`)), WAIT_TIMEOUT_MS);
    }),
  ]);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Bytes/s received over [from, to], from a peer's arrival log: the bytes that arrived after the
 *  first arrival in the window up to the last one, over the time between those two arrivals (a
 *  capped stream arrives in bursts; measuring between arrivals leaves out the partial bursts at
 *  the window's edges). */
export function rateBetween(arrivals: Peer['arrivals'], from: number, to: number): number {
  const inside = arrivals.filter((a) => a.t >= from && a.t <= to);
  if (inside.length < 2) return 0;
  const first = inside[0];
  const last = inside[inside.length - 1];
  return ((last.total - first.total) * 1000) / (last.t - first.t);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
