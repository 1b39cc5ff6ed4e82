// Bitrate adaptation and netstatus on a capped uplink, judged on one push through the impairment
// proxy (impaired-push.ts): clean, then the uplink capped below max-bitrate, then below
// min-bitrate (plus audio), then the cap lifted. The push sets mode RTC, whose preset has an
// adaptive resolution range (context-api.md "Presets behind mode"): the size of every frame
// decoded at the server (frame-sizes.ts) judges 1005. The proxy's record says when each cap took
// effect; the server says what the encoder produced (bytes per frame interval of the packets that
// arrived, so dropped frames do not read as a lower bitrate); the bench's receive times date the
// codes and reports. Several checks judge the same push (support/shared.ts).
// Spec: live-pusher.zh.md 通用属性 min-bitrate / max-bitrate (最小/最大码率), mode; 状态码 1005
// (推流动态调整分辨率), 1006 (推流动态调整码率),
// 1101 (网络状况不佳：上行带宽太小，上传数据受阻); 网络状态数据（info） netSpeed, videoCache, audioCache,
// netQualityLevel; context-api.md netstatus.
import { check, type CheckContext, type CheckMeta } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { preset } from '../../../spec/index.ts';
import type { TimelineStep } from '../../../adapters/faults/impairment-proxy.ts';
import type { Packet } from '../../oracles/packets.ts';
import { expectAtLeast, expectAtMost, expectTrue, fail } from '../support/expect.ts';
import { sharedScenario } from '../support/shared.ts';
import { arrivedBetween, arrivedKbps, attachImpairedEvidence, backlogReached, codesWithTimes, encodedKbps, impairedPush, median, netstatusReports, stepAt, type ImpairedPush } from './impaired-push.ts';
import { judgeResizes, RESIZE_LAG_MS, RESIZE_LEAD_MS } from './resize-judge.ts';

const MIN_KBPS = 500;
const MAX_KBPS = 1500;
/** Below max-bitrate, above min-bitrate plus audio: a pusher must come down into it. */
const CAP_KBPS = 900;
/** Below min-bitrate alone: the uplink cannot carry even the minimum (1101). */
const BUSY_KBPS = 200;
const CLEAN_MS = 4000;
/** The clean phase is measured from this far after the publish (start-up burst of the GOP cache). */
const CLEAN_SETTLE_MS = 1500;
/** Before the cap, the server must receive at least this multiple of the cap, or the cap would not
 *  congest the push and nothing could be judged (a machine too loaded to encode at max-bitrate). */
const OVER_CAP = 1.2;
/** Long enough for the backlog to reach the pusher through the proxy's buffers (seen up to 6.7 s into
 *  the cap, the proxy's socket taking what it cannot yet send) and still leave frames to judge. */
const CAP_MS = 16_000;
const BUSY_MS = 8000;
/** Below the minimum, the encoder and netstatus are judged from this far into the phase (the
 *  encoder is at min-bitrate already; the queue has had time to build). */
const BUSY_SETTLE_MS = 3000;
const LIFT_MS = 12_000;
const STEP = { clean: 0, cap: 1, busy: 2, lift: 3 } as const;
const STEPS: TimelineStep[] = [
  { apply: [], holdMs: CLEAN_MS },
  { apply: [{ op: 'set', name: 'uplink-cap', toxic: { type: 'bandwidth', stream: 'upstream', kbps: CAP_KBPS } }], holdMs: CAP_MS },
  { apply: [{ op: 'set', name: 'uplink-cap', toxic: { type: 'bandwidth', stream: 'upstream', kbps: BUSY_KBPS } }], holdMs: BUSY_MS },
  { apply: [{ op: 'remove', name: 'uplink-cap' }], holdMs: LIFT_MS },
];

