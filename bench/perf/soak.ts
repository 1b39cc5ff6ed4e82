// Soak benchmark (issue 8 "Robustness"): the reference pusher as an IUT (`lpbench driver`, a
// separate process, through conformance/iut-client.ts) pushes to the embedded RTMP server for N
// minutes; every `outageEveryMs` the server goes away (stopped, then started again on the same
// port after `outageMs`). Judged per outage (soak-figures.ts): the whole reconnect sequence of
// live-pusher.zh.md 状态码 (3002-3005, 1102, 1001, 1002, no -1307) arrived and the server saw the
// stream published again — or, when restarting the server took longer than the retries (3 × 3 s
// on a loaded machine), 3002-3005, 1102 and -1307, after which the push is started again —
// anything short of that is an outage with events lost. Memory: the
// RSS of the driver's process tree (process-tree-rss.ts) sampled over the run, reported against
// the run's own first-minute baseline (ratio) with its slope; a flat line is the target.
// `lpbench bench soak --minutes 30`; test/bench/soak.test.ts runs a 2-minute version.
import { randomBytes } from 'node:crypto';
import { EmbeddedServer } from '../../adapters/server/embedded.ts';
import { IutClient } from '../../conformance/iut-client.ts';
import { DEFAULT_IUT_COMMAND } from '../../conformance/env.ts';
import { driverEnvironment } from '../../adapters/sources/driver-env.ts';
import { STATUS } from '../../spec/codes.ts';
import { retry } from '../../spec/index.ts';
import { loadRig } from '../../rig/load.ts';
import { expectationFor, judgeOutage, memoryFigures, type CodeAt, type MemoryFigures, type MemorySample, type OutageVerdict } from './soak-figures.ts';
import { processTreeRss } from './process-tree-rss.ts';

export const NAME = 'soak';
export const DESCRIPTION = 'push for N minutes (--minutes, default 30) with a server outage every 60 s: driver memory vs its first minute, reconnect sequences lost';

export interface SoakOptions {
  minutes?: number;
  outageEveryMs?: number;
  /** How long the server stays away. */
  outageMs?: number;
  sampleEveryMs?: number;
  log?: (line: string) => void;
}

export interface OutageRecord extends OutageVerdict {
  /** ms since the push started */
  at: number;
  /** How long the server was away (closed to listening again). */
  downtimeMs: number;
  /** ms from the server's return to the stream being published there again (undefined: not before the judgement). */
  recoveredInMs: number | undefined;
}

export interface SoakResult {
  minutes: number;
  outages: OutageRecord[];
  lost: number;
  memory: MemoryFigures;
  samples: MemorySample[];
  wallMs: number;
}

