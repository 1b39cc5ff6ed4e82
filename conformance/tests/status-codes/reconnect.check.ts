// Reconnects judged at the server: a fault server that rejects every RTMP connect (3004) logs
// each connection attempt with its times, and one push is judged twice. 1102 must announce a
// retry the server then really sees, the retries are as many and as far apart as the vendor
// defaults say, and -1307 comes once, after the last attempt failed, with no attempt after it.
// Spec: live-pusher.zh.md 状态码 1102 (网络断连, 已启动自动重连), -1307 (网络断连，且经多次重连
// 抢救无效，更多重试请自行重启推流); context-api.md "Status codes" (vendor defaults 3 retries, 3 s apart).
import { STATUS } from '../../../spec/codes.ts';
import { check, type CheckContext } from '../../check.ts';
import { FaultServer, type ConnectionAttempt } from '../../../adapters/server/fault-server.ts';
import type { IutEvent } from '../../iut-client.ts';
import { expectEqual, expectTrue, expectWithin, fail } from '../support/expect.ts';
import { statusCodes } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';
import {
  expectCodeSequence,
  expectedConnectionCodes,
  GAVE_UP,
  RECONNECTING,
  RETRY_COUNT,
  RETRY_INTERVAL_MS,
  RETRY_SPACING_TOLERANCE_MS,
} from '../support/codes.ts';

/** The failure every attempt meets: the RTMP connect is answered with _error. */
const FAULT_CODE = STATUS.SERVER_CLOSED;
/** Start-up plus the vendor's retries with room for slow ones; a pusher that never gives up is cut here. */
const GIVE_UP_WAIT_MS = 45_000;
/** After -1307 the server watches one more retry slot for an attempt that must not come. */
const WATCH_AFTER_GIVE_UP_MS = RETRY_INTERVAL_MS + RETRY_SPACING_TOLERANCE_MS;

interface Reconnects {
  startedAt: number;
  attempts: ConnectionAttempt[];
  /** Every statechange, as received. */
  states: IutEvent[];
  gaveUp: IutEvent | undefined;
}

async function runReconnects(ctx: CheckContext): Promise<Reconnects> {
  const server = await FaultServer.start({ kind: 'reject-connect' });
  try {
    await ctx.iut.create({ url: server.url('live', ctx.streamName) }, ctx.rig);
    const startedAt = Date.now();
    await ctx.iut.call('start');
    const gaveUp = await ctx.iut.waitForStatus(GAVE_UP, GIVE_UP_WAIT_MS).catch(() => undefined);
    await new Promise((r) => setTimeout(r, WATCH_AFTER_GIVE_UP_MS));
    return { startedAt, attempts: server.attempts(), states: ctx.iut.events('statechange'), gaveUp };
  } finally {
    await server.close();
  }
}

const reconnects = sharedScenario(runReconnects, async (ctx, r) => {
  const rel = (t: number | undefined) => (t === undefined ? null : t - r.startedAt);
  await ctx.attach(
    'connection attempts at the fault server (ms after start)',
    'application/json',
    JSON.stringify(r.attempts.map((a) => ({ index: a.index, opened: rel(a.openedAt), fault: rel(a.faultAt), closed: rel(a.closedAt) })), null, 2),
  );
  await ctx.attach(
    'status codes (ms after start)',
    'application/json',
    JSON.stringify(r.states.map((e) => ({ code: (e.detail as { code?: unknown }).code, at: e.receivedAt - r.startedAt })), null, 2),
  );
});

function codeEvents(r: Reconnects, code: number): IutEvent[] {
  return r.states.filter((e) => (e.detail as { code?: unknown })?.code === code);
}