/** Spec: down within 2 s of congestion, counted from when the cap's backlog reached the pusher:
 *  the buffers in front of the bottleneck (the proxy's queue, the chunk its bandwidth stage holds,
 *  its socket's receive buffer, which acknowledges what it takes: 250-300 KB on loopback) must
 *  fill first, which takes seconds and varies with load. The bench sees that moment in the
 *  kernel's send queue of the connection to the proxy (impaired-push.ts uplinkBacklog). 1 s more
 *  for the encoder restart and the event's way to the bench. */
const DOWN_DEADLINE_MS = 3000;
/** After the 1006, the new encoder's frames come this much later (restart). */
const ENCODER_RESTART_MS = 1000;
/** At least this many frames made after the pusher had to adapt are needed to judge them. */
const MIN_JUDGED_FRAMES = 15;
/** The uplink's backlog has reached the pusher once its end of the connection holds this much. */
const BACKLOG_REACHED_BYTES = 16 * 1024;
/** netSpeed under the cap is judged from this much later on (the buffers in front of the
 *  bottleneck full, the pusher adapted). */
const SETTLE_MS = 7000;
/** A cap below min-bitrate is reported (1101) within this of taking effect (the whole phase): the
 *  pusher first steps down on a send rate still measured partly under the earlier cap, and only a
 *  later congestion, after its hold, shows a rate below the minimum (4-8 s measured here). */
const BUSY_DEADLINE_MS = 8000;
/** The floor is judged on windows of this much arrival time. */
const FLOOR_WINDOW_MS = 1000;
/** Encoded bitrates may read this far under min-bitrate (CBR rate control, frame sizes). */
const FLOOR_TOLERANCE = 0.15;
/** The encoded video bitrate the capped uplink can carry at all: the cap (audio shares it). */
const CAP_TOLERANCE = 0;
/** Once the cap lifted, the last UP_JUDGE_MS of the phase must be back near max-bitrate. */
const UP_JUDGE_MS = 2500;
const UP_SHARE = 0.75;
const CODES_CAUSED = new Set<number>([STATUS.BITRATE_CHANGED, STATUS.RESOLUTION_CHANGED, STATUS.NET_BUSY]);
const START_CODES = new Set<number>([STATUS.CONNECTED, STATUS.PUSH_BEGIN, STATUS.CAMERA_OPENED, STATUS.FIRST_FRAME, STATUS.ENCODER_STARTED]);
/** A mode whose preset steps its resolution with the bitrate (1005); its preset size is the
 *  attribute defaults' 360x640, so the push encodes what it did without a mode. */
const MODE = 'RTC';
const ATTRS = { mode: MODE, 'min-bitrate': MIN_KBPS, 'max-bitrate': MAX_KBPS };
const TIMEOUT_MS = CLEAN_MS + CAP_MS + BUSY_MS + LIFT_MS + 40_000;

function capAt(p: ImpairedPush): (wall: number) => string {
  return (wall) => {
    if (wall >= stepAt(p.run, STEP.lift)) return 'none';
    if (wall >= stepAt(p.run, STEP.busy)) return `${BUSY_KBPS} kbps`;
    if (wall >= stepAt(p.run, STEP.cap)) return `${CAP_KBPS} kbps`;
    return 'none';
  };
}

const uplink = sharedScenario(
  (ctx: CheckContext) => impairedPush(ctx, ATTRS, STEPS, { sizes: true }),
  (ctx, p) => attachImpairedEvidence(ctx, p, capAt(p)),
);

/** The scenario is judgeable only if the clean push carried more than the cap; else broken (not failed). */
function requireOverCap(p: ImpairedPush): void {
  const kbps = arrivedKbps(p.observation.packets, p.observation.startedAtEpochMs + CLEAN_SETTLE_MS, stepAt(p.run, STEP.cap));
  if (kbps < CAP_KBPS * OVER_CAP) {
    throw new Error(
      `precondition not met: ${kbps.toFixed(0)} kbps reached the server before the cap, less than ${OVER_CAP} × the ${CAP_KBPS} kbps cap, so the cap would not congest the push (max-bitrate ${MAX_KBPS}; is the machine too loaded to encode in real time?)`,
    );
  }
}

