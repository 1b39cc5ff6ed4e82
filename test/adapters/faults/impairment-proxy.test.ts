// Tests of the TCP impairment proxy (adapters/faults/impairment-proxy.ts) on loopback only: bytes
// pass unchanged, latency added within LATENCY_SLACK_MS, the bandwidth cap within
// BANDWIDTH_TOLERANCE, down/up refuse and accept connections, toxics change on open connections,
// timeline steps take effect at their times, close() closes every socket, bad input named.
// Faults for live-pusher.zh.md 状态码 1101 / 3002 / 3004 / 3005.
import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { startImpairmentProxy, type ImpairmentProxy } from '../../../adapters/faults/impairment-proxy.ts';
import { bytesPerSecond } from '../../../adapters/faults/toxics.ts';
import { bounded, closeAll, closed, connectTo, delay, echoTime, floodFor, median, rateBetween, startPeer, tryConnect } from './proxy-harness.ts';

/** Latency toxic under test, and how much more than it a loopback echo may take (scheduling on a
 *  loaded 2-core machine; loopback itself adds < 1 ms). */
const LATENCY_MS = 120;
const LATENCY_SLACK_MS = 40;
const PINGS = 7;
/** Bandwidth cap under test and how close the received rate must be (token bucket, 100 ms bursts;
 *  measured 0.983 to 0.994 of the cap in 10 runs at load average 10 on 2 cores). */
const CAP_KBPS = 800;
const BANDWIDTH_TOLERANCE = 0.05;
const FLOOD_MS = 2500;
/** The timeline test's cap is measured over under 1 s (about 9 bursts of 100 ms at 400 kbps): one
 *  burst delivered late by the loaded machine moves the figure by 5 %, so it gets 10 %. */
const SHORT_WINDOW_TOLERANCE = 0.1;
/** The first part of a flood is left out of the rate (initial burst, socket buffers filling). */
const WARMUP_MS = 500;
/** How late a timeline step may take effect: timer scheduling on this shared 2-core machine
 *  (56 ms measured once at load average 18; 50 ms was too tight under that load). */
const TIMELINE_SLACK_MS = 100;

const proxies: ImpairmentProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await closeAll();
});

async function proxyTo(port: number): Promise<ImpairmentProxy> {
  const proxy = await startImpairmentProxy({ listenHost: '127.0.0.1', upstream: { host: '127.0.0.1', port } });
  proxies.push(proxy);
  return proxy;
}

