// Device faults and the codes they cause, one scenario per code, each with the fault injected
// through the rig (rig/device-fault.ts; docs/driver-protocol.md "Device faults"): a camera or
// microphone that cannot be opened (-1301 / -1302: the whole code sequence, and nothing reaches
// the server), a camera whose frames end once during the push (1104, then frames flowing again
// on the same connection with continuing timestamps, judged at the server). A camera that ends
// at every opening (-1303) is in restart-budget.check.ts, so the two files share the workers.
// Spec: live-pusher.zh.md 状态码 -1301 (打开摄像头失败), -1302 (打开麦克风失败), 1104 (视频编码失败,
// 内部会重启编码器); context-api.md "Status codes: what triggers them".
import { check, type CheckContext } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { expectCodeSequence, withoutUplinkAdaptation } from '../support/codes.ts';
import { expectAtLeast, expectAtMost, expectTrue, fail } from '../support/expect.ts';
import { attachFrame, framesBetween, observeWhateverArrives, pushAndObserve, statusCodes } from '../support/scenario.ts';
import {
  MIN_PACE,
  OPENED_BEFORE_MIC,
  counters,
  expectContinuousTimestamps,
  expectFailedStart,
  expectStreamTimeKeepsPace,
  videoPackets,
  withCameraFault,
  withMicrophoneFault,
  waitForStartFailure,
} from './device-support.ts';

/** A device failure at start is reported within this of start. */
const FAILURE_WAIT_MS = 10_000;
/** After the failure code, further codes still count for this long. */
const SETTLE_MS = 1000;
/** After a failed start, the server is watched this long for anything published. */
const NOTHING_PUBLISHED_MS = 2000;

async function failedDeviceStart(ctx: CheckContext, rig: unknown, failure: number): Promise<{ codes: number[]; bytes: boolean }> {
  await ctx.iut.create({ url: ctx.streamUrl }, rig);
  await ctx.iut.call('start').catch((err: unknown) => ctx.log(`start answered: ${(err as Error).message}`));
  await waitForStartFailure(ctx, failure, FAILURE_WAIT_MS);
  const o = await observeWhateverArrives(ctx, { durationMs: SETTLE_MS, startTimeoutMs: NOTHING_PUBLISHED_MS });
  return { codes: statusCodes(ctx.iut.events()), bytes: o.firstPacketAtMs !== null };
}

check(
  {
    id: 'status-codes/-1301',
    area: 'status-codes',
    feature: '-1301',
    story: 'camera cannot be opened',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 -1301 (推流：打开摄像头失败); context-api.md (-1301 camera failed to open)',
    specRows: ['status:-1301'],
    tolerance: `-1301 within ${FAILURE_WAIT_MS / 1000} s of start for a front camera whose rig fault is never-opens; no code before it, none in the ${SETTLE_MS} ms after it; nothing published within ${NOTHING_PUBLISHED_MS / 1000} s (no black frames in place of the camera)`,
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    const { codes, bytes } = await failedDeviceStart(ctx, withCameraFault(ctx, { kind: 'never-opens' }), STATUS.CAMERA_OPEN_FAILED);
    expectFailedStart('codes for a camera that cannot be opened', codes, STATUS.CAMERA_OPEN_FAILED, []);
    expectTrue('nothing reaches the server after -1301', !bytes, 'stream bytes arrived: the IUT pushed without its camera');
  },
);

check(
  {
    id: 'status-codes/-1302',
    area: 'status-codes',
    feature: '-1302',
    story: 'microphone cannot be opened',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 -1302 (推流：打开麦克风失败); context-api.md (-1302 microphone failed to open)',
    specRows: ['status:-1302'],
    tolerance: `-1302 within ${FAILURE_WAIT_MS / 1000} s of start for a microphone whose rig fault is never-opens; before it at most ${OPENED_BEFORE_MIC.join(' ')} (the camera opened), none in the ${SETTLE_MS} ms after it; nothing published within ${NOTHING_PUBLISHED_MS / 1000} s`,
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    const { codes, bytes } = await failedDeviceStart(ctx, withMicrophoneFault(ctx, { kind: 'never-opens' }), STATUS.MIC_OPEN_FAILED);
    expectFailedStart('codes for a microphone that cannot be opened', codes, STATUS.MIC_OPEN_FAILED, OPENED_BEFORE_MIC);
    expectTrue('nothing reaches the server after -1302', !bytes, 'stream bytes arrived: the IUT pushed without its microphone');
  },
);