/** Stream timestamp to wall clock: the clean push's live edge, the smallest arrival − timestamp
 *  of the video that arrived before the cap. */
function liveEdgeOffset(p: ImpairedPush): number {
  const clean = p.observation.packets.filter((x) => x.stream === 'video' && x.arrivedAtMs !== undefined && x.arrivedAtMs < stepAt(p.run, STEP.cap));
  if (clean.length === 0) fail('no video reached the server before the cap');
  return Math.min(...clean.map((x) => x.arrivedAtMs! - x.dtsMs));
}

/** Video frames made (stream timestamp on the wall clock, placed by liveEdgeOffset) in [from, to). */
function producedBetween(p: ImpairedPush, from: number, to: number): Packet[] {
  const offset = liveEdgeOffset(p);
  return p.observation.packets.filter((x) => x.stream === 'video' && x.arrivedAtMs !== undefined && x.dtsMs + offset >= from && x.dtsMs + offset < to);
}

/** Encoded video kbps of what arrived at the server in [from, to); a failure when nothing did. */
function encodedBetween(p: ImpairedPush, what: string, from: number, to: number): number {
  const kbps = encodedKbps(arrivedBetween(p.observation.packets, 'video', from, to));
  if (kbps === null) fail(`${what}: fewer than 3 video frames reached the server in that window`);
  return kbps;
}

/** The lowest encoded video bitrate over the whole seconds (of arrival) in [from, to) that hold at least 3 frames. */
function lowestEncodedSecond(p: ImpairedPush, from: number, to: number): { at: number; kbps: number } | undefined {
  let lowest: { at: number; kbps: number } | undefined;
  for (let t = from; t + FLOOR_WINDOW_MS <= to; t += FLOOR_WINDOW_MS) {
    const kbps = encodedKbps(arrivedBetween(p.observation.packets, 'video', t, t + FLOOR_WINDOW_MS));
    if (kbps !== null && (!lowest || kbps < lowest.kbps)) lowest = { at: t, kbps };
  }
  return lowest;
}

function codesBetween(p: ImpairedPush, code: number, from: number, to: number): number[] {
  return codesWithTimes(p.events)
    .filter((c) => c.code === code && c.at >= from && c.at < to)
    .map((c) => c.at);
}

const REQUIRES: CheckMeta['requires'] = { methods: ['start'], events: ['statechange'], attributes: ['min-bitrate', 'max-bitrate'] };

