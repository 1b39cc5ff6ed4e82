// The start sequence and the codes of connection failures that need no special server, each
// judged as a whole sequence (no code other than the expected ones). Truth: the server's publish
// event (for 1001/1002), the event log order, and faults made on purpose (an `.invalid` host
// never resolves, RFC 6761; a loopback port nobody listens on). Retries are judged at a server
// that counts them in reconnect.check.ts.
// Spec: live-pusher.zh.md 状态码; context-api.md "Status codes: what triggers them".
import { createServer } from 'node:net';
import { check, type CheckContext } from '../../check.ts';
import { statusKey } from '../../../reports/spec-rows.ts';
import { STATUS, type StatusCodeNumber } from '../../../spec/codes.ts';
import { expectEqual, expectTrue } from '../support/expect.ts';
import { pushAndObserve, statusCodes } from '../support/scenario.ts';
import { expectCodeSequence, RECONNECTING } from '../support/codes.ts';

const START_ORDER: StatusCodeNumber[] = [STATUS.CAMERA_OPENED, STATUS.FIRST_FRAME, STATUS.ENCODER_STARTED, STATUS.CONNECTED, STATUS.PUSH_BEGIN];
/** The last device code of the start (encoder started). */
const DEVICES_DONE = STATUS.ENCODER_STARTED;
const FAULT_CODE_WAIT_MS = 15_000;
/** After 1102 (and the device codes), extra codes still count for this long. */
const SETTLE_MS = 500;
/** The failure code and 1102 announcing the retry: the whole connection part of the window. */
const FAILED_ATTEMPT = (code: number) => [code, RECONNECTING];

/** Waits until the first attempt failed and the camera/encoder codes are in, then a little more. */
async function failedStart(ctx: CheckContext): Promise<number[]> {
  await ctx.iut.waitForStatus(RECONNECTING, FAULT_CODE_WAIT_MS);
  await ctx.iut.waitForStatus(DEVICES_DONE, FAULT_CODE_WAIT_MS);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return statusCodes(ctx.iut.events());
}

check(
  {
    id: 'status-codes/start-sequence',
    area: 'status-codes',
    feature: 'start',
    story: '1003 1007 1008 1001 1002',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 1001/1002/1003/1007/1008; context-api.md (1003 camera, 1007 first frame, 1008 encoder, 1001 connected, 1002 pushing)',
    specRows: [...START_ORDER.map(statusKey), 'method:start'],
    tolerance: 'every code of a clean start is one of these, each exactly once, in this order (no other code); 1002 no later than 5 s after the server saw the publish',
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    const { publishedAt } = await pushAndObserve(ctx, {}, { framesEveryMs: false, observeMs: 1000 });
    const e1002 = await ctx.iut.waitForStatus(STATUS.PUSH_BEGIN, 5000);
    expectEqual('every status code of a clean start, in order', statusCodes(ctx.iut.events()), START_ORDER);
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
    specRows: [statusKey(STATUS.DNS_FAILED)],
    tolerance: `within ${FAULT_CODE_WAIT_MS / 1000} s of start, for a host under .invalid (never resolves), the whole sequence exactly 1003 1007 1008 beside 3001 1102 (no 1001/1002, no other failure code)`,
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: `rtmp://lpbench-${ctx.streamName}.invalid/live/${ctx.streamName}` }, ctx.rig);
    await ctx.iut.call('start');
    expectCodeSequence('codes for an unresolvable host', await failedStart(ctx), FAILED_ATTEMPT(STATUS.DNS_FAILED));
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
    specRows: [statusKey(STATUS.CONNECT_FAILED)],
    tolerance: `within ${FAULT_CODE_WAIT_MS / 1000} s of start, the whole sequence exactly 1003 1007 1008 beside 3002 1102 (no 1001/1002, no other failure code)`,
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    const port = await closedPort();
    await ctx.iut.create({ url: `rtmp://127.0.0.1:${port}/live/${ctx.streamName}` }, ctx.rig);
    await ctx.iut.call('start');
    expectCodeSequence('codes for a refused connection', await failedStart(ctx), FAILED_ATTEMPT(STATUS.CONNECT_FAILED));
  },
);
