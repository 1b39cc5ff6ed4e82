// The events' payloads as the spec types them, and netstatus's cadence.
// Spec: live-pusher.zh.md bindstatechange (detail = {code}), bindnetstatus (detail = {info}),
// binderror (detail = {errMsg, errCode}); docs/driver-protocol.md "Events" (statechange {code,
// message}); context-api.md netstatus (interval: 1 s or 2 s in the vendor docs).
import { STATUS } from '../../../spec/codes.ts';
import { check } from '../../check.ts';
import { errorCodes, findStatusCode, netstatusKeys } from '../../../spec/index.ts';
import { expectTrue } from '../support/expect.ts';
import { pushAndObserve } from '../support/scenario.ts';

const NETSTATUS_MIN_INTERVAL_MS = 800;
const NETSTATUS_MAX_INTERVAL_MS = 2500;

check(
  {
    id: 'events/statechange',
    area: 'events',
    feature: 'bindstatechange',
    story: 'detail {code, message}',
    spec: 'live-pusher.zh.md bindstatechange (状态变化事件，detail = {code}); docs/driver-protocol.md statechange {code,message}',
    specRows: ['event:statechange'],
    tolerance: 'every statechange of a normal start has a numeric code from the 状态码 table and a string message',
    requires: { events: ['statechange'], methods: ['start'] },
  },
  async (ctx) => {
    await pushAndObserve(ctx, {}, { observeMs: 1000, framesEveryMs: false });
    await ctx.iut.waitForStatus(STATUS.PUSH_BEGIN, 5000).catch(() => undefined);
    const all = ctx.iut.events('statechange');
    expectTrue('statechange events', all.length > 0);
    for (const e of all) {
      const d = e.detail as { code?: unknown; message?: unknown };
      expectTrue(`code ${JSON.stringify(d.code)} is a number in the 状态码 table`, typeof d.code === 'number' && findStatusCode(d.code) !== undefined);
      expectTrue(`message of ${String(d.code)} is a string`, typeof d.message === 'string');
    }
  },
);

check(
  {
    id: 'events/error',
    area: 'events',
    feature: 'binderror',
    story: 'detail {errMsg, errCode}',
    spec: 'live-pusher.zh.md binderror (detail = {errMsg, errCode}); 错误码',
    specRows: ['event:error'],
    tolerance: 'the error raised by a denied camera has a numeric errCode from the 错误码 table and a non-empty string errMsg',
    requires: { events: ['error'], methods: ['start'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl }, { ...ctx.rig, permissions: { ...ctx.rig.permissions, camera: 'denied' } });
    await ctx.iut.call('start').catch(() => undefined);
    const e = await ctx.iut.waitForEvent('error', () => true, 10_000);
    const d = e.detail as { errCode?: unknown; errMsg?: unknown };
    expectTrue(`errCode ${JSON.stringify(d.errCode)} in the 错误码 table`, typeof d.errCode === 'number' && errorCodes.some((c) => c.code === d.errCode));
    expectTrue(`errMsg ${JSON.stringify(d.errMsg)} is a non-empty string`, typeof d.errMsg === 'string' && d.errMsg.length > 0);
  },
);

check(
  {
    id: 'events/netstatus',
    area: 'events',
    feature: 'bindnetstatus',
    story: 'detail {info} at a steady interval',
    spec: 'live-pusher.zh.md bindnetstatus (网络状态通知，detail = {info}); 网络状态数据 keys',
    specRows: ['event:netstatus'],
    tolerance: `every report has all ${netstatusKeys.length} keys as finite numbers; the median interval is ${NETSTATUS_MIN_INTERVAL_MS}-${NETSTATUS_MAX_INTERVAL_MS} ms`,
    requires: { events: ['netstatus'], methods: ['start'] },
  },
  async (ctx) => {
    await pushAndObserve(ctx, {}, { observeMs: 6000, framesEveryMs: false });
    const reports = ctx.iut.events('netstatus');
    expectTrue(`at least 3 reports in 6 s (got ${reports.length})`, reports.length >= 3);
    for (const e of reports) {
      const info = (e.detail as { info?: Record<string, unknown> })?.info ?? {};
      for (const k of netstatusKeys) expectTrue(`info.${k} is a finite number (${JSON.stringify(info[k])})`, typeof info[k] === 'number' && Number.isFinite(info[k]));
    }
    const gaps = reports.slice(1).map((e, i) => e.ts - reports[i]!.ts).sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    expectTrue(`median interval ${median} ms in ${NETSTATUS_MIN_INTERVAL_MS}-${NETSTATUS_MAX_INTERVAL_MS} ms`, median >= NETSTATUS_MIN_INTERVAL_MS && median <= NETSTATUS_MAX_INTERVAL_MS);
  },
);
