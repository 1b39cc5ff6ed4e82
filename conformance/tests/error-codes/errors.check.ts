// errCodes raised on purpose, and what the stream does after them: denied permissions (the
// rig's answers for scope.camera and scope.record; then no camera picture / no microphone sound
// reaches the server) and a waiting-image that cannot be loaded or fails its MD5 (then the
// rejected image is not shown while paused).
// Spec: live-pusher.zh.md 错误码 10001 / 10002 / 10004; context-api.md (a waiting-image-hash
// mismatch is a load failure).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statusKey, errorKey } from '../../../reports/spec-rows.ts';
import { ERROR, STATUS } from '../../../spec/codes.ts';
import { check, type CheckContext } from '../../check.ts';
import { rmsDbfs, toneFrequency } from '../../oracles/audio.ts';
import { identifyPattern, meanRgb, type RgbFrame } from '../../oracles/video.ts';
import { expectEqual, expectTrue, fail } from '../support/expect.ts';
import { solidPng } from '../support/image.ts';
import {
  EVERY_FRAME_TOLERANCE,
  PICTURE_FRAMES_EVERY_MS,
  attachFrame,
  expectEveryFrame,
  framesBetween,
  observeWhateverArrives,
  pushAndObserve,
} from '../support/scenario.ts';

const ERROR_WAIT_MS = 10_000;

/**
 * The code on both channels: these codes are in the spec's 错误码 (errCode) table and in its 状态码
 * (statechange code) table, so both events are due.
 */
async function expectErrCode(ctx: CheckContext, code: number): Promise<void> {
  const e = await ctx.iut.waitForEvent('error', (x) => (x.detail as { errCode?: unknown })?.errCode === code, ERROR_WAIT_MS);
  const detail = e.detail as { errMsg?: unknown };
  expectTrue(`errMsg of ${code} is a non-empty string`, typeof detail.errMsg === 'string' && detail.errMsg.length > 0);
  await ctx.iut.waitForStatus(code, ERROR_WAIT_MS).catch(() => {
    fail(`no statechange with code ${code} within ${ERROR_WAIT_MS / 1000} s (the error event with errCode ${code} came): ${code} is also a status code (状态码), due on bindstatechange`);
  });
}

/** After a denied permission, what reaches the server is watched for this long (from its first
 *  byte; nothing arriving within NOTHING_WAIT_MS is the other legal outcome). */
const AFTER_DENIAL_OBSERVE_MS = 4000;
const NOTHING_WAIT_MS = 6000;
/** Decoded audio at or below this level carries no microphone sound (the rig's tone peaks at -12 dBFS). */
const NO_MIC_DBFS = -60;

check(
  {
    id: 'error-codes/10001',
    area: 'error-codes',
    feature: '10001',
    story: 'scope.camera denied',
    severity: 'critical',
    spec: 'live-pusher.zh.md 错误码 10001 (用户禁止使用摄像头); 需要用户授权 scope.camera',
    specRows: [errorKey(ERROR.CAMERA_DENIED), statusKey(STATUS.CAMERA_DENIED)],
    tolerance: `an error event with errCode 10001 and a statechange with code 10001, each within ${ERROR_WAIT_MS / 1000} s of start; then, for ${AFTER_DENIAL_OBSERVE_MS} ms of whatever reaches the server (nothing within ${NOTHING_WAIT_MS / 1000} s is fine), no decoded frame (one per ${PICTURE_FRAMES_EVERY_MS} ms) shows either camera's pattern`,
    requires: { events: ['error'], methods: ['start'] },
  },
  async (ctx) => {
    const rig = { ...ctx.rig, permissions: { ...ctx.rig.permissions, camera: 'denied' } };
    await ctx.iut.create({ url: ctx.streamUrl }, rig);
    await ctx.iut.call('start').catch(() => undefined);
    await expectErrCode(ctx, ERROR.CAMERA_DENIED);
    const o = await observeWhateverArrives(ctx, { durationMs: AFTER_DENIAL_OBSERVE_MS, startTimeoutMs: NOTHING_WAIT_MS, framesEveryMs: PICTURE_FRAMES_EVERY_MS });
    const camera = o.frames.filter((f) => identifyPattern(f).camera !== null);
    await attachFrame(ctx, 'a frame showing a camera', camera[0]);
    ctx.log(`${o.frames.length} decoded frames, ${camera.length} showing a camera`);
    expectEqual(`decoded frames showing a camera pattern after 10001 (of ${o.frames.length})`, camera.length, 0);
  },
);

