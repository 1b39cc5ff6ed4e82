// Status codes of server-side faults, made on purpose by the scriptable fault server
// (adapters/server/fault-server.ts): a broken handshake, a rejected or closed publish, a clean
// close and a reset in mid-stream. Every connection meets the same fault, so a conformant
// pusher reports it, announces the reconnect (1102) and really reconnects one retry interval
// later, where it meets the fault again. Truth: the connection attempts the server logged (when
// each opened, published, was faulted); the whole code sequence of both attempts is judged.
// Spec: live-pusher.zh.md 状态码 3003 (RTMP服务器握手失败), 3004 (RTMP服务器主动断开),
// 3005 (RTMP 读/写失败), 1001/1002, 1102 (网络断连, 已启动自动重连); context-api.md "Status codes"
// (all 300x are retried; vendor defaults 3 retries, 3 s apart).
import { STATUS } from '../../../spec/codes.ts';
import type { RtmpFailureCode } from '../../../reference-pusher/rtmp-session.ts';
import { check, type CheckContext } from '../../check.ts';
import { FaultServer, type ConnectionAttempt, type FaultScript } from '../../../adapters/server/fault-server.ts';
import { expectEventually, expectTrue, expectWithin } from '../support/expect.ts';
import { statusCodes } from '../support/scenario.ts';
import {
  expectCodeSequence,
  expectedConnectionCodes,
  PUBLISHING,
  RECONNECTING,
  RETRY_INTERVAL_MS,
  RETRY_SPACING_TOLERANCE_MS,
  type AttemptOutcome,
} from '../support/codes.ts';

/** From start until the first fault: encoder start-up and the first connection. */
const FIRST_FAULT_WAIT_MS = 15_000;
/** A code due at a moment the server knows (the failure, the publish) may lag it by this. */
const CODE_LAG_MS = 2_000;
/** After the last awaited code, extra codes still count for this long. */
const SETTLE_MS = 500;
const MID_STREAM_AFTER_MS = 2500;

interface FaultCase {
  code: RtmpFailureCode;
  story: string;
  script: FaultScript;
  row: string;
  /** How far a connection gets before the fault: RTMP connect done, publish accepted. */
  reaches: Omit<AttemptOutcome, 'failure'>;
}

const HANDSHAKE = { connected: false, published: false };
const CONNECT = { connected: true, published: false };
const PUBLISH = { connected: true, published: true };

const CASES: FaultCase[] = [
  { code: STATUS.HANDSHAKE_FAILED, story: 'server breaks the handshake (wrong version)', script: { kind: 'bad-handshake' }, row: 'RTMP服务器握手失败', reaches: HANDSHAKE },
  { code: STATUS.HANDSHAKE_FAILED, story: 'server closes during the handshake', script: { kind: 'close-in-handshake' }, row: 'RTMP服务器握手失败', reaches: HANDSHAKE },
  { code: STATUS.SERVER_CLOSED, story: 'server rejects the connect (_error)', script: { kind: 'reject-connect' }, row: 'RTMP服务器主动断开', reaches: HANDSHAKE },
  { code: STATUS.SERVER_CLOSED, story: 'server rejects the publish (onStatus error)', script: { kind: 'reject-publish' }, row: 'RTMP服务器主动断开', reaches: CONNECT },
  { code: STATUS.SERVER_CLOSED, story: 'server answers the publish with _error', script: { kind: 'error-publish' }, row: 'RTMP服务器主动断开', reaches: CONNECT },
  { code: STATUS.SERVER_CLOSED, story: 'server closes the connection at publish', script: { kind: 'close-on-publish' }, row: 'RTMP服务器主动断开', reaches: CONNECT },
  { code: STATUS.SERVER_CLOSED, story: 'server closes the connection mid-stream', script: { kind: 'accept-then-close', afterMs: MID_STREAM_AFTER_MS }, row: 'RTMP服务器主动断开', reaches: PUBLISH },
  { code: STATUS.READ_WRITE_FAILED, story: 'connection reset mid-stream', script: { kind: 'accept-then-reset', afterMs: MID_STREAM_AFTER_MS }, row: 'RTMP 读/写失败', reaches: PUBLISH },
];

function count(codes: number[], code: number): number {
  return codes.filter((c) => c === code).length;
}

