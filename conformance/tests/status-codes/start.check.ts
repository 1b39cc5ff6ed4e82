// The start sequence and the codes of connection failures that need no special server.
// Truth: the server's publish event (for 1001/1002), the event log order, and faults made on
// purpose (an `.invalid` host never resolves, RFC 6761; a loopback port nobody listens on).
// Spec: live-pusher.zh.md 状态码; context-api.md "Status codes: what triggers them".
import { createServer } from 'node:net';
import { check } from '../../check.ts';
import { expectEqual, expectTrue } from '../support/expect.ts';
import { pushAndObserve, statusCodes } from '../support/scenario.ts';

const START_ORDER = [1003, 1007, 1008, 1001, 1002];
const FAULT_CODE_WAIT_MS = 15_000;
/** Vendor defaults: 3 retries 3 s apart; the give-up code must come within this. */
const GIVE_UP_WAIT_MS = 45_000;

check(
  {
    id: 'status-codes/start-sequence',
    area: 'status-codes',
    feature: 'start',
    story: '1003 1007 1008 1001 1002',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 1001/1002/1003/1007/1008; context-api.md (1003 camera, 1007 first frame, 1008 encoder, 1001 connected, 1002 pushing)',
    specRows: START_ORDER.map((c) => `status:${c}`),
    tolerance: 'each code exactly once, in this order; 1002 no later than 5 s after the server saw the publish',
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    const { publishedAt } = await pushAndObserve(ctx, {}, { framesEveryMs: false, observeMs: 1000 });
    const e1002 = await ctx.iut.waitForStatus(1002, 5000);
    const codes = statusCodes(ctx.iut.events()).filter((c) => START_ORDER.includes(c));
    expectEqual('start codes in order', codes, START_ORDER);
    expectTrue(`1002 within 5 s of the server's publish (${e1002.receivedAt - publishedAt} ms)`, e1002.receivedAt - publishedAt <= 5000);
  },
);

check(
  {
    id: 'status-codes/3001',
    area: 'status-codes',
    feature: '3001',
    story: 'DNS failure',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 3001 (推流：RTMP DNS解析失败)',
    specRows: ['status:3001'],
    tolerance: `3001 within ${FAULT_CODE_WAIT_MS / 1000} s of start, for a host under .invalid (never resolves)`,
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: `rtmp://lpbench-${ctx.streamName}.invalid/live/${ctx.streamName}` }, ctx.rig);
    await ctx.iut.call('start');
    await ctx.iut.waitForStatus(3001, FAULT_CODE_WAIT_MS);
    expectTrue('no 1002 for an unresolvable host', !statusCodes(ctx.iut.events()).includes(1002));
  },
);

/** A loopback port that was free a moment ago: connections to it are refused. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

check(
  {
    id: 'status-codes/3002',
    area: 'status-codes',
    feature: '3002',
    story: 'connection refused',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 3002 (推流：RTMP服务器连接失败)',
    specRows: ['status:3002'],
    tolerance: `3002 within ${FAULT_CODE_WAIT_MS / 1000} s of start`,
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    const port = await closedPort();
    await ctx.iut.create({ url: `rtmp://127.0.0.1:${port}/live/${ctx.streamName}` }, ctx.rig);
    await ctx.iut.call('start');
    await ctx.iut.waitForStatus(3002, FAULT_CODE_WAIT_MS);
  },
);

check(
  {
    id: 'status-codes/1102',
    area: 'status-codes',
    feature: '1102',
    story: 'reconnect announced after a failure',
    spec: 'live-pusher.zh.md 状态码 1102 (推流：网络断连, 已启动自动重连)',
    specRows: ['status:1102'],
    tolerance: `1102 after the first 300x failure code, within ${FAULT_CODE_WAIT_MS / 1000} s of start`,
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    const port = await closedPort();
    await ctx.iut.create({ url: `rtmp://127.0.0.1:${port}/live/${ctx.streamName}` }, ctx.rig);
    await ctx.iut.call('start');
    await ctx.iut.waitForStatus(1102, FAULT_CODE_WAIT_MS);
    const codes = statusCodes(ctx.iut.events());
    const firstFailure = codes.findIndex((c) => c >= 3001 && c <= 3005);
    expectTrue(`a 300x code before 1102 (codes: ${codes.join(' ')})`, firstFailure >= 0 && firstFailure < codes.indexOf(1102));
  },
);

check(
  {
    id: 'status-codes/-1307',
    area: 'status-codes',
    feature: '-1307',
    story: 'gives up after the retries',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 -1307 (网络断连，且经多次重连抢救无效); context-api.md (vendor default 3 retries, 3 s apart)',
    specRows: ['status:-1307'],
    tolerance: `-1307 within ${GIVE_UP_WAIT_MS / 1000} s of start against a server that never answers; at least one 1102 before it; nothing published`,
    requires: { methods: ['start'], events: ['statechange'] },
    timeoutMs: GIVE_UP_WAIT_MS + 15_000,
  },
  async (ctx) => {
    const port = await closedPort();
    await ctx.iut.create({ url: `rtmp://127.0.0.1:${port}/live/${ctx.streamName}` }, ctx.rig);
    await ctx.iut.call('start');
    await ctx.iut.waitForStatus(-1307, GIVE_UP_WAIT_MS);
    const codes = statusCodes(ctx.iut.events());
    expectTrue(`1102 before -1307 (codes: ${codes.join(' ')})`, codes.indexOf(1102) >= 0 && codes.indexOf(1102) < codes.indexOf(-1307));
  },
);