check(
  {
    id: 'error-codes/10002',
    area: 'error-codes',
    feature: '10002',
    story: 'scope.record denied',
    severity: 'critical',
    spec: 'live-pusher.zh.md 错误码 10002 (用户禁止使用录音); 需要用户授权 scope.record',
    specRows: [errorKey(ERROR.MIC_DENIED), statusKey(STATUS.MIC_DENIED)],
    tolerance: `an error event with errCode 10002 and a statechange with code 10002, each within ${ERROR_WAIT_MS / 1000} s of start; then, for ${AFTER_DENIAL_OBSERVE_MS} ms of whatever reaches the server (nothing within ${NOTHING_WAIT_MS / 1000} s is fine), any decoded audio at or below ${NO_MIC_DBFS} dBFS RMS (no microphone sound)`,
    requires: { events: ['error'], methods: ['start'] },
  },
  async (ctx) => {
    const rig = { ...ctx.rig, permissions: { ...ctx.rig.permissions, record: 'denied' } };
    await ctx.iut.create({ url: ctx.streamUrl }, rig);
    await ctx.iut.call('start').catch(() => undefined);
    await expectErrCode(ctx, ERROR.MIC_DENIED);
    const o = await observeWhateverArrives(ctx, { durationMs: AFTER_DENIAL_OBSERVE_MS, startTimeoutMs: NOTHING_WAIT_MS, audio: true });
    if (!o.audio || o.audio.samples.length === 0) {
      ctx.log('no audio reached the server');
      return;
    }
    const level = rmsDbfs(o.audio.samples);
    const tone = toneFrequency(o.audio.samples, o.audio.sampleRate);
    ctx.log(`decoded audio ${level.toFixed(1)} dBFS, tone ${tone === null ? 'none' : `${tone.toFixed(0)} Hz`}`);
    expectTrue(
      `no microphone sound after 10002: decoded audio ${level.toFixed(1)} dBFS (tone ${tone === null ? 'none' : `${tone.toFixed(0)} Hz`}), allowed at most ${NO_MIC_DBFS} dBFS`,
      level <= NO_MIC_DBFS,
    );
  },
);

check(
  {
    id: 'error-codes/10004',
    area: 'error-codes',
    feature: '10004',
    story: 'waiting-image cannot be loaded',
    spec: 'live-pusher.zh.md 错误码 10004 (等待画面资源（waiting-image）加载失败)',
    specRows: [errorKey(ERROR.WAITING_IMAGE_FAILED), statusKey(STATUS.WAITING_IMAGE_FAILED), 'attribute:waiting-image'],
    tolerance: `an error event with errCode 10004 and a statechange with code 10004, each within ${ERROR_WAIT_MS / 1000} s of pause, for a waiting-image that does not exist`,
    requires: { events: ['error'], methods: ['start', 'pause'], attributes: ['waiting-image'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl, 'waiting-image': join(ctx.workDir, 'no-such-image.png') }, ctx.rig);
    await ctx.iut.call('start');
    await ctx.iut.waitForStatus(STATUS.PUSH_BEGIN, 15_000);
    await ctx.iut.call('pause').catch(() => undefined);
    await expectErrCode(ctx, ERROR.WAITING_IMAGE_FAILED);
  },
);

const WAITING_COLOUR = [192, 0, 192] as const;
const COLOUR_TOLERANCE = 40;

/** The waiting image's colour within COLOUR_TOLERANCE per channel (mean over the frame). */
function showsWaitingImage(f: RgbFrame): boolean {
  return meanRgb(f).every((c, i) => Math.abs(c - WAITING_COLOUR[i]!) <= COLOUR_TOLERANCE);
}

const PAUSE_AT_MS = 1500;
/** A pause shows at the reader within this (1 s to take effect + reader latency). */
const PAUSE_SETTLE_MS = 1500;
const PAUSED_OBSERVE_MS = 6000;

/** Pushes with the waiting image (magenta) and the given hash, pauses, returns the frames from
 *  PAUSE_SETTLE_MS after the pause. */