const DEFAULT_MINUTES = 30;
const MS_PER_MINUTE = 60_000;
const DEFAULT_OUTAGE_EVERY_MS = 60_000;
/** Shorter than one retry slot plus the server's restart, so the spec's 3 retries 3 s apart can reconnect. */
const DEFAULT_OUTAGE_MS = 3000;
const DEFAULT_SAMPLE_EVERY_MS = 2000;
/** Memory before this is start-up (JIT, first buffers): outside the baseline. */
const WARMUP_MS = 15_000;
const BASELINE_END_MS = 60_000;
const LAST_WINDOW_MS = 30_000;
/** From the server's return: time for the retry sequence to reconnect and publish again. */
const RECOVERY_BOUND_MS = 20_000;
const START_TIMEOUT_MS = 20_000;
/** The spec's default retries: count × interval (context-api.md "Status codes"). */
const RETRY_WINDOW_MS = retry.count.default * retry.intervalSeconds.default * 1000;
/** Downtimes this close to the retry window may end either way. */
const RETRY_EDGE_MS = 1500;
const POLL_MS = 200;
const CODES_SETTLE_MS = 1000;
const APP = 'live';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function soak(opts: SoakOptions = {}): Promise<SoakResult> {
  const minutes = opts.minutes ?? DEFAULT_MINUTES;
  const durationMs = minutes * MS_PER_MINUTE;
  const outageEveryMs = opts.outageEveryMs ?? DEFAULT_OUTAGE_EVERY_MS;
  const outageMs = opts.outageMs ?? DEFAULT_OUTAGE_MS;
  const sampleEveryMs = opts.sampleEveryMs ?? DEFAULT_SAMPLE_EVERY_MS;
  const log = opts.log ?? (() => undefined);
  const stream = `soak-${randomBytes(4).toString('hex')}`;
  let server = await EmbeddedServer.start({});
  const port = server.port;
  const url = server.rtmpUrl(APP, stream);
  const iut = await IutClient.start(DEFAULT_IUT_COMMAND, { env: driverEnvironment() });
  const samples: MemorySample[] = [];
  const outages: OutageRecord[] = [];
  const codes: CodeAt[] = [];
  const stopCodes = iut.onEvent((e) => {
    if (e.event === 'statechange') codes.push({ code: (e.detail as { code: number }).code, at: e.receivedAt });
  });
  let sampler: NodeJS.Timeout | undefined;
  const wallStart = Date.now();
  try {
    await iut.hello();
    await iut.create({ url }, loadRig());
    await iut.call('start');
    await iut.waitForStatus(STATUS.PUSH_BEGIN, START_TIMEOUT_MS);
    await server.waitForPublish(`/${APP}/${stream}`, START_TIMEOUT_MS);
    const t0 = Date.now();
    const sample = () => {
      const bytes = iut.pid === undefined ? undefined : processTreeRss(iut.pid);
      if (bytes !== undefined) samples.push({ at: Date.now() - t0, bytes });
    };
    sample();
    sampler = setInterval(sample, sampleEveryMs);
    for (let k = 1; ; k++) {
      const outageAt = k * outageEveryMs;
      // The last outage must have time to recover inside the run.
      if (outageAt + outageMs + RECOVERY_BOUND_MS > durationMs) break;
      await sleep(Math.max(0, t0 + outageAt - Date.now()));
      const start = Date.now();
      await server.close();
      await sleep(outageMs);
      server = await EmbeddedServer.start({ port });
      const back = Date.now();
      // A loaded machine may take longer to restart the server than the retries last: then -1307 is the right end.
      const expected = expectationFor(back - start, RETRY_WINDOW_MS, RETRY_EDGE_MS);
      const gaveUp = () => codes.some((c) => c.at >= start && c.code === STATUS.RECONNECT_EXHAUSTED);
      const published = server.waitForPublish(`/${APP}/${stream}`, RECOVERY_BOUND_MS).then(
        () => Date.now() - back,
        () => undefined,
      );
      let recoveredInMs: number | undefined;
      for (;;) {
        const settled = await Promise.race([published.then((ms) => ({ ms })), sleep(POLL_MS).then(() => undefined)]);
        if (settled) {
          recoveredInMs = settled.ms;
          break;
        }
        if (gaveUp()) break;
      }
      // Codes that follow the publish at the server may still be on their way: a moment to arrive.
      await sleep(CODES_SETTLE_MS);
      const verdict = judgeOutage(codes, start, Date.now(), recoveredInMs !== undefined, expected);
      outages.push({ at: start - t0, downtimeMs: back - start, recoveredInMs, ...verdict });
      log(
        `outage ${k} at ${Math.round((start - t0) / 1000)} s, server away ${back - start} ms (expected: ${expected}): ` +
          `${verdict.complete ? 'complete' : verdict.problems.join('; ')} [${verdict.codes.join(' ')}]` +
          (recoveredInMs === undefined ? '' : `, published again ${recoveredInMs} ms after the server returned`),
      );
      if (gaveUp()) {
        // The pusher gave up: start it again so the soak goes on.
        await iut.call('start');
        await published;
      }
    }
    await sleep(Math.max(0, t0 + durationMs - Date.now()));
    sample();
  } finally {
    if (sampler) clearInterval(sampler);
    stopCodes();
    await iut.dispose().catch(() => undefined);
    await server.close();
  }
  const memory = memoryFigures(samples, WARMUP_MS, BASELINE_END_MS, LAST_WINDOW_MS);
  return { minutes, outages, lost: outages.filter((o) => !o.complete).length, memory, samples, wallMs: Date.now() - wallStart };
}

export function run(opts: SoakOptions = {}): Promise<SoakResult> {
  return soak({ log: (line) => process.stdout.write(`  ${line}\n`), ...opts });
}

export function format(r: SoakResult): string {
  const m = r.memory;
  return [
    `  ${r.minutes} min pushed (${Math.round(r.wallMs / 1000)} s wall), ${r.outages.length} outages, ${r.lost} with events lost`,
    `  driver tree memory: ${m.lastMb.toFixed(1)} MB last ${LAST_WINDOW_MS / 1000} s vs ${m.baselineMb.toFixed(1)} MB first-minute baseline = ${m.growthRatio.toFixed(3)}x; slope ${m.slopeMbPerMinute.toFixed(3)} MB/min (${m.samples} samples)`,
  ].join('\n');
}
