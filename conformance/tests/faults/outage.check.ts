// Connection lost during a push, judged on one push through the impairment proxy
// (impaired-push.ts): the proxy goes down for a few seconds mid-push (every connection closed,
// new ones refused) and comes back; later it goes down for good. The truth: when the proxy went
// down and up (its record), when the embedded server saw the stream published again (its own
// publish events), what the observer read before and after (timestamps, keyframes, decoded
// frames), and when the bench received each code.
// Spec: live-pusher.zh.md 状态码 1102 (网络断连, 已启动自动重连), -1307 (网络断连，且经多次重连抢救无效),
// 3002 (连接失败), 3004 (服务器主动断开), 3005 (读/写失败); context-api.md "Status codes" (all 300x are
// retried; vendor defaults 3 retries, 3 s apart).
import { check, type CheckContext, type CheckMeta } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { observeStream, type Observation } from '../../oracles/observe.ts';
import { RETRY_COUNT, RETRY_INTERVAL_MS, RETRY_SPACING_TOLERANCE_MS } from '../support/codes.ts';
import { expectAtLeast, expectAtMost, expectEqual, expectTrue, expectWithin, fail } from '../support/expect.ts';
import { embeddedServer, expectPublish, PUBLISH_TIMEOUT_MS } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';
import { codesWithTimes, proxyFor } from './impaired-push.ts';

/** Pushing normally before the outage. */
const CLEAN_MS = 4000;
/** The outage: longer than one retry slot, shorter than the retries (one retry meets it). */
const OUTAGE_MS = 4000;
/** Observed after the stream is back. */
const AFTER_MS = 3000;
/** The re-publish reaches the server within one retry slot of the heal, plus the reconnect itself. */
const BACK_WITHIN_MS = RETRY_INTERVAL_MS + RETRY_SPACING_TOLERANCE_MS + 1000;
/** The permanent outage: the retries, their spacing tolerance, and one slot watched after -1307. */
const GIVE_UP_WAIT_MS = (RETRY_COUNT + 1) * RETRY_INTERVAL_MS + 4000;
const WATCH_AFTER_GIVE_UP_MS = RETRY_INTERVAL_MS + RETRY_SPACING_TOLERANCE_MS;
/** A code due at a moment the bench knows (the proxy going down) may lag it by this. */
const CODE_LAG_MS = 1500;
/** Timestamps after the reconnect may run ahead of the wall-clock gap by at most this (reader
 *  allowance). */
const TIMESTAMP_SLACK_MS = 2500;
/** ... and fall behind it by at most this: the first frame read after the reconnect is the
 *  keyframe the server caches, up to one GOP (2 s at the reference) older than the reconnect,
 *  plus reader allowance. A pusher whose timestamps start again at 0 falls behind by the whole
 *  push before the outage (at least CLEAN_MS). */
const TIMESTAMP_BEHIND_MS = 3000;
/** Decoded frames per second the observer must get after the reconnect (the push is 15 fps). */
const MIN_DECODED_FPS = 5;
const LOST_CODES = new Set<number>([STATUS.SERVER_CLOSED, STATUS.READ_WRITE_FAILED]);
const RETRY_FAILURE_CODES = new Set<number>([STATUS.CONNECT_FAILED, STATUS.HANDSHAKE_FAILED, STATUS.SERVER_CLOSED, STATUS.READ_WRITE_FAILED]);
const DEVICE_CODES = new Set<number>([STATUS.CAMERA_OPENED, STATUS.FIRST_FRAME, STATUS.ENCODER_STARTED]);