check(
  {
    id: 'status-codes/1102',
    area: 'status-codes',
    feature: '1102',
    story: 'each 1102 is a real retry, 3 of them, 3 s apart',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 1102 (推流：网络断连, 已启动自动重连); context-api.md (vendor default 3 retries, 3 s apart)',
    specRows: ['status:1102'],
    tolerance: `against a server rejecting every connect: exactly ${RETRY_COUNT} retries reach the server, each ${RETRY_INTERVAL_MS} ± ${RETRY_SPACING_TOLERANCE_MS} ms after the previous attempt's fault; one 1102 per retry, reported after the failure and before the retry`,
    requires: { methods: ['start'], events: ['statechange'] },
    timeoutMs: GIVE_UP_WAIT_MS + WATCH_AFTER_GIVE_UP_MS + 15_000,
  },
  async (ctx) => {
    const r = await reconnects(ctx);
    const retries = r.attempts.slice(1);
    const announced = codeEvents(r, RECONNECTING);
    expectTrue(`1102 reported ${announced.length} times, the server saw ${retries.length} retries: each 1102 must be a real retry`, announced.length === retries.length);
    announced.forEach((e, i) => {
      const failed = r.attempts[i]!.faultAt ?? r.attempts[i]!.openedAt;
      const retry = retries[i]!;
      expectTrue(`1102 #${i + 1} comes after attempt #${i + 1} failed (${e.receivedAt - failed} ms after its fault)`, e.receivedAt >= failed);
      expectTrue(`1102 #${i + 1} comes before the retry it announces (${retry.openedAt - e.receivedAt} ms before)`, e.receivedAt <= retry.openedAt);
    });
    expectEqual('retries seen at the server', retries.length, RETRY_COUNT);
    retries.forEach((a, i) => {
      const prev = r.attempts[i]!;
      expectWithin(`spacing of retry #${i + 1} at the server (fault of attempt #${prev.index} to attempt #${a.index})`, a.openedAt - (prev.faultAt ?? prev.openedAt), RETRY_INTERVAL_MS, RETRY_SPACING_TOLERANCE_MS, ' ms');
    });
  },
);

check(
  {
    id: 'status-codes/-1307',
    area: 'status-codes',
    feature: '-1307',
    story: 'gives up after the last retry, and stays down',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 -1307 (网络断连，且经多次重连抢救无效，更多重试请自行重启推流); context-api.md (vendor default 3 retries, 3 s apart)',
    specRows: ['status:-1307'],
    tolerance:
      `within ${GIVE_UP_WAIT_MS / 1000} s of start against a server rejecting every connect: -1307 exactly once, after the fault of attempt #${RETRY_COUNT + 1} (the last), ` +
      `no attempt in the ${WATCH_AFTER_GIVE_UP_MS} ms after it; the whole sequence exactly 1003 1007 1008 beside ${expectedConnectionCodes(Array.from({ length: RETRY_COUNT + 1 }, () => ({ connected: false, published: false, failure: FAULT_CODE })), true).join(' ')}`,
    requires: { methods: ['start'], events: ['statechange'] },
    timeoutMs: GIVE_UP_WAIT_MS + WATCH_AFTER_GIVE_UP_MS + 15_000,
  },
  async (ctx) => {
    const r = await reconnects(ctx);
    const gaveUp = r.gaveUp;
    if (!gaveUp) fail(`no -1307 within ${GIVE_UP_WAIT_MS} ms of start (the server saw ${r.attempts.length} attempts; codes ${statusCodes(r.states).join(' ')})`);
    expectEqual('-1307 reported', codeEvents(r, GAVE_UP).length, 1);
    const before = r.attempts.filter((a) => a.openedAt <= gaveUp.receivedAt);
    const after = r.attempts.filter((a) => a.openedAt > gaveUp.receivedAt);
    const last = before[before.length - 1];
    expectTrue(`attempts after -1307: ${after.length} (the pusher must stay down once it gave up)`, after.length === 0);
    expectEqual('attempts before -1307 (the first plus the retries)', before.length, RETRY_COUNT + 1);
    expectTrue(`-1307 after the last attempt failed (${last?.faultAt === undefined ? 'no fault seen' : `${gaveUp.receivedAt - last.faultAt} ms after it`})`, last?.faultAt !== undefined && gaveUp.receivedAt >= last.faultAt);
    const outcomes = r.attempts.map(() => ({ connected: false, published: false, failure: FAULT_CODE }));
    expectCodeSequence('codes of the whole push', statusCodes(r.states), expectedConnectionCodes(outcomes, true));
  },
);