check(
  {
    id: 'status-codes/1006/capped-uplink',
    area: 'status-codes',
    feature: '1006',
    story: 'an uplink capped below max-bitrate: 1006, and the encoder comes down to what the cap carries',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 1006 (编码器码率改变); 通用属性 min-bitrate / max-bitrate',
    specRows: ['status:1006', 'attribute:min-bitrate', 'attribute:max-bitrate'],
    tolerance:
      `min-bitrate ${MIN_KBPS}, max-bitrate ${MAX_KBPS}, uplink capped at ${CAP_KBPS} kbps by the proxy: a 1006 within ${DOWN_DEADLINE_MS} ms of the cap's backlog reaching the pusher's socket (${BACKLOG_REACHED_BYTES / 1024} KB in its kernel send queue, read by the bench); ` +
      `the encoded video bitrate at the server (bytes per frame interval) of the frames made from ${DOWN_DEADLINE_MS + ENCODER_RESTART_MS} ms after the backlog reached the pusher to the end of the cap at most the cap (${CAP_KBPS} kbps); in every ${FLOOR_WINDOW_MS} ms of arrival while capped (${CAP_KBPS} and ${BUSY_KBPS} kbps) with 3 frames or more, at least min-bitrate − ${FLOOR_TOLERANCE * 100} %; ` +
      'no code other than 1001 1002 1003 1007 1008 1006 1005 1101 in the whole push',
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const p = await uplink(ctx);
    requireOverCap(p);
    const capFrom = stepAt(p.run, STEP.cap);
    const capTo = stepAt(p.run, STEP.busy);
    const down = codesBetween(p, STATUS.BITRATE_CHANGED, capFrom, capTo);
    const reached = backlogReached(p.backlog, BACKLOG_REACHED_BYTES, capFrom, capTo) ?? capFrom;
    const where = p.backlog.length ? `the backlog reached the pusher ${reached - capFrom} ms into the cap` : 'no backlog readings (not Linux): counted from the cap';
    expectTrue(
      `a 1006 within ${DOWN_DEADLINE_MS} ms of congestion reaching the pusher (${where}; 1006 at ${down.map((t) => `${t - capFrom} ms`).join(', ') || 'none during the cap'})`,
      down.length > 0 && down[0]! - reached <= DOWN_DEADLINE_MS,
    );
    // Frames are placed by when they were made (their timestamp on the wall clock of the clean
    // push), not by when they arrived: frames made before the pusher could know drain through the
    // proxy's buffers for seconds after.
    const adaptedFrom = reached + DOWN_DEADLINE_MS + ENCODER_RESTART_MS;
    const made = producedBetween(p, adaptedFrom, capTo);
    if (made.length < MIN_JUDGED_FRAMES) {
      throw new Error(`cannot judge: the cap's backlog reached the pusher ${reached - capFrom} ms into the ${CAP_MS} ms cap, leaving ${made.length} frames made after the ${DOWN_DEADLINE_MS + ENCODER_RESTART_MS} ms it has to adapt`);
    }
    const kbps = encodedKbps(made)!;
    ctx.log(`encoded video made from ${adaptedFrom - capFrom} ms into the ${CAP_KBPS} kbps cap to its end: ${kbps.toFixed(0)} kbps (${made.length} frames)`);
    expectAtMost(`encoded video bitrate at the server of the frames made from ${adaptedFrom - capFrom} ms into the ${CAP_KBPS} kbps cap (congestion reached the pusher + ${DOWN_DEADLINE_MS + ENCODER_RESTART_MS} ms)`, kbps, CAP_KBPS * (1 + CAP_TOLERANCE), ' kbps');
    // Never below min-bitrate: every second of video that reached the server while capped (a
    // mean over the window could hide a dip that a probe back up makes up for).
    const floor = lowestEncodedSecond(p, capFrom, stepAt(p.run, STEP.lift));
    if (floor) ctx.log(`lowest encoded second while capped: ${floor.kbps.toFixed(0)} kbps, ${floor.at - capFrom} ms into the cap`);
    expectAtLeast(
      `encoded video bitrate at the server in its lowest second while capped (${floor ? `${floor.at - capFrom} ms into the cap` : 'no second with 3 frames'}; min-bitrate ${MIN_KBPS})`,
      floor?.kbps ?? 0,
      MIN_KBPS * (1 - FLOOR_TOLERANCE),
      ' kbps',
    );
    const extra = codesWithTimes(p.events).filter((c) => !CODES_CAUSED.has(c.code) && !START_CODES.has(c.code));
    expectTrue(`codes beyond the start codes and 1006/1005/1101: ${extra.map((c) => `${c.code} (${c.message})`).join('; ') || 'none'}`, extra.length === 0);
  },
);