async function pushPauseWithImage(ctx: CheckContext, hash: (md5: string) => string): Promise<RgbFrame[]> {
  const image = join(ctx.workDir, 'waiting.png');
  await solidPng(image, 'C000C0', 360, 640);
  const md5 = createHash('md5').update(readFileSync(image)).digest('hex');
  let pausedAt = 0;
  const { observation: o } = await pushAndObserve(ctx, { 'waiting-image': image, 'waiting-image-hash': hash(md5) }, {
    observeMs: PAUSED_OBSERVE_MS,
    framesEveryMs: PICTURE_FRAMES_EVERY_MS,
    during: async (from) => {
      await new Promise((r) => setTimeout(r, PAUSE_AT_MS - (Date.now() - from)));
      pausedAt = Date.now();
      await ctx.iut.call('pause');
    },
  });
  const paused = framesBetween(o.frames, pausedAt + PAUSE_SETTLE_MS, Number.POSITIVE_INFINITY);
  await attachFrame(ctx, 'frame while paused', paused[paused.length - 1]);
  return paused;
}

const PAUSED_WINDOW_MS = PAUSED_OBSERVE_MS - PAUSE_AT_MS - PAUSE_SETTLE_MS;

check(
  {
    id: 'error-codes/10004-hash',
    area: 'error-codes',
    feature: '10004',
    story: 'waiting-image-hash mismatch',
    spec: 'live-pusher.zh.md 错误码 10004; 通用属性 waiting-image-hash (等待画面资源的MD5值)',
    specRows: [errorKey(ERROR.WAITING_IMAGE_FAILED), 'attribute:waiting-image-hash'],
    tolerance: `an error event with errCode 10004 and a statechange with code 10004, each within ${ERROR_WAIT_MS / 1000} s of pause, for an image whose MD5 is not waiting-image-hash; from ${PAUSE_SETTLE_MS} ms after the pause ${EVERY_FRAME_TOLERANCE} is NOT the rejected image (mean colour not within ${COLOUR_TOLERANCE} per channel of ${WAITING_COLOUR.join(',')})`,
    requires: { events: ['error'], methods: ['start', 'pause'], attributes: ['waiting-image', 'waiting-image-hash'] },
    timeoutMs: 60_000,
  },
  async (ctx) => {
    const paused = await pushPauseWithImage(ctx, () => '0'.repeat(32));
    await expectErrCode(ctx, ERROR.WAITING_IMAGE_FAILED);
    await expectEveryFrame(ctx, 'not the rejected waiting image', paused, PAUSED_WINDOW_MS, (f) =>
      showsWaitingImage(f) ? `shows the rejected waiting image (mean colour ${meanRgb(f).map(Math.round).join(',')})` : null,
    );
  },
);

check(
  {
    id: 'attributes/waiting-image/shown',
    area: 'attributes',
    feature: 'waiting-image',
    story: 'pushed while paused (hash matches)',
    spec: 'live-pusher.zh.md 通用属性 waiting-image (进入后台时推流的等待画面), waiting-image-hash; context-api.md pause',
    specRows: ['attribute:waiting-image', 'attribute:waiting-image-hash'],
    tolerance: `from ${PAUSE_SETTLE_MS} ms after the pause ${EVERY_FRAME_TOLERANCE} has the waiting image's colour (${WAITING_COLOUR.join(',')}) within ${COLOUR_TOLERANCE} per channel`,
    timeoutMs: 60_000,
    requires: { methods: ['start', 'pause'], attributes: ['waiting-image', 'waiting-image-hash'] },
  },
  async (ctx) => {
    const paused = await pushPauseWithImage(ctx, (md5) => md5);
    await expectEveryFrame(ctx, 'the waiting image', paused, PAUSED_WINDOW_MS, (f) =>
      showsWaitingImage(f) ? null : `mean colour ${meanRgb(f).map(Math.round).join(',')}, not within ${COLOUR_TOLERANCE} of ${WAITING_COLOUR.join(',')}`,
    );
    expectEqual('no 10004 for a matching image', ctx.iut.events('error').filter((e) => (e.detail as { errCode?: unknown })?.errCode === ERROR.WAITING_IMAGE_FAILED).length, 0);
  },
);
