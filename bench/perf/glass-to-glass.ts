// Glass-to-glass latency with the serial marker (issue 11 "Serial lab gear" (b)): the bench sends
// `MARK n` to a marker (adapters/serial/line-protocol.ts; here the simulated one on a socat pty
// pair) and takes the middle of the round trip as when it lit; the "glass" is the camera picture
// the pusher captures, whose marker patch the simulated marker lights on odd marks and darkens on
// even ones (adapters/lab/marker-camera.ts). The far end is the stream read back from the
// embedded server: every frame is decoded, and a mark's latency is from its lighting to the
// arrival at the reader of the first frame showing it. Measured through the reference pusher
// (the IUT's whole capture -> encode -> RTMP path) and, as the baseline in the same run, through
// a plain ffmpeg that publishes the same camera without re-encoding (the bench's own share: the
// camera's encoder, the server, the reader). What the pusher adds is the difference.
import { startMarkerCamera, markerLit } from '../../adapters/lab/marker-camera.ts';
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { SupervisedProcess } from '../../adapters/process/supervised.ts';
import { hardwareBinding, SerialGear } from '../../adapters/serial/serial-gear.ts';
import { startSimulatedGear } from '../../adapters/serial/socat-pair.ts';
import { observeStream } from '../../conformance/oracles/observe.ts';
import { startConformanceServer, type ConformanceServer } from '../../conformance/server.ts';
import { LivePusher } from '../../reference-pusher/live-pusher.ts';
import { loadRig } from '../../rig/load.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NAME = 'glass-to-glass';
export const DESCRIPTION = 'serial marker lit -> the change in the stream read back from the server (simulated marker drawn into the camera picture): reference pusher vs a plain ffmpeg copy of the same camera';

/** Marks per path, one every MARK_EVERY_MS plus up to MARK_JITTER_MS (not phase-locked to the frames). */
export const MARKS = 10;
const MARK_EVERY_MS = 600;
const MARK_JITTER_MS = 100;
/** The picture settles this long after the publish before the first mark. */
const SETTLE_MS = 1_500;
/** The stream is read this long after the last mark. */
const TAIL_MS = 2_500;
const PUBLISH_TIMEOUT_MS = 15_000;
/** Decoded frames are scaled to this width (the marker patch stays large). */
const DECODE_WIDTH = 180;

export interface PathLatency {
  path: string;
  marks: number;
  /** Latency of each mark seen, ms, in mark order (null: never seen). */
  latenciesMs: (number | null)[];
  minMs: number | null;
  medianMs: number | null;
  maxMs: number | null;
}

export interface GlassToGlassResult {
  baseline: PathLatency;
  pusher: PathLatency;
  /** pusher median / baseline median. */
  ratio: number | null;
}

interface Mark {
  lit: boolean;
  litAtMs: number;
}

/**
 * Each mark's latency. Frames arrive in order, so the k-th change of the marker's state seen at
 * the reader (from dark) is mark k; its latency is from the mark's lighting to the arrival of the
 * first frame showing it. A change seen before its mark was sent (negative) means the marks and
 * the changes no longer line up: that mark and the rest are null.
 */
export function markLatencies(marks: readonly Mark[], frames: readonly { arrivedAtMs?: number; lit: boolean }[]): (number | null)[] {
  const arrived = frames.filter((f): f is { arrivedAtMs: number; lit: boolean } => f.arrivedAtMs !== undefined).sort((a, b) => a.arrivedAtMs - b.arrivedAtMs);
  const changes: number[] = [];
  let state = false;
  for (const f of arrived) {
    if (f.lit === state) continue;
    state = f.lit;
    changes.push(f.arrivedAtMs);
  }
  const out: (number | null)[] = [];
  let aligned = true;
  marks.forEach((m, k) => {
    const at = changes[k];
    if (!aligned || at === undefined || at < m.litAtMs) {
      aligned &&= at === undefined;
      out.push(null);
      return;
    }
    out.push(at - m.litAtMs);
  });
  return out;
}