check(
  {
    id: 'status-codes/1006/cap-lifted',
    area: 'status-codes',
    feature: '1006',
    story: 'the cap lifts: 1006 and the encoder back up near max-bitrate',
    severity: 'normal',
    spec: 'live-pusher.zh.md 状态码 1006 (编码器码率改变); 通用属性 max-bitrate',
    specRows: ['status:1006', 'attribute:max-bitrate'],
    tolerance: `after the cap is removed: a 1006 during the ${LIFT_MS} ms that follow, and the encoded video bitrate of the last ${UP_JUDGE_MS} ms at least ${UP_SHARE * 100} % of max-bitrate ${MAX_KBPS} and at most max-bitrate + 10 %`,
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const p = await uplink(ctx);
    requireOverCap(p);
    const liftFrom = stepAt(p.run, STEP.lift);
    const liftTo = liftFrom + LIFT_MS;
    const up = codesBetween(p, STATUS.BITRATE_CHANGED, liftFrom, liftTo + 1);
    expectTrue(`a 1006 after the cap lifted (1006 at ${up.map((t) => `${t - liftFrom} ms`).join(', ') || 'none'} after it)`, up.length > 0);
    const kbps = encodedBetween(p, 'encoded video once the cap lifted', liftTo - UP_JUDGE_MS, liftTo);
    ctx.log(`encoded video in the last ${UP_JUDGE_MS} ms after the lift: ${kbps.toFixed(0)} kbps`);
    expectAtLeast(`encoded video bitrate at the server ${LIFT_MS - UP_JUDGE_MS}-${LIFT_MS} ms after the cap lifted`, kbps, MAX_KBPS * UP_SHARE, ' kbps');
    expectAtMost('encoded video bitrate at the server once the cap lifted (max-bitrate + 10 %)', kbps, MAX_KBPS * 1.1, ' kbps');
  },
);

check(
  {
    id: 'status-codes/1101/below-min-bitrate',
    area: 'status-codes',
    feature: '1101',
    story: 'an uplink below min-bitrate: 1101, and the encoder stays at min-bitrate',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 1101 (网络状况不佳：上行带宽太小，上传数据受阻); 通用属性 min-bitrate',
    specRows: ['status:1101', 'attribute:min-bitrate'],
    tolerance:
      `uplink capped at ${BUSY_KBPS} kbps (below min-bitrate ${MIN_KBPS} + audio): a 1101 within ${BUSY_DEADLINE_MS} ms; none while the uplink was clean; ` +
      `the encoded video bitrate at the server from ${BUSY_SETTLE_MS} ms into it at least min-bitrate − ${FLOOR_TOLERANCE * 100} % (never below min-bitrate)`,
    requires: REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const p = await uplink(ctx);
    requireOverCap(p);
    const busyFrom = stepAt(p.run, STEP.busy);
    const busyTo = stepAt(p.run, STEP.lift);
    const busy = codesBetween(p, STATUS.NET_BUSY, busyFrom, busyTo);
    expectTrue(`a 1101 within ${BUSY_DEADLINE_MS} ms of the ${BUSY_KBPS} kbps cap (1101 at ${busy.map((t) => `${t - busyFrom} ms`).join(', ') || 'none during it'})`, busy.length > 0 && busy[0]! - busyFrom <= BUSY_DEADLINE_MS);
    const clean = codesBetween(p, STATUS.NET_BUSY, p.startedAt, stepAt(p.run, STEP.cap));
    expectTrue(`no 1101 while the uplink was clean (got ${clean.length})`, clean.length === 0);
    const kbps = encodedBetween(p, 'encoded video below the minimum', busyFrom + BUSY_SETTLE_MS, busyTo);
    ctx.log(`encoded video under the ${BUSY_KBPS} kbps cap: ${kbps.toFixed(0)} kbps`);
    expectAtLeast(`encoded video bitrate at the server under the ${BUSY_KBPS} kbps cap (min-bitrate ${MIN_KBPS})`, kbps, MIN_KBPS * (1 - FLOOR_TOLERANCE), ' kbps');
  },
);