describe('impairment proxy', () => {
  it('passes bytes both ways unchanged and counts them per direction', async () => {
    const peer = await startPeer(true);
    const proxy = await proxyTo(peer.port);
    const client = await connectTo(proxy.port);
    const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) & 0xff));
    const echoed: Buffer[] = [];
    let got = 0;
    const done = bounded(
      new Promise<void>((resolve) => {
        client.on('data', (d: Buffer) => {
          echoed.push(d);
          got += d.length;
          if (got >= payload.length) resolve();
        });
      }),
      'echo of 200 kB',
    );
    client.write(payload);
    await done;
    expect(Buffer.concat(echoed).equals(payload)).toBe(true);
    const stats = proxy.stats();
    expect(stats.upstream).toEqual({ bytesIn: payload.length, bytesOut: payload.length });
    expect(stats.downstream).toEqual({ bytesIn: payload.length, bytesOut: payload.length });
    expect(stats.connections).toEqual({ open: 1, total: 1, upstreamFailures: 0 });
  });

  it(`adds ${LATENCY_MS} ms of latency (within ${LATENCY_SLACK_MS} ms), set and removed on an open connection`, async () => {
    const peer = await startPeer(true);
    const proxy = await proxyTo(peer.port);
    const client = await connectTo(proxy.port);
    const base: number[] = [];
    for (let i = 0; i < PINGS; i++) base.push(await echoTime(client));
    proxy.setToxic('lag', { type: 'latency', stream: 'upstream', latencyMs: LATENCY_MS });
    const lagged: number[] = [];
    for (let i = 0; i < PINGS; i++) lagged.push(await echoTime(client));
    proxy.setToxic('lag-down', { type: 'latency', stream: 'downstream', latencyMs: LATENCY_MS });
    const both: number[] = [];
    for (let i = 0; i < PINGS; i++) both.push(await echoTime(client));
    proxy.removeToxic('lag');
    proxy.removeToxic('lag-down');
    const after: number[] = [];
    for (let i = 0; i < PINGS; i++) after.push(await echoTime(client));
    const added = median(lagged) - median(base);
    expect(Math.min(...lagged)).toBeGreaterThanOrEqual(LATENCY_MS);
    expect(added).toBeLessThanOrEqual(LATENCY_MS + LATENCY_SLACK_MS);
    expect(Math.min(...both)).toBeGreaterThanOrEqual(2 * LATENCY_MS);
    expect(median(both) - median(base)).toBeLessThanOrEqual(2 * LATENCY_MS + LATENCY_SLACK_MS);
    expect(median(after)).toBeLessThan(LATENCY_SLACK_MS);
  });

  it('adds jitter: delays spread over latency ± jitter', async () => {
    const peer = await startPeer(true);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('jitter', { type: 'latency', stream: 'upstream', latencyMs: 100, jitterMs: 60 });
    const client = await connectTo(proxy.port);
    const times: number[] = [];
    for (let i = 0; i < 12; i++) times.push(await echoTime(client));
    const sorted = [...times].sort((a, b) => a - b);
    // never earlier than latency - jitter; the largest one may suffer a scheduling stall of the
    // loaded machine, so the upper bound holds for all but it
    expect(sorted[0]).toBeGreaterThanOrEqual(40);
    expect(sorted[sorted.length - 2]).toBeLessThanOrEqual(160 + LATENCY_SLACK_MS);
    // 12 uniform draws over 120 ms spread far more than 30 ms unless the jitter is ignored.
    expect(sorted[sorted.length - 2] - sorted[1]).toBeGreaterThan(30);
  });

  it(`caps bandwidth at ${CAP_KBPS} kbps within ${BANDWIDTH_TOLERANCE * 100} %, and lifts the cap on an open connection`, async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    proxy.setToxic('cap', { type: 'bandwidth', stream: 'upstream', kbps: CAP_KBPS });
    const client = await connectTo(proxy.port);
    const start = performance.now();
    await floodFor(client, FLOOD_MS);
    const capped = rateBetween(peer.arrivals, start + WARMUP_MS, start + FLOOD_MS);
    expect(Math.abs(capped / bytesPerSecond(CAP_KBPS) - 1)).toBeLessThanOrEqual(BANDWIDTH_TOLERANCE);
    // the proxy does not hoard: what it holds back stays near its high-water mark
    const held = proxy.stats().upstream.bytesIn - peer.received();
    expect(held).toBeLessThan(256 * 1024);
    proxy.setToxic('cap', { type: 'bandwidth', stream: 'upstream', kbps: CAP_KBPS * 4 });
    const raised = performance.now();
    await floodFor(client, 1500);
    const faster = rateBetween(peer.arrivals, raised + WARMUP_MS, raised + 1500);
    expect(Math.abs(faster / bytesPerSecond(CAP_KBPS * 4) - 1)).toBeLessThanOrEqual(BANDWIDTH_TOLERANCE);
  });

  it('down closes every connection and refuses new ones; up accepts again on the same port', async () => {
    const peer = await startPeer(true);
    const proxy = await proxyTo(peer.port);
    const client = await connectTo(proxy.port);
    await echoTime(client);
    const gone = closed(client);
    await proxy.down();
    await gone;
    expect(await tryConnect(proxy.port)).toBe('ECONNREFUSED');
    expect(proxy.stats().down).toBe(true);
    await proxy.up();
    const again = await connectTo(proxy.port);
    expect(await echoTime(again)).toBeLessThan(1000);
    expect(proxy.stats().connections.total).toBe(2);
    expect(proxy.history().map((e) => e.kind)).toEqual(['open', 'down', 'close', 'up', 'open']);
  });

  it('runs a timeline: each step takes effect at its time (bandwidth, down, up)', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    const client = await connectTo(proxy.port);
    const start = performance.now();
    const run = proxy.runTimeline([
      { apply: [{ op: 'set', name: 'cap', toxic: { type: 'bandwidth', stream: 'upstream', kbps: 400 } }], holdMs: 1500 },
      { apply: [{ op: 'remove', name: 'cap' }, { op: 'down' }], holdMs: 600 },
      { apply: [{ op: 'up' }] },
    ]);
    const gone = closed(client);
    await floodFor(client, 1400);
    const capped = rateBetween(peer.arrivals, start + WARMUP_MS, start + 1400);
    expect(Math.abs(capped / bytesPerSecond(400) - 1)).toBeLessThanOrEqual(SHORT_WINDOW_TOLERANCE);
    await gone;
    const closedAt = performance.now() - start;
    expect(closedAt).toBeGreaterThanOrEqual(1500);
    expect(closedAt).toBeLessThan(1500 + TIMELINE_SLACK_MS);
    expect(await tryConnect(proxy.port)).toBe('ECONNREFUSED');
    const result = await bounded(run, 'timeline');
    expect(result.aborted).toBe(false);
    expect(result.applied.map((s) => s.plannedMs)).toEqual([0, 1500, 2100]);
    for (const step of result.applied) {
      expect(step.appliedMs).toBeGreaterThanOrEqual(step.plannedMs);
      expect(step.appliedMs - step.plannedMs).toBeLessThan(TIMELINE_SLACK_MS);
    }
    expect(await tryConnect(proxy.port)).toBe('connected');
  });

  it('stops a timeline on abort, leaving later steps unapplied', async () => {
    const peer = await startPeer(false);
    const proxy = await proxyTo(peer.port);
    const abort = new AbortController();
    const run = proxy.runTimeline(
      [
        { apply: [{ op: 'set', name: 'lag', toxic: { type: 'latency', stream: 'upstream', latencyMs: 10 } }], holdMs: 5000 },
        { apply: [{ op: 'down' }] },
      ],
      abort.signal,
    );
    await delay(100);
    abort.abort();
    const result = await bounded(run, 'aborted timeline');
    expect(result.aborted).toBe(true);
    expect(result.applied).toHaveLength(1);
    expect(proxy.stats().down).toBe(false);
  });

  it('close() closes the listener and every open socket, and is idempotent', async () => {
    const peer = await startPeer(true);
    const proxy = await startImpairmentProxy({ upstream: { host: '127.0.0.1', port: peer.port } });
    const client = await connectTo(proxy.port);
    await echoTime(client);
    const gone = closed(client);
    const serverSide = closed(peer.accepted[0]);
    await proxy.close();
    await proxy.close();
    await gone;
    await serverSide;
    expect(await tryConnect(proxy.port)).toBe('ECONNREFUSED');
    expect(() => proxy.setToxic('x', { type: 'latency', stream: 'upstream', latencyMs: 1 })).toThrow(/after close/);
  });

  it('closes the client when the upstream server refuses, and counts it', async () => {
    const peer = await startPeer(true);
    const proxy = await proxyTo(peer.port);
    await closeAll(); // the upstream server is gone
    const client = await connectTo(proxy.port);
    await closed(client);
    expect(proxy.stats().connections).toEqual({ open: 0, total: 1, upstreamFailures: 1 });
  });

  it('rewrites an RTMP URL to point at the proxy', async () => {
    const proxy = await proxyTo(1935);
    expect(proxy.url('rtmp://127.0.0.1:1935/live/abc?txSecret=1')).toBe(`rtmp://127.0.0.1:${proxy.port}/live/abc?txSecret=1`);
    expect(proxy.url('rtmp://example.com/live/x')).toBe(`rtmp://127.0.0.1:${proxy.port}/live/x`);
    expect(() => proxy.url('not a url')).toThrow(/not a URL/);
  });

  it('names the toxic, key, value and what is legal on bad input', async () => {
    const proxy = await proxyTo(1935);
    const bad = (toxic: unknown): void => proxy.setToxic('t', toxic as never);
    expect(() => bad({ type: 'bandwidth', stream: 'upstream', kbps: 0 })).toThrow('toxic "t": kbps 0 is not legal; expected a number from 1 to 10000000');
    expect(() => bad({ type: 'latency', latencyMs: 5 })).toThrow(/stream undefined is not legal; expected upstream/);
    expect(() => bad({ type: 'latency', stream: 'upstream', latencyMs: 5, jitterMs: 9 })).toThrow(/jitterMs 9 is not legal; expected a number from 0 to 5/);
    expect(() => bad({ type: 'lag', stream: 'upstream' })).toThrow(/type "lag" is not legal; expected one of latency, bandwidth/);
    expect(() => bad({ type: 'latency', stream: 'upstream', latency: 5 })).toThrow(/unknown key "latency"/);
    expect(() => bad({ type: 'slicer', stream: 'downstream' })).toThrow(/slicer needs averageSize/);
    expect(() => proxy.removeToxic('nope')).toThrow(/no toxic named "nope"; set: none/);
    await expect(proxy.runTimeline([{ apply: [{ op: 'remove', name: 'cap' }] }])).rejects.toThrow(/timeline step 0: remove "cap": no toxic of that name/);
    await expect(proxy.runTimeline([{ apply: [{ op: 'pause' } as never] }])).rejects.toThrow(/op "pause" is not legal/);
    await expect(startImpairmentProxy({ upstream: { host: '127.0.0.1', port: 70000 } })).rejects.toThrow(/upstream.port 70000 is not legal/);
  });
});