function describeAttempts(attempts: ConnectionAttempt[], from: number): string {
  const rel = (t: number | undefined) => (t === undefined ? '-' : `${t - from} ms`);
  return attempts.map((a) => `#${a.index} opened ${rel(a.openedAt)} published ${rel(a.publishedAt)} fault ${rel(a.faultAt)} closed ${rel(a.closedAt)}`).join('; ');
}

async function judgeFault(ctx: CheckContext, c: FaultCase): Promise<void> {
  const server = await FaultServer.start(c.script);
  const startedAt = Date.now();
  const codes = () => statusCodes(ctx.iut.events());
  try {
    await ctx.iut.create({ url: server.url('live', ctx.streamName) }, ctx.rig);
    await ctx.iut.call('start');
    const midStream = c.reaches.published;
    await expectEventually('the fault server injected its fault on a first connection', () => server.attempts()[0]?.faultAt !== undefined, FIRST_FAULT_WAIT_MS + (midStream ? MID_STREAM_AFTER_MS : 0));
    await expectEventually(
      `the IUT reported ${c.code} and then 1102 for the first attempt (codes so far: ${codes().join(' ')})`,
      () => count(codes(), RECONNECTING) >= 1,
      CODE_LAG_MS,
    );
    await expectEventually(
      `the server saw the pusher reconnect ${RETRY_INTERVAL_MS} ± ${RETRY_SPACING_TOLERANCE_MS} ms after the fault`,
      () => server.attempts().length >= 2,
      RETRY_INTERVAL_MS + RETRY_SPACING_TOLERANCE_MS + CODE_LAG_MS,
    );
    if (midStream) {
      await expectEventually(`the IUT reported 1002 again once the server accepted the retry's publish (codes: ${codes().join(' ')})`, () => count(codes(), PUBLISHING) >= 2, CODE_LAG_MS + RETRY_SPACING_TOLERANCE_MS);
    } else {
      await expectEventually('the fault server injected its fault on the retry', () => server.attempts()[1]?.faultAt !== undefined, CODE_LAG_MS);
      await expectEventually(`the IUT reported ${c.code} and 1102 for the retry (codes: ${codes().join(' ')})`, () => count(codes(), RECONNECTING) >= 2, CODE_LAG_MS);
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const reported = codes();
    const attempts = server.attempts();
    ctx.log(`status codes: ${reported.join(' ')}; connection attempts: ${describeAttempts(attempts, startedAt)}`);
    expectTrue(`the server saw exactly 2 connections in the window (${describeAttempts(attempts, startedAt)})`, attempts.length === 2);
    const outcomes: AttemptOutcome[] = [{ ...c.reaches, failure: c.code }, midStream ? { ...c.reaches } : { ...c.reaches, failure: c.code }];
    expectCodeSequence(`codes for "${c.story}" then one retry`, reported, expectedConnectionCodes(outcomes));
    const [first, second] = attempts as [ConnectionAttempt, ConnectionAttempt];
    expectWithin('retry spacing at the server (fault of the first connection to the second connection)', second.openedAt - first.faultAt!, RETRY_INTERVAL_MS, RETRY_SPACING_TOLERANCE_MS, ' ms');
  } finally {
    await server.close();
  }
}

for (const c of CASES) {
  check(
    {
      id: `status-codes/${c.code}/${c.script.kind}`,
      area: 'status-codes',
      feature: String(c.code),
      story: c.story,
      severity: 'critical',
      spec: `live-pusher.zh.md 状态码 ${c.code} (推流：${c.row}), 1001/1002, 1102; context-api.md "Status codes" (300x retried, 3 s apart)`,
      specRows: [`status:${c.code}`],
      tolerance:
        `the whole sequence exactly: 1003 1007 1008 beside ` +
        `${expectedConnectionCodes([{ ...c.reaches, failure: c.code }, c.reaches.published ? { ...c.reaches } : { ...c.reaches, failure: c.code }]).join(' ')} ` +
        `(no other code); the server sees exactly one reconnect ${RETRY_INTERVAL_MS} ± ${RETRY_SPACING_TOLERANCE_MS} ms after its fault`,
      requires: { methods: ['start'], events: ['statechange'] },
    },
    (ctx) => judgeFault(ctx, c),
  );
}