/** The camera's frames end this long after it opened (once). */
const ENDS_AFTER_MS = 2000;
/** 1104 is due within this of start: the camera ends, the pusher notices the silence. */
const RESTART_CODE_WAIT_MS = 15_000;
/** After 1104, frames must reach the reader again within this (one retry slot). */
const RECOVERY_MS = 3000;
/** Frames are watched this long after recovery is due. */
const AFTER_RECOVERY_MS = 2000;
const RESTART_OBSERVE_MS = 11_000;
/** Least number of readable counter values after recovery, and their least advance. */
const MIN_RECOVERED_COUNTERS = 3;

check(
  {
    id: 'status-codes/1104',
    area: 'status-codes',
    feature: '1104',
    story: 'camera ends once: encoder restarted',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 1104 (推流：视频编码失败, 内部会重启编码器); context-api.md (1104 non-fatal)',
    specRows: ['status:1104'],
    tolerance: `front camera's frames end ${ENDS_AFTER_MS} ms after it opened (once); 1104 within ${RESTART_CODE_WAIT_MS / 1000} s of start, and the whole sequence 1003 1007 1008 beside 1001 1002 1104 (nothing else but the uplink's adaptation codes 1006 / 1101, judged by the uplink checks); at the same reader (no reconnect) video arrives again within ${RECOVERY_MS} ms of 1104, the decoded frames (one per 250 ms) from then for ${AFTER_RECOVERY_MS} ms carry the camera's frame counter, advancing (at least ${MIN_RECOVERED_COUNTERS} readings); video dts always advances (never back, never standing still) and never leaps ahead of the wall clock, and after the restart advances at least ${MIN_PACE * 100} % of the wall time at the reader`,
    requires: { methods: ['start'], events: ['statechange'], rig: ['synthetic-camera'] },
    timeoutMs: 60_000,
  },
  async (ctx) => {
    let restartAt = 0;
    const { observation: o, observedTo } = await pushAndObserve(ctx, {}, {
      rig: withCameraFault(ctx, { kind: 'ends', afterMs: ENDS_AFTER_MS, times: 1 }),
      observeMs: RESTART_OBSERVE_MS,
      framesEveryMs: 250,
      during: async () => {
        restartAt = (await ctx.iut.waitForStatus(STATUS.VIDEO_ENCODER_RESTART, RESTART_CODE_WAIT_MS)).receivedAt;
      },
    });
    expectCodeSequence('codes for a camera that ended once (uplink adaptation codes left out)', withoutUplinkAdaptation(statusCodes(ctx.iut.events())), [STATUS.CONNECTED, STATUS.PUSH_BEGIN, STATUS.VIDEO_ENCODER_RESTART]);
    expectTrue('the reader stayed connected through the restart', !o.endedEarly, `the stream ended after ${Math.round(o.observedMs)} ms: the push did not go on`);
    const video = videoPackets(o);
    const back = video.find((p) => p.arrivedAtMs! > restartAt);
    if (!back) fail(`no video reached the reader after 1104 (${video.length} video packets before it)`);
    ctx.log(`video at the reader again ${Math.round(back.arrivedAtMs! - restartAt)} ms after 1104`);
    expectAtMost('ms from 1104 to video at the reader again', back.arrivedAtMs! - restartAt, RECOVERY_MS, ' ms');
    const due = restartAt + RECOVERY_MS;
    expectAtLeast('ms of observation after recovery was due', observedTo - due, AFTER_RECOVERY_MS, ' ms');
    const recovered = framesBetween(o.frames, due, due + AFTER_RECOVERY_MS);
    await attachFrame(ctx, 'a frame after the restart', recovered[recovered.length - 1]);
    const seen = counters(recovered);
    ctx.log(`after recovery: ${recovered.length} frames, counters ${seen.join(' ')}`);
    expectAtLeast(`readable frame counters after the restart (of ${recovered.length} frames)`, seen.length, MIN_RECOVERED_COUNTERS);
    expectTrue('the frame counter advances after the restart', seen[seen.length - 1]! > seen[0]!, `counters ${seen.join(' ')}`);
    expectContinuousTimestamps('timestamps across the restart', video);
    const after = video.filter((p) => p.arrivedAtMs! >= back.arrivedAtMs!);
    const pace = expectStreamTimeKeepsPace('stream time after the restart', after);
    ctx.log(`after the restart: stream time ${Math.round(pace.streamMs)} ms over ${Math.round(pace.wallMs)} ms at the reader`);
  },
);