check(
  {
    id: 'status-codes/1005/capped-uplink',
    area: 'status-codes',
    feature: '1005',
    story: `mode ${MODE} on a capped uplink: the resolution steps down within the preset's range, and 1005 comes with each change of the size at the server, never without one`,
    severity: 'normal',
    spec: 'live-pusher.zh.md 状态码 1005 (推流动态调整分辨率); 通用属性 mode; context-api.md "Presets behind mode" (RTC adaptive resolution 190x320 .. 360x640)',
    specRows: ['status:1005'],
    tolerance:
      `the size of every frame decoded at the server. Each size change matched in order to one 1005 (as many 1005 as changes), received from ${RESIZE_LEAD_MS} ms before to ${RESIZE_LAG_MS} ms after the first frame of the new size was made (when frames around the change were dropped: from the last frame of the old size on), ` +
      `that moment bounded by its timestamp on the clean push's live edge (not earlier) and its arrival at the server (not later; it queues behind the congested uplink); ` +
      `every size within the ${MODE} preset's adaptive range (portrait or turned); at least one step down to a smaller size made while the uplink was capped (${CAP_KBPS}, then ${BUSY_KBPS} kbps)`,
    requires: { ...REQUIRES, attributes: ['mode', 'min-bitrate', 'max-bitrate'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const p = await uplink(ctx);
    if (p.sizes.length === 0) throw new Error('the frame size reader decoded no frame at the server');
    const range = preset(MODE).adaptiveResolution;
    if (!range) throw new Error(`spec preset ${MODE} has no adaptive resolution range`);
    const codes = codesWithTimes(p.events).filter((c) => c.code === STATUS.RESOLUTION_CHANGED);
    const j = judgeResizes({ sizes: p.sizes, offset: liveEdgeOffset(p), codes: codes.map((c) => c.at), range, lowFrom: stepAt(p.run, STEP.cap), lowUntil: stepAt(p.run, STEP.lift), origin: p.run.startedAtWall });
    await ctx.attach('frame sizes at the server and 1005 (ms after the impairment timeline started)', 'application/json', JSON.stringify({ first: p.sizes[0], changes: j.changes, codes: codes.map((c) => ({ at: c.at - p.run.startedAtWall, message: c.message })) }, null, 2));
    ctx.log(j.summary);
    requireOverCap(p);
    expectTrue(`sizes at the server within the ${MODE} preset's adaptive range (outside: ${j.outside.join(', ') || 'none'})`, j.outside.length === 0);
    expectTrue(`each size change at the server matched by one 1005, from ${RESIZE_LEAD_MS} ms before the first frame of the new size was made (or from the last frame of the old size, across dropped frames) to ${RESIZE_LAG_MS} ms after (mismatched: ${j.mismatched.join('; ') || 'none'})`, j.mismatched.length === 0);
    expectTrue(`a step down to a smaller size made while the uplink was capped (${CAP_KBPS}, then ${BUSY_KBPS} kbps, below min-bitrate ${MIN_KBPS}): ${j.steppedDown}`, j.steppedDown.startsWith('yes'));
  },
);

/** netstatus reports received in [from, to). */
function reportsBetween(p: ImpairedPush, from: number, to: number): Record<string, number>[] {
  return netstatusReports(p.events)
    .filter((r) => r.at >= from && r.at < to)
    .map((r) => r.info);
}

function field(reports: Record<string, number>[], key: string): number[] {
  return reports.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
}

/** netSpeed under the cap may differ from the cap by this share (the pusher sends at most the
 *  cap; an adapted encoder sends somewhat less than it). */
const NETSPEED_LOW = 0.5;
/** A report speaks for the interval before it (2 s at the reference). */
const NETSPEED_REPORT_MS = 2000;
const NETSPEED_HIGH = 1.25;
const NETSTATUS_REQUIRES: CheckMeta['requires'] = { methods: ['start'], events: ['netstatus'], attributes: ['min-bitrate', 'max-bitrate'] };

check(
  {
    id: 'netstatus/impaired/cache-and-quality',
    area: 'netstatus',
    feature: 'impaired uplink',
    story: 'videoCache, audioCache grow and netQualityLevel worsens when the uplink cannot carry the stream',
    severity: 'normal',
    spec: 'live-pusher.zh.md 网络状态数据（info） videoCache (主播端堆积的视频帧数), audioCache (主播端堆积的音频帧数), netQualityLevel (网络质量：0~6 …)',
    specRows: ['netstatus:videoCache', 'netstatus:audioCache', 'netstatus:netQualityLevel'],
    tolerance:
      `reports received during the ${BUSY_KBPS} kbps cap (after ${BUSY_SETTLE_MS} ms) against those of the clean start: the largest videoCache and audioCache larger than the clean ones' and at least 1; ` +
      'the worst netQualityLevel worse (larger) than the worst clean one and at least 3 (一般)',
    requires: NETSTATUS_REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const p = await uplink(ctx);
    requireOverCap(p);
    const clean = reportsBetween(p, p.publishedAt, stepAt(p.run, STEP.cap));
    const busy = reportsBetween(p, stepAt(p.run, STEP.busy) + BUSY_SETTLE_MS, stepAt(p.run, STEP.lift) + 1000);
    if (clean.length === 0 || busy.length === 0) fail(`netstatus reports: ${clean.length} while clean, ${busy.length} under the ${BUSY_KBPS} kbps cap; at least one of each needed`);
    for (const key of ['videoCache', 'audioCache']) {
      const before = Math.max(0, ...field(clean, key));
      const during = Math.max(0, ...field(busy, key));
      expectTrue(`${key}: largest ${during} under the ${BUSY_KBPS} kbps cap, ${before} while clean; it must grow (and be at least 1)`, during > before && during >= 1);
    }
    const q0 = Math.max(0, ...field(clean, 'netQualityLevel'));
    const q1 = Math.max(0, ...field(busy, 'netQualityLevel'));
    expectTrue(`netQualityLevel: worst ${q1} under the ${BUSY_KBPS} kbps cap, ${q0} while clean; it must worsen to 3 or more`, q1 > q0 && q1 >= 3);
  },
);

check(
  {
    id: 'netstatus/impaired/netSpeed',
    area: 'netstatus',
    feature: 'impaired uplink',
    story: 'netSpeed follows the cap the uplink is held to',
    severity: 'normal',
    spec: 'live-pusher.zh.md 网络状态数据（info） netSpeed (当前的发送速度)',
    specRows: ['netstatus:netSpeed'],
    tolerance: `median netSpeed of the reports received from ${SETTLE_MS} ms into the ${CAP_KBPS} kbps cap (the buffers in front of the bottleneck full by then) within ${NETSPEED_LOW}-${NETSPEED_HIGH} × the cap; the median of the last ${UP_JUDGE_MS} ms of the lifted phase above ${NETSPEED_HIGH} × the cap (the figure moves with the link)`,
    requires: NETSTATUS_REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const p = await uplink(ctx);
    requireOverCap(p);
    const liftEnd = stepAt(p.run, STEP.lift) + LIFT_MS;
    const clean = field(reportsBetween(p, liftEnd - UP_JUDGE_MS - NETSPEED_REPORT_MS, liftEnd + NETSPEED_REPORT_MS), 'netSpeed');
    const capped = field(reportsBetween(p, stepAt(p.run, STEP.cap) + SETTLE_MS, stepAt(p.run, STEP.busy)), 'netSpeed');
    const c = median(clean);
    const m = median(capped);
    if (m === null || c === null) fail(`netSpeed reports: ${clean.length} at the end of the lifted phase, ${capped.length} from ${SETTLE_MS} ms into the ${CAP_KBPS} kbps cap; at least one of each needed`);
    ctx.log(`netSpeed at the end of the lifted phase: ${clean.join(' ')}; under ${CAP_KBPS} kbps: ${capped.join(' ')}`);
    expectAtLeast(`median netSpeed under the ${CAP_KBPS} kbps cap`, m, CAP_KBPS * NETSPEED_LOW, ' kbps');
    expectAtMost(`median netSpeed under the ${CAP_KBPS} kbps cap`, m, CAP_KBPS * NETSPEED_HIGH, ' kbps');
    expectAtLeast('median netSpeed at the end of the lifted phase (back to a 1.5 Mbps stream)', c, CAP_KBPS * NETSPEED_HIGH, ' kbps');
  },
);