function stats(path: string, latencies: (number | null)[]): PathLatency {
  const seen = latencies.filter((l): l is number => l !== null).sort((a, b) => a - b);
  return {
    path,
    marks: latencies.length,
    latenciesMs: latencies,
    minMs: seen[0] ?? null,
    medianMs: seen.length ? seen[Math.floor(seen.length / 2)]! : null,
    maxMs: seen[seen.length - 1] ?? null,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Marks through one path: `publish` starts pushing the camera at `cameraPath` to `url` and returns its stop. */
async function measurePath(label: string, server: ConformanceServer, stream: string, publish: (cameraPath: string, url: string) => Promise<() => Promise<void>>): Promise<PathLatency> {
  const camera = await startMarkerCamera();
  const undo: (() => Promise<unknown>)[] = [() => camera.close()];
  const workDir = mkdtempSync(join(tmpdir(), 'lpb-g2g-'));
  undo.push(async () => rmSync(workDir, { recursive: true, force: true }));
  try {
    const marker = await startSimulatedGear('marker', { onMark: (n) => void camera.setLit(n % 2 === 1) });
    undo.push(() => marker.close());
    const gear = await SerialGear.open(marker.benchPort, await hardwareBinding());
    undo.push(() => gear.close());
    await gear.hello('marker');
    const url = server.rtmpUrl(stream);
    const stop = await publish(camera.path, url);
    undo.push(stop);
    await server.waitForPublish(stream, PUBLISH_TIMEOUT_MS);
    const observing = observeStream(url, { durationMs: SETTLE_MS + MARKS * (MARK_EVERY_MS + MARK_JITTER_MS) + TAIL_MS, frames: { all: true, maxWidth: DECODE_WIDTH }, workDir });
    await sleep(SETTLE_MS);
    const marks: Mark[] = [];
    for (let n = 1; n <= MARKS; n++) {
      const t = await gear.mark(n);
      marks.push({ lit: n % 2 === 1, litAtMs: t.litAtMs });
      await sleep(MARK_EVERY_MS + Math.random() * MARK_JITTER_MS);
    }
    const o = await observing;
    return stats(label, markLatencies(marks, o.frames.map((f) => ({ arrivedAtMs: f.arrivedAtMs, lit: markerLit(f) }))));
  } finally {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  }
}

export async function glassToGlass(): Promise<GlassToGlassResult> {
  const server = await startConformanceServer({ kind: 'embedded' });
  try {
    const tag = `${process.pid}-${Date.now()}`;
    const baseline = await measurePath('plain ffmpeg copy (baseline)', server, `lpb-g2g-base-${tag}`, async (cameraPath, url) => {
      const p = await SupervisedProcess.start({
        name: 'baseline publisher',
        command: ffmpegPath(),
        args: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', cameraPath, '-c', 'copy', '-f', 'flv', url],
        stdin: false,
        stdoutMode: 'ignore',
      });
      return async () => void (await p.close('SIGTERM', 1_000));
    });
    const pusher = await measurePath('reference pusher', server, `lpb-g2g-iut-${tag}`, async (cameraPath, url) => {
      const rig = loadRig();
      const p = new LivePusher({ rig: { ...rig, camera: { ...rig.camera, front: { kind: 'file', path: cameraPath } } } });
      await p.create({ url });
      await p.start();
      return async () => {
        await p.stop().catch(() => undefined);
        await p.dispose().catch(() => undefined);
      };
    });
    const ratio = baseline.medianMs && pusher.medianMs !== null ? pusher.medianMs / baseline.medianMs : null;
    return { baseline, pusher, ratio };
  } finally {
    await server.close().catch(() => undefined);
  }
}

export function run(): Promise<GlassToGlassResult> {
  return glassToGlass();
}

function line(p: PathLatency): string {
  const seen = p.latenciesMs.filter((l) => l !== null).length;
  const fmt = (v: number | null): string => (v === null ? '-' : `${Math.round(v)} ms`);
  return `  ${p.path.padEnd(30)} ${seen}/${p.marks} marks seen  min ${fmt(p.minMs)}  median ${fmt(p.medianMs)}  max ${fmt(p.maxMs)}`;
}

export function format(r: GlassToGlassResult): string {
  const extra = r.baseline.medianMs !== null && r.pusher.medianMs !== null ? `; the pusher adds ${Math.round(r.pusher.medianMs - r.baseline.medianMs)} ms` : '';
  return [line(r.baseline), line(r.pusher), `  ratio (median, pusher / baseline): ${r.ratio === null ? '-' : r.ratio.toFixed(2)}${extra}`].join('\n');
}