interface Outage {
  startedAt: number;
  downAt: number;
  upAt: number;
  /** When the server saw the stream published again after the heal (undefined: never). */
  republishedAt: number | undefined;
  before: Observation;
  after: Observation | undefined;
  /** The second, permanent outage: from then on the proxy resets every connection. */
  finalDownAt: number;
  /** When the proxy saw the live connection end and each later connection attempt open. */
  lostAt: number | undefined;
  attempts: number[];
  gaveUpAt: number | undefined;
  endedAt: number;
  codes: { code: number; at: number; message: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function runOutage(ctx: CheckContext): Promise<Outage> {
  const embedded = embeddedServer(ctx);
  const path = `/live/${ctx.streamName}`;
  const publishes: number[] = [];
  const onPublish = (e: { streamPath: string }) => {
    if (e.streamPath === path) publishes.push(Date.now());
  };
  embedded.on('publish', onPublish);
  const proxy = await proxyFor(ctx);
  try {
    await ctx.iut.create({ url: proxy.url(ctx.streamUrl) }, ctx.rig);
    const startedAt = Date.now();
    const published = expectPublish(ctx, PUBLISH_TIMEOUT_MS);
    await ctx.iut.call('start');
    await published;
    const observeFrom = Date.now();
    const beforeObs = observeStream(ctx.streamUrl, { durationMs: CLEAN_MS + OUTAGE_MS, frames: false, audio: false, workDir: ctx.workDir });
    await sleep(CLEAN_MS - (Date.now() - observeFrom));
    const downAt = Date.now();
    await proxy.down();
    await sleep(OUTAGE_MS);
    await proxy.up();
    const upAt = Date.now();
    const before = await beforeObs;
    const deadline = upAt + BACK_WITHIN_MS + RETRY_INTERVAL_MS;
    while (!publishes.some((t) => t > downAt) && Date.now() < deadline) await sleep(50);
    const republishedAt = publishes.find((t) => t > downAt);
    const after = republishedAt === undefined ? undefined : await observeStream(ctx.streamUrl, { durationMs: AFTER_MS, frames: { everyMs: 100 }, audio: false, workDir: ctx.workDir });
    // For good: every connection, the live one and each retry, is reset at its first bytes, so
    // the proxy itself sees (and dates) every retry.
    const finalDownAt = Date.now();
    proxy.setToxic('refuse', { type: 'reset_peer', stream: 'upstream', timeoutMs: 0 });
    const gaveUp = await ctx.iut.waitForStatus(STATUS.RECONNECT_EXHAUSTED, GIVE_UP_WAIT_MS).catch(() => undefined);
    await sleep(WATCH_AFTER_GIVE_UP_MS);
    const history = proxy.history().filter((h) => h.at >= finalDownAt);
    return {
      lostAt: history.find((h) => h.kind === 'close')?.at,
      attempts: history.filter((h) => h.kind === 'open').map((h) => h.at),
      startedAt,
      downAt,
      upAt,
      republishedAt,
      before,
      after,
      finalDownAt,
      gaveUpAt: gaveUp?.receivedAt,
      endedAt: Date.now(),
      codes: codesWithTimes(ctx.iut.events()),
    };
  } finally {
    embedded.off('publish', onPublish);
    await proxy.close();
  }
}

const outage = sharedScenario(runOutage, async (ctx, o) => {
  const rel = (t: number | undefined) => (t === undefined ? null : t - o.startedAt);
  await ctx.attach(
    'outage timeline and status codes (ms after start)',
    'application/json',
    JSON.stringify(
      {
        proxyDown: rel(o.downAt),
        proxyUp: rel(o.upAt),
        republishedAtServer: rel(o.republishedAt),
        finalProxyResetsAll: rel(o.finalDownAt),
        liveConnectionLost: rel(o.lostAt),
        retriesSeenByProxy: o.attempts.map(rel),
        codes: o.codes.map((c) => ({ code: c.code, at: rel(c.at), message: c.message })),
      },
      null,
      2,
    ),
  );
  const rows = ['observation,arrived_s,dts_ms,size,keyframe'];
  for (const [name, obs] of [['before', o.before], ['after', o.after]] as const) {
    for (const p of obs?.packets ?? []) if (p.stream === 'video') rows.push([name, rel(p.arrivedAtMs)! / 1000, p.dtsMs, p.size, p.keyframe ? 1 : 0].join(','));
  }
  await ctx.attach('video packets at the server before and after the outage (bitrate over time)', 'text/csv', rows.join('\n') + '\n');
});

function connectionCodes(o: Outage, from: number, to: number): { code: number; at: number }[] {
  return o.codes.filter((c) => c.at >= from && c.at < to && !DEVICE_CODES.has(c.code));
}

const REQUIRES: CheckMeta['requires'] = { methods: ['start'], events: ['statechange'], rig: ['embedded-server'] };
const TIMEOUT_MS = PUBLISH_TIMEOUT_MS + CLEAN_MS + OUTAGE_MS + BACK_WITHIN_MS + RETRY_INTERVAL_MS + AFTER_MS + GIVE_UP_WAIT_MS + WATCH_AFTER_GIVE_UP_MS + 20_000;

check(
  {
    id: 'status-codes/1102/outage-mid-push',
    area: 'status-codes',
    feature: '1102',
    story: 'a 4 s outage mid-push: 1102, back within one retry slot of the heal, timestamps continue, frames decode',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 1102 (网络断连, 已启动自动重连), 3004/3005, 3002; context-api.md (vendor default 3 retries, 3 s apart)',
    specRows: ['status:1102', 'status:3005'],
    tolerance:
      `the proxy down for ${OUTAGE_MS} ms after ${CLEAN_MS} ms of push: a 3004 or 3005 then 1102 within ${CODE_LAG_MS} ms of the drop; ` +
      `each further code before the stream is back is a failed retry (300x) followed by 1102, then 1001 1002; nothing else; ` +
      `the server sees the stream published again within ${BACK_WITHIN_MS} ms of the heal (one ${RETRY_INTERVAL_MS} ms retry slot, its ${RETRY_SPACING_TOLERANCE_MS} ms tolerance and 1 s to reconnect); ` +
      `after it the first video packet is a keyframe, at least ${MIN_DECODED_FPS} frames/s decode, and the first timestamp is not before the last one read before the drop, ahead of it by at most the wall-clock gap + ${TIMESTAMP_SLACK_MS} ms and at least the gap − ${TIMESTAMP_BEHIND_MS} ms`,
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const o = await outage(ctx);
    const until = o.republishedAt ?? o.finalDownAt;
    const codes = connectionCodes(o, o.downAt, until + CODE_LAG_MS);
    const listed = codes.map((c) => `${c.code}@${c.at - o.downAt}ms`).join(' ') || 'none';
    const first = codes[0];
    expectTrue(`the drop reported as 3004 or 3005 within ${CODE_LAG_MS} ms (codes after the drop: ${listed})`, first !== undefined && LOST_CODES.has(first.code) && first.at - o.downAt <= CODE_LAG_MS);
    expectTrue(`1102 right after the drop (codes after the drop: ${listed})`, codes[1]?.code === STATUS.RECONNECTING && codes[1].at - o.downAt <= CODE_LAG_MS);
    let i = 2;
    while (i + 1 < codes.length && RETRY_FAILURE_CODES.has(codes[i]!.code) && codes[i + 1]!.code === STATUS.RECONNECTING) i += 2;
    const rest = codes.slice(i).map((c) => c.code);
    expectEqual(`codes once the retries stop failing (codes after the drop: ${listed})`, rest.join(' '), `${STATUS.CONNECTED} ${STATUS.PUSH_BEGIN}`);
    if (o.republishedAt === undefined) fail(`the server did not see the stream published again within ${BACK_WITHIN_MS + RETRY_INTERVAL_MS} ms of the heal (codes after the drop: ${listed})`);
    expectAtMost('from the heal to the server seeing the stream published again', o.republishedAt - o.upAt, BACK_WITHIN_MS, ' ms');
    const after = o.after;
    const video = (after?.packets ?? []).filter((p) => p.stream === 'video');
    if (!after || video.length === 0) fail(`no video read from the server in the ${AFTER_MS} ms after the stream was back`);
    expectTrue('the first video packet after the reconnect is a keyframe (a decoder can start there)', video[0]!.keyframe);
    const decodedFps = after.frames.length / (AFTER_MS / 1000);
    expectTrue(`frames decoded after the reconnect: ${after.frames.length} in ${AFTER_MS} ms, at least ${MIN_DECODED_FPS}/s expected`, decodedFps >= MIN_DECODED_FPS);
    // The first observer may stay attached across the gap and read the stream again: only what
    // arrived before the drop counts as before.
    const beforeVideo = o.before.packets.filter((p) => p.stream === 'video' && (p.arrivedAtMs ?? Infinity) <= o.downAt);
    if (beforeVideo.length === 0) fail('no video read from the server before the outage');
    const lastBefore = beforeVideo[beforeVideo.length - 1]!;
    const firstAfter = video[0]!;
    const wallGap = (firstAfter.arrivedAtMs ?? 0) - (lastBefore.arrivedAtMs ?? 0);
    const tsGap = firstAfter.dtsMs - lastBefore.dtsMs;
    ctx.log(`last timestamp before the outage ${lastBefore.dtsMs} ms, first after ${firstAfter.dtsMs} ms; wall-clock gap ${wallGap} ms`);
    expectTrue(`timestamps continue across the reconnect: first after ${firstAfter.dtsMs} ms, last before ${lastBefore.dtsMs} ms (they must not go back)`, tsGap >= 0);
    expectAtMost(`timestamp gap across the reconnect (wall-clock gap ${wallGap} ms + ${TIMESTAMP_SLACK_MS} ms)`, tsGap, wallGap + TIMESTAMP_SLACK_MS, ' ms');
    expectAtLeast(`timestamp gap across the reconnect (wall-clock gap ${wallGap} ms − ${TIMESTAMP_BEHIND_MS} ms)`, tsGap, wallGap - TIMESTAMP_BEHIND_MS, ' ms');
  },
);

check(
  {
    id: 'status-codes/-1307/outage-for-good',
    area: 'status-codes',
    feature: '-1307',
    story: 'the uplink goes down for good mid-push: 1102 per retry, 3 s apart, then -1307, then silence',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 -1307 (网络断连，且经多次重连抢救无效，更多重试请自行重启推流), 1102, 3003-3005; context-api.md (vendor default 3 retries, 3 s apart)',
    specRows: ['status:-1307', 'status:1102'],
    tolerance:
      `after the proxy starts resetting every connection at its first bytes: 3004/3005 then 1102, then ${RETRY_COUNT - 1} × (a failed retry, 300x, then 1102) and a last failed retry then -1307; ` +
      `exactly ${RETRY_COUNT} retries reach the proxy before -1307, the first ${RETRY_INTERVAL_MS} ± ${RETRY_SPACING_TOLERANCE_MS} ms after the live connection ended and each next one as far after the previous (the proxy's own times); ` +
      `-1307 after the last retry; no retry and no code in the ${WATCH_AFTER_GIVE_UP_MS} ms after it`,
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const o = await outage(ctx);
    const codes = connectionCodes(o, o.finalDownAt, o.endedAt + 1);
    const listed = codes.map((c) => `${c.code}@${c.at - o.finalDownAt}ms`).join(' ') || 'none';
    const gaveUpAt = o.gaveUpAt;
    if (gaveUpAt === undefined) fail(`no -1307 within ${GIVE_UP_WAIT_MS} ms of the uplink going down for good (codes after the drop: ${listed})`);
    const giveUp = codes.findIndex((c) => c.code === STATUS.RECONNECT_EXHAUSTED);
    const upTo = codes.slice(0, giveUp + 1).map((c) => c.code);
    const shape = upTo.map((c, k) => {
      if (k === upTo.length - 1) return c === STATUS.RECONNECT_EXHAUSTED;
      if (k === 0) return LOST_CODES.has(c);
      return k % 2 === 1 ? c === STATUS.RECONNECTING : RETRY_FAILURE_CODES.has(c);
    });
    expectTrue(`codes after the drop: the loss, 1102, then (failed retry, 1102) pairs and a failed retry before -1307 (got ${listed})`, shape.every(Boolean) && upTo.length % 2 === 0);
    const retries = upTo.filter((c, k) => k > 0 && k % 2 === 0).length;
    expectEqual(`failed retries before -1307 (codes after the drop: ${listed})`, retries, RETRY_COUNT);
    const seen = o.attempts.filter((t) => t <= gaveUpAt);
    const after = o.attempts.filter((t) => t > gaveUpAt);
    const rel = (t: number) => `${t - o.finalDownAt} ms`;
    expectEqual(`retries the proxy saw before -1307 (at ${seen.map(rel).join(', ') || 'none'} after the drop)`, seen.length, RETRY_COUNT);
    expectTrue(`retries after -1307: ${after.length} (at ${after.map(rel).join(', ') || '-'}); the pusher must stay down once it gave up`, after.length === 0);
    if (o.lostAt === undefined) fail('the proxy saw no end of the live connection after it started resetting');
    seen.forEach((t, k) => {
      const prev = k === 0 ? o.lostAt! : seen[k - 1]!;
      expectWithin(`spacing of retry #${k + 1} at the proxy (after ${k === 0 ? 'the live connection ended' : `retry #${k}`})`, t - prev, RETRY_INTERVAL_MS, RETRY_SPACING_TOLERANCE_MS, ' ms');
    });
    const later = codes.slice(giveUp + 1);
    expectTrue(`no code after -1307 (got ${later.map((c) => `${c.code}@${c.at - gaveUpAt}ms after it`).join(' ') || 'none'})`, later.length === 0);
  },
);
