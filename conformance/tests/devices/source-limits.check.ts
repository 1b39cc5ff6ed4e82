// A push that asks more of a source than the rig says it can give (rig/device-fault.ts: a
// camera's maxResolution, a microphone's sampleRates): -1305 / -1306 alone and nothing
// published; then, on the same pusher, a push within what the source gives starts cleanly and
// reaches the server (so reporting the code for every push fails too).
// Spec: live-pusher.zh.md 状态码 -1305 (推流：不支持的视频分辨率), -1306 (推流：不支持的音频采样率);
// context-api.md (-1305/-1306 unsupported resolution / sample rate); 通用属性 mode, audio-quality.
import { check, type CheckContext } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { expectCodeSequence } from '../support/codes.ts';
import { expectTrue } from '../support/expect.ts';
import { PUBLISH_TIMEOUT_MS, expectPublish, observeWhateverArrives, statusCodes } from '../support/scenario.ts';
import { expectFailedStart, waitForStartFailure } from './device-support.ts';

const FAILURE_WAIT_MS = 10_000;
/** After the failed start, the server is watched this long for anything published. */
const NOTHING_PUBLISHED_MS = 1500;
/** A camera that gives at most 640x360 (either way up): SD (360x640) fits, FHD (720x1280) does not. */
const CAMERA_MAX = { width: 640, height: 360 } as const;
/** A microphone that gives 16 kHz only: audio-quality low (16 kHz) fits, high (48 kHz) does not. */
const MIC_RATES = [16_000];

/**
 * Starts with `tooMuch` (must fail with `code` alone, nothing published), then updates to `fits`
 * and starts again (must publish with the clean start's codes and no other).
 */
async function tooMuchThenFits(ctx: CheckContext, rig: unknown, tooMuch: Record<string, unknown>, fits: Record<string, unknown>, code: number, what: string): Promise<void> {
  await ctx.iut.create({ url: ctx.streamUrl, ...tooMuch }, rig);
  await ctx.iut.call('start').catch((err: unknown) => ctx.log(`start answered: ${(err as Error).message}`));
  await waitForStartFailure(ctx, code, FAILURE_WAIT_MS);
  const o = await observeWhateverArrives(ctx, { durationMs: NOTHING_PUBLISHED_MS, startTimeoutMs: NOTHING_PUBLISHED_MS });
  const first = statusCodes(ctx.iut.events());
  expectFailedStart(`codes for ${what}`, first, code, []);
  expectTrue(`nothing reaches the server after ${code}`, o.firstPacketAtMs === null, `stream bytes arrived: the IUT pushed what the source cannot give`);
  await ctx.iut.update(fits);
  const published = expectPublish(ctx, PUBLISH_TIMEOUT_MS);
  await ctx.iut.call('start');
  await published;
  await ctx.iut.waitForStatus(STATUS.PUSH_BEGIN, PUBLISH_TIMEOUT_MS);
  expectCodeSequence(`codes of the push within what the source gives (after ${code})`, statusCodes(ctx.iut.events()).slice(first.length), [STATUS.CONNECTED, STATUS.PUSH_BEGIN]);
}

check(
  {
    id: 'status-codes/-1305',
    area: 'status-codes',
    feature: '-1305',
    story: 'resolution the camera cannot give',
    severity: 'normal',
    spec: 'live-pusher.zh.md 状态码 -1305 (推流：不支持的视频分辨率); 通用属性 mode',
    specRows: ['status:-1305'],
    tolerance: `front camera giving at most ${CAMERA_MAX.width}x${CAMERA_MAX.height}: mode FHD gives -1305 within ${FAILURE_WAIT_MS / 1000} s of start with no other code and nothing published within ${NOTHING_PUBLISHED_MS} ms; then mode SD starts cleanly (1003 1007 1008 beside 1001 1002, nothing else) and the server sees the publish within ${PUBLISH_TIMEOUT_MS / 1000} s`,
    requires: { methods: ['start'], events: ['statechange'] },
  },
  async (ctx) => {
    const rig = { ...ctx.rig, camera: { ...ctx.rig.camera, front: { ...ctx.rig.camera.front, maxResolution: CAMERA_MAX } } };
    await tooMuchThenFits(ctx, rig, { mode: 'FHD' }, { mode: 'SD' }, STATUS.VIDEO_RESOLUTION_UNSUPPORTED, 'FHD on a 640x360 camera');
  },
);

check(
  {
    id: 'status-codes/-1306',
    area: 'status-codes',
    feature: '-1306',
    story: 'sample rate the microphone cannot give',
    severity: 'normal',
    spec: 'live-pusher.zh.md 状态码 -1306 (推流：不支持的音频采样率); 通用属性 audio-quality (high 48KHz, low 16KHz)',
    specRows: ['status:-1306'],
    tolerance: `microphone giving ${MIC_RATES.join(', ')} Hz only: audio-quality high (48 kHz) gives -1306 within ${FAILURE_WAIT_MS / 1000} s of start with no other code and nothing published within ${NOTHING_PUBLISHED_MS} ms; then audio-quality low starts cleanly (1003 1007 1008 beside 1001 1002, nothing else) and the server sees the publish within ${PUBLISH_TIMEOUT_MS / 1000} s`,
    requires: { methods: ['start'], events: ['statechange'], attributes: ['audio-quality'] },
  },
  async (ctx) => {
    const rig = { ...ctx.rig, microphone: { ...ctx.rig.microphone, sampleRates: MIC_RATES } };
    await tooMuchThenFits(ctx, rig, { 'audio-quality': 'high' }, { 'audio-quality': 'low' }, STATUS.AUDIO_SAMPLE_RATE_UNSUPPORTED, 'a 48 kHz push on a 16 kHz microphone');
  },
);
