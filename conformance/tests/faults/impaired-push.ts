// A push through the impairment proxy (adapters/faults/impairment-proxy.ts): the IUT is given the
// proxy's address instead of the server's, the observer reads the stream straight from the
// server, and a timeline of impairments runs while it reads. The truth the fault checks judge
// against is what the proxy was set to do and when it took effect (the timeline's record, wall
// clock), what reached the server (packets with their arrival times) and when the bench received
// each event. Also the evidence every fault check attaches: the event log, the proxy's history
// and a bitrate-over-time CSV.
// Spec: live-pusher.zh.md 状态码 (1006, 1101, 1102, -1307, 3002-3005), 网络状态数据（info）.
import { readFileSync } from 'node:fs';
import { startImpairmentProxy, type ImpairmentProxy, type TimelineRun, type TimelineStep } from '../../../adapters/faults/impairment-proxy.ts';
import { lineChartSvg } from '../../../reports/svg-chart.ts';
import type { CheckContext } from '../../check.ts';
import type { IutEvent } from '../../iut-client.ts';
import { watchFrameSizes, type FrameSize, type FrameSizeWatch } from '../../oracles/frame-sizes.ts';
import { observeStream, type Observation } from '../../oracles/observe.ts';
import type { MediaKind, Packet } from '../../oracles/packets.ts';
import { expectPublish, PUBLISH_TIMEOUT_MS } from '../support/scenario.ts';

/** The observer keeps reading this long after the timeline's last step (the queue drains). */
const OBSERVE_TAIL_MS = 1500;
/** The observer waits this long for the first bytes; a stall under the harshest cap is shorter. */
const OBSERVER_START_TIMEOUT_MS = 10_000;
const BITS_PER_BYTE = 8;
/** The proxy's own queue per direction: small, so that a cap reaches the pusher's socket soon
 *  (a bottleneck's buffer; the proxy's socket receive buffer adds ~100 KB on loopback). */
const PROXY_QUEUE_BYTES = 16 * 1024;
/** The events the evidence keeps (not per-frame ones such as audio volume). */
const EVIDENCE_EVENTS = new Set(['statechange', 'netstatus', 'error']);
/** Width of a row of the bitrate chart. */
export const CHART_STEP_MS = 1000;

/** How often the backlog at the pusher's socket is sampled. */
const BACKLOG_SAMPLE_MS = 100;
const PROC_TCP = ['/proc/net/tcp', '/proc/net/tcp6'];
const TCP_ESTABLISHED = '01';

/** A sample of the bytes the kernel holds unsent in the connections to the proxy (the pusher's end). */
export interface BacklogSample {
  at: number;
  bytes: number;
}

/**
 * The kernel's send queue (tx_queue of /proc/net/tcp) summed over the established connections
 * whose remote port is the proxy's: the pusher's end of the uplink. Read by the bench from the
 * machine, not asked of the IUT: it says when a cap's backlog has filled the proxy's buffers and
 * reached the pusher, the moment congestion becomes visible to any sender. Null where /proc is
 * not readable (not Linux).
 */
export function uplinkBacklog(proxyPort: number): number | null {
  const port = proxyPort.toString(16).toUpperCase().padStart(4, '0');
  let total = 0;
  let readable = false;
  for (const path of PROC_TCP) {
    let table: string;
    try {
      table = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    readable = true;
    for (const line of table.split('\n')) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 5 || cols[3] !== TCP_ESTABLISHED || !cols[2]!.toUpperCase().endsWith(`:${port}`)) continue;
      total += Number.parseInt(cols[4]!.split(':')[0] ?? '0', 16) || 0;
    }
  }
  return readable ? total : null;
}

/** The first sample in [from, to) at or above `bytes`: when the uplink's backlog reached the pusher. */
export function backlogReached(samples: readonly BacklogSample[], bytes: number, from: number, to: number): number | undefined {
  return samples.find((s) => s.at >= from && s.at < to && s.bytes >= bytes)?.at;
}

export interface ImpairedPush {
  /** The pusher-side backlog of the uplink over time (uplinkBacklog), empty where not readable. */
  backlog: BacklogSample[];
  observation: Observation;
  run: TimelineRun;
  /** Wall time start() was called and the server saw the publish. */
  startedAt: number;
  publishedAt: number;
  events: IutEvent[];
  proxyHistory: ReturnType<ImpairmentProxy['history']>;
  /** The size of every keyframe decoded at the server (frame-sizes.ts; a size changes only at a
   *  keyframe), when asked for; else empty. */
  sizes: FrameSize[];
}

export interface ImpairedPushOptions {
  /** Also decode the stream's keyframes at the server and keep their sizes (a resolution that changes). */
  sizes?: boolean;
}

