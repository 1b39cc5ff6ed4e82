// Tests of the impairment proxy's other toxics (adapters/faults/toxic-stages.ts) on loopback:
// reset_peer really resets (ECONNRESET at both peers), limit_data closes after exactly N bytes,
// timeout 0 holds data until removed and timeout > 0 drops it and closes on time, slicer cuts
// into pieces of the stated sizes and spacing, slow_close delays the FIN, toxicity 0 never
// applies. Faults for live-pusher.zh.md 状态码 3004 (服务器主动断开) / 3005 (读/写失败).
import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { startImpairmentProxy, type ImpairmentProxy } from '../../../adapters/faults/impairment-proxy.ts';
import { bounded, closeAll, closed, connectTo, delay, echoTime, startPeer } from './proxy-harness.ts';

/** How late a timed toxic may act: timer scheduling on this shared, loaded 2-core machine. */
const TIMING_SLACK_MS = 100;

const proxies: ImpairmentProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await closeAll();
});

async function proxyTo(port: number): Promise<ImpairmentProxy> {
  const proxy = await startImpairmentProxy({ upstream: { host: '127.0.0.1', port } });
  proxies.push(proxy);
  return proxy;
}

/** The server side of the proxy's upstream connection, once it exists. */
async function serverSide(peer: { accepted: Socket[] }): Promise<Socket> {
  for (let i = 0; i < 100 && peer.accepted.length === 0; i++) await delay(10);
  if (peer.accepted.length === 0) throw new Error('the proxy never connected upstream');
  return peer.accepted[0];
}

function ended(socket: Socket): Promise<number> {
  return bounded(new Promise((resolve) => socket.once('end', () => resolve(performance.now()))), 'FIN');
}

describe('impairment proxy toxics', () => {
  it('reset_peer resets both peers (ECONNRESET) after its timeout', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('rst', { type: 'reset_peer', stream: 'upstream', timeoutMs: 200 });
    const client = await connectTo(proxy.port);
    const server = await serverSide(peer);
    const clientClosed = closed(client);
    const serverClosed = closed(server);
    const start = performance.now();
    client.write(Buffer.alloc(100));
    expect((await clientClosed).code).toBe('ECONNRESET');
    const took = performance.now() - start;
    expect((await serverClosed).code).toBe('ECONNRESET');
    expect(took).toBeGreaterThanOrEqual(200);
    expect(took).toBeLessThan(200 + TIMING_SLACK_MS);
    expect(peer.received()).toBe(0); // the chunk that armed it is dropped
  });

  it('a server RST is passed on to the client as an RST', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    const client = await connectTo(proxy.port);
    const server = await serverSide(peer);
    const clientClosed = closed(client);
    server.resetAndDestroy();
    expect((await clientClosed).code).toBe('ECONNRESET');
  });

  it('limit_data passes exactly N bytes, then closes both sides with a FIN', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('limit', { type: 'limit_data', stream: 'upstream', bytes: 10_000 });
    const client = await connectTo(proxy.port);
    const server = await serverSide(peer);
    const clientEnd = ended(client);
    const serverEnd = ended(server);
    client.write(Buffer.alloc(50_000, 1));
    await clientEnd;
    await serverEnd;
    expect(peer.received()).toBe(10_000);
    expect((await closed(client)).code).toBeUndefined();
  });

  it('timeout 0 holds the data (nothing passes) until the toxic is removed, then it all flows', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('hole', { type: 'timeout', stream: 'upstream', timeoutMs: 0 });
    const client = await connectTo(proxy.port);
    client.write(Buffer.alloc(5000, 2));
    await delay(300);
    expect(peer.received()).toBe(0);
    expect(proxy.stats().upstream.bytesIn).toBe(5000);
    proxy.removeToxic('hole');
    for (let i = 0; i < 100 && peer.received() < 5000; i++) await delay(10);
    expect(peer.received()).toBe(5000);
  });

  it('timeout > 0 drops the data and closes the connection that long after the toxic attached', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    const client = await connectTo(proxy.port);
    await serverSide(peer);
    const clientEnd = ended(client);
    const start = performance.now();
    proxy.setToxic('hole', { type: 'timeout', stream: 'upstream', timeoutMs: 300 });
    client.write(Buffer.alloc(5000, 3));
    const at = (await clientEnd) - start;
    expect(at).toBeGreaterThanOrEqual(300);
    expect(at).toBeLessThan(300 + TIMING_SLACK_MS);
    expect(peer.received()).toBe(0);
  });

  it('slicer cuts data into pieces of averageSize ± sizeVariation, delayUs apart', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('slice', { type: 'slicer', stream: 'upstream', averageSize: 100, sizeVariation: 20, delayUs: 20_000 });
    const client = await connectTo(proxy.port);
    client.write(Buffer.alloc(1000, 4));
    for (let i = 0; i < 200 && peer.received() < 1000; i++) await delay(10);
    expect(peer.received()).toBe(1000);
    const sizes = peer.arrivals.map((a, i) => a.total - (i > 0 ? peer.arrivals[i - 1].total : 0));
    // 20 ms between pieces: each arrives on its own, all but the last in [80, 120]
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(80);
      expect(size).toBeLessThanOrEqual(120);
    }
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(1000 / 120));
    const span = peer.arrivals[peer.arrivals.length - 1].t - peer.arrivals[0].t;
    expect(span).toBeGreaterThanOrEqual((sizes.length - 1) * 20 - 1);
  });

  it('slow_close delays the FIN by delayMs', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('slow', { type: 'slow_close', stream: 'upstream', delayMs: 300 });
    const client = await connectTo(proxy.port);
    const server = await serverSide(peer);
    const serverEnd = ended(server);
    const start = performance.now();
    client.end(Buffer.alloc(10));
    const at = (await serverEnd) - start;
    expect(at).toBeGreaterThanOrEqual(300);
    expect(at).toBeLessThan(300 + TIMING_SLACK_MS);
    expect(peer.received()).toBe(10);
  });

  it('without toxics a FIN passes at once both ways and the connection is gone from stats', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    const client = await connectTo(proxy.port);
    const server = await serverSide(peer);
    const serverEnd = ended(server);
    const start = performance.now();
    client.end();
    expect((await serverEnd) - start).toBeLessThan(TIMING_SLACK_MS);
    server.end();
    await closed(client);
    for (let i = 0; i < 100 && proxy.stats().connections.open > 0; i++) await delay(10);
    expect(proxy.stats().connections.open).toBe(0);
    expect(proxy.history().at(-1)).toMatchObject({ kind: 'close', connection: 1 });
  });

  it('toxicity 0 never applies the toxic; toxicity 1 always does', async () => {
    const peer = await startPeer(true);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('never', { type: 'latency', stream: 'upstream', latencyMs: 500, toxicity: 0 });
    const a = await connectTo(proxy.port);
    expect(await echoTime(a)).toBeLessThan(TIMING_SLACK_MS);
    proxy.setToxic('never', { type: 'latency', stream: 'upstream', latencyMs: 200, toxicity: 1 });
    expect(await echoTime(a)).toBeGreaterThanOrEqual(200);
  });

  it('moving a toxic to the other direction detaches it from the first', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('hole', { type: 'timeout', stream: 'upstream', timeoutMs: 0 });
    const client = await connectTo(proxy.port);
    client.write(Buffer.alloc(100));
    await delay(100);
    expect(peer.received()).toBe(0);
    proxy.setToxic('hole', { type: 'timeout', stream: 'downstream', timeoutMs: 0 });
    for (let i = 0; i < 100 && peer.received() < 100; i++) await delay(10);
    expect(peer.received()).toBe(100);
  });
});
