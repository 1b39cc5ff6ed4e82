// netJitter on an uplink with jitter, judged on one short push through the impairment proxy
// (impaired-push.ts): clean, then every chunk of the uplink held latency ± jitter (uniform,
// order kept: Toxiproxy's latency toxic). The truth is what the proxy was set to do and when (its
// record); the IUT's netstatus reports are compared before and during it.
// Spec: live-pusher.zh.md 网络状态数据（info） netJitter (网络抖动情况，抖动越大，网络越不稳定);
// context-api.md netstatus (netJitter — larger is less stable).
import { check, type CheckContext } from '../../check.ts';
import type { TimelineStep } from '../../../adapters/faults/impairment-proxy.ts';
import { expectAtLeast, expectAtMost, fail } from '../support/expect.ts';
import { sharedScenario } from '../support/shared.ts';
import { attachImpairedEvidence, impairedPush, median, netstatusReports, stepAt, type ImpairedPush } from './impaired-push.ts';

const CLEAN_MS = 6000;
const JITTER_PHASE_MS = 8000;
const LATENCY_MS = 100;
/** ± this around LATENCY_MS, uniform, per chunk the proxy reads. */
const JITTER_MS = 100;
/** The first report of the push speaks for its start (encoder and connection starting): skipped. */
const CLEAN_SETTLE_MS = 2500;
/** Reports are judged from this far into the jittered phase (a report speaks for the 2 s before it). */
const JITTER_SETTLE_MS = 2500;
/** netJitter under jitter must reach this multiple of the clean link's lowest (the clean link at
 *  its best: on a loaded machine event-loop stalls of the pusher, the proxy and the server add
 *  round-trip changes of tens of ms to some clean windows) ... */
const RISE = 2;
/** ... and exceed it by at least this much (a clean figure of 0 doubles to 0). */
const MIN_RISE = 5;
/** Order of magnitude of the set jitter: within [JITTER_MS / ORDER, JITTER_MS × ORDER] (ms). */
const ORDER = 10;
const STEPS: TimelineStep[] = [
  { apply: [], holdMs: CLEAN_MS },
  { apply: [{ op: 'set', name: 'uplink-jitter', toxic: { type: 'latency', stream: 'upstream', latencyMs: LATENCY_MS, jitterMs: JITTER_MS } }], holdMs: JITTER_PHASE_MS },
];
const TIMEOUT_MS = CLEAN_MS + JITTER_PHASE_MS + 40_000;

const jittery = sharedScenario(
  (ctx: CheckContext) => impairedPush(ctx, {}, STEPS),
  (ctx, p: ImpairedPush) => attachImpairedEvidence(ctx, p, (wall) => (wall >= stepAt(p.run, 1) ? `latency ${LATENCY_MS} ± ${JITTER_MS} ms` : 'none')),
);

function jitterBetween(p: ImpairedPush, from: number, to: number): number[] {
  return netstatusReports(p.events)
    .filter((r) => r.at >= from && r.at < to)
    .map((r) => r.info['netJitter'])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

check(
  {
    id: 'netstatus/impaired/netJitter',
    area: 'netstatus',
    feature: 'impaired uplink',
    story: 'netJitter rises when the uplink has jitter',
    severity: 'normal',
    spec: 'live-pusher.zh.md 网络状态数据（info） netJitter (网络抖动情况，抖动越大，网络越不稳定)',
    specRows: ['netstatus:netJitter'],
    tolerance:
      `uplink held ${LATENCY_MS} ± ${JITTER_MS} ms per chunk by the proxy (uniform, order kept) for ${JITTER_PHASE_MS} ms after ${CLEAN_MS} ms clean: ` +
      `the median netJitter of the reports received from ${JITTER_SETTLE_MS} ms into it at least ${RISE} × the lowest clean one and ${MIN_RISE} more (clean: reports from ${CLEAN_SETTLE_MS} ms after the publish), ` +
      `and, read as ms (the spec gives no unit), within ${JITTER_MS / ORDER}-${JITTER_MS * ORDER} (the order of magnitude of the set jitter)`,
    requires: { methods: ['start'], events: ['netstatus'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const p = await jittery(ctx);
    const jitterFrom = stepAt(p.run, 1);
    const clean = jitterBetween(p, p.publishedAt + CLEAN_SETTLE_MS, jitterFrom);
    const jittered = jitterBetween(p, jitterFrom + JITTER_SETTLE_MS, jitterFrom + JITTER_PHASE_MS + 500);
    ctx.log(`netJitter while clean: ${clean.join(' ') || 'none'}; with ${LATENCY_MS} ± ${JITTER_MS} ms: ${jittered.join(' ') || 'none'}`);
    const j = median(jittered);
    if (clean.length === 0 || j === null) fail(`netJitter reports: ${clean.length} while clean, ${jittered.length} with jitter; at least one of each needed`);
    const c = Math.min(...clean);
    expectAtLeast(`median netJitter with ${LATENCY_MS} ± ${JITTER_MS} ms on the uplink (lowest clean ${c})`, j, Math.max(c * RISE, c + MIN_RISE));
    expectAtLeast(`median netJitter with ±${JITTER_MS} ms jitter, as ms (order of magnitude)`, j, JITTER_MS / ORDER);
    expectAtMost(`median netJitter with ±${JITTER_MS} ms jitter, as ms (order of magnitude)`, j, JITTER_MS * ORDER);
  },
);