/** Starts a proxy in front of the check's server; the caller closes it. */
export async function proxyFor(ctx: CheckContext): Promise<ImpairmentProxy> {
  const server = new URL(ctx.streamUrl);
  return startImpairmentProxy({
    upstream: { host: server.hostname.replace(/^\[|\]$/g, ''), port: Number(server.port || 1935) },
    queueHighWaterBytes: PROXY_QUEUE_BYTES,
  });
}

/** Timeline length: the sum of the steps' holds. */
export function timelineMs(steps: readonly TimelineStep[]): number {
  return steps.reduce((a, s) => a + (s.holdMs ?? 0), 0);
}

/** Creates the IUT with `attrs` through the proxy, starts it, and once the server sees the
 *  publish reads the stream while `steps` run on the proxy. */
export async function impairedPush(ctx: CheckContext, attrs: Record<string, unknown>, steps: readonly TimelineStep[], opts: ImpairedPushOptions = {}): Promise<ImpairedPush> {
  const proxy = await proxyFor(ctx);
  let sizeWatch: FrameSizeWatch | undefined;
  try {
    await ctx.iut.create({ url: proxy.url(ctx.streamUrl), ...attrs }, ctx.rig);
    const startedAt = Date.now();
    const published = expectPublish(ctx, PUBLISH_TIMEOUT_MS);
    await ctx.iut.call('start');
    await published;
    const publishedAt = Date.now();
    if (opts.sizes) sizeWatch = await watchFrameSizes(ctx.streamUrl, { keyframesOnly: true });
    const observing = observeStream(ctx.streamUrl, {
      durationMs: timelineMs(steps) + OBSERVE_TAIL_MS,
      startTimeoutMs: OBSERVER_START_TIMEOUT_MS,
      frames: false,
      audio: false,
      workDir: ctx.workDir,
    });
    const backlog: BacklogSample[] = [];
    const sampler = setInterval(() => {
      const bytes = uplinkBacklog(proxy.port);
      if (bytes !== null) backlog.push({ at: Date.now(), bytes });
    }, BACKLOG_SAMPLE_MS);
    try {
      const [observation, run] = await Promise.all([observing, proxy.runTimeline(steps)]);
      const sizes = sizeWatch ? await sizeWatch.stop() : [];
      sizeWatch = undefined;
      return { backlog, observation, run, startedAt, publishedAt, events: [...ctx.iut.events()], proxyHistory: proxy.history(), sizes };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await sizeWatch?.stop();
    await proxy.close();
  }
}

/** Wall time step `index` of the timeline took effect. */
export function stepAt(run: TimelineRun, index: number): number {
  const step = run.applied[index];
  if (!step) throw new Error(`the timeline has no applied step #${index} (applied: ${run.applied.length}${run.aborted ? ', aborted' : ''})`);
  return step.appliedAtWall;
}

/** Status codes with the wall time the bench received them. */
export function codesWithTimes(events: readonly IutEvent[]): { code: number; at: number; message: string }[] {
  return events
    .filter((e) => e.event === 'statechange')
    .map((e) => {
      const d = e.detail as { code?: unknown; message?: unknown };
      return { code: Number(d.code), at: e.receivedAt, message: String(d.message ?? '') };
    });
}

/** Packets of `kind` whose bytes reached the server in [from, to) (wall clock). */
export function arrivedBetween(packets: readonly Packet[], kind: MediaKind, from: number, to: number): Packet[] {
  return packets.filter((p) => p.stream === kind && p.arrivedAtMs !== undefined && p.arrivedAtMs >= from && p.arrivedAtMs < to);
}

/**
 * The bitrate the encoder produced, from packets that reached the server: their bytes over their
 * count times the median timestamp step (the frame interval). Frames a pusher drops on a link
 * that cannot carry them leave gaps in the timestamps, not thinner frames, so this reads the
 * encoder's rate whether or not frames were dropped. Null with fewer than 3 packets.
 */
export function encodedKbps(packets: readonly Packet[]): number | null {
  if (packets.length < 3) return null;
  const dts = packets.map((p) => p.dtsMs).sort((a, b) => a - b);
  const steps = dts
    .slice(1)
    .map((t, i) => t - dts[i]!)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  const step = steps[Math.floor(steps.length / 2)];
  if (!step) return null;
  const bytes = packets.reduce((a, p) => a + p.size, 0);
  return (bytes * BITS_PER_BYTE) / (packets.length * step);
}

/** Kbps that reached the server in [from, to) (wall clock), all streams. */
export function arrivedKbps(packets: readonly Packet[], from: number, to: number): number {
  const bytes = packets.filter((p) => p.arrivedAtMs !== undefined && p.arrivedAtMs >= from && p.arrivedAtMs < to).reduce((a, p) => a + p.size, 0);
  return (bytes * BITS_PER_BYTE) / Math.max(1, to - from);
}

/** netstatus reports with the wall time the bench received them. */
export function netstatusReports(events: readonly IutEvent[]): { at: number; info: Record<string, number> }[] {
  return events
    .filter((e) => e.event === 'netstatus')
    .map((e) => ({ at: e.receivedAt, info: ((e.detail as { info?: Record<string, number> })?.info ?? {}) as Record<string, number> }));
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * The bitrate-over-time chart as CSV, one row per CHART_STEP_MS from the timeline's start:
 * what reached the server (all streams), the video bitrate the encoder produced (packets that
 * arrived in the row), the cap the proxy was set to (from `capAt`), and the codes received.
 */
interface BitrateRow {
  tS: number;
  arrivedKbps: number;
  encodedKbps: number | null;
  proxy: string;
  codes: number[];
}

/** The bitrate at the reader per CHART_STEP_MS from the timeline's start, with the proxy's state and the codes of each step. */
function bitrateRows(p: ImpairedPush, capAt: (wall: number) => string): BitrateRow[] {
  const start = p.run.startedAtWall;
  const end = Math.max(start, ...p.observation.packets.map((x) => x.arrivedAtMs ?? start));
  const codes = codesWithTimes(p.events);
  const rows: BitrateRow[] = [];
  for (let t = start; t < end; t += CHART_STEP_MS) {
    const video = arrivedBetween(p.observation.packets, 'video', t, t + CHART_STEP_MS);
    rows.push({
      tS: (t - start) / 1000,
      arrivedKbps: arrivedKbps(p.observation.packets, t, t + CHART_STEP_MS),
      encodedKbps: encodedKbps(video),
      proxy: capAt(t),
      codes: codes.filter((c) => c.at >= t && c.at < t + CHART_STEP_MS).map((c) => c.code),
    });
  }
  return rows;
}

export function bitrateCsv(p: ImpairedPush, capAt: (wall: number) => string): string {
  const rows = bitrateRows(p, capAt).map((r) => [r.tS.toFixed(1), r.arrivedKbps.toFixed(0), r.encodedKbps === null ? '' : r.encodedKbps.toFixed(0), r.proxy, r.codes.join(' ')].join(','));
  return ['t_s,arrived_kbps,encoded_video_kbps,proxy,codes', ...rows].join('\n') + '\n';
}

/** The same rows as a chart: bytes arriving and the encoded video bitrate, each status code marked at its step. */
export function bitrateChart(p: ImpairedPush, capAt: (wall: number) => string): string {
  const rows = bitrateRows(p, capAt);
  return lineChartSvg({
    title: 'bitrate at the reader over the impairment timeline',
    xLabel: 's from the timeline start',
    yLabel: 'kbps',
    series: [
      { name: 'arrived (all)', points: rows.map((r) => [r.tS, r.arrivedKbps] as const) },
      { name: 'encoded video', points: rows.map((r) => [r.tS, r.encodedKbps ?? Number.NaN] as const) },
    ],
    marks: rows.flatMap((r) => r.codes.map((code) => ({ x: r.tS, label: String(code) }))),
  });
}

/** Attaches the event log (times relative to the timeline's start), the proxy's history and the chart. */
export async function attachImpairedEvidence(ctx: CheckContext, p: ImpairedPush, capAt: (wall: number) => string): Promise<void> {
  const rel = (t: number) => t - p.run.startedAtWall;
  await ctx.attach(
    'status codes and netstatus (ms after the impairment timeline started)',
    'application/json',
    JSON.stringify(
      p.events.filter((e) => EVIDENCE_EVENTS.has(e.event)).map((e) => ({ at: rel(e.receivedAt), event: e.event, detail: e.detail })),
      null,
      2,
    ),
  );
  await ctx.attach(
    'impairment timeline as applied (ms after its start)',
    'application/json',
    JSON.stringify({ applied: p.run.applied.map((a) => ({ step: a.index, plannedMs: a.plannedMs, appliedMs: a.appliedMs, apply: a.apply })), history: p.proxyHistory.map((h) => ({ ...h, at: rel(h.at) })) }, null, 2),
  );
  await ctx.attach('bitrate over time (1 s rows from the timeline start)', 'text/csv', bitrateCsv(p, capAt));
  await ctx.attach('bitrate over time (chart, status codes marked)', 'image/svg+xml', bitrateChart(p, capAt));
}
