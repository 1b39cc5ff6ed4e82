// errCodes raised on purpose: denied permissions (the rig's answers for scope.camera and
// scope.record) and a waiting-image that cannot be loaded or fails its MD5.
// Spec: live-pusher.zh.md 错误码 10001 / 10002 / 10004; context-api.md (a waiting-image-hash
// mismatch is a load failure).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, type CheckContext } from '../../check.ts';
import { meanRgb } from '../../oracles/video.ts';
import { expectEqual, expectTrue } from '../support/expect.ts';
import { solidPng } from '../support/image.ts';
import { attachFrame, framesBetween, pushAndObserve } from '../support/scenario.ts';

const ERROR_WAIT_MS = 10_000;

async function expectErrCode(ctx: CheckContext, code: number): Promise<void> {
  const e = await ctx.iut.waitForEvent('error', (x) => (x.detail as { errCode?: unknown })?.errCode === code, ERROR_WAIT_MS);
  const detail = e.detail as { errMsg?: unknown };
  expectTrue(`errMsg of ${code} is a non-empty string`, typeof detail.errMsg === 'string' && detail.errMsg.length > 0);
}

for (const [code, scope, key] of [[10001, 'scope.camera', 'camera'], [10002, 'scope.record', 'record']] as const) {
  check(
    {
      id: `error-codes/${code}`,
      area: 'error-codes',
      feature: String(code),
      story: `${scope} denied`,
      severity: 'critical',
      spec: `live-pusher.zh.md 错误码 ${code} (${code === 10001 ? '用户禁止使用摄像头' : '用户禁止使用录音'}); 需要用户授权 scope.camera、scope.record`,
      specRows: [`error:${code}`, `status:${code}`],
      tolerance: `an error event with errCode ${code} within ${ERROR_WAIT_MS / 1000} s of start`,
      requires: { events: ['error'], methods: ['start'] },
    },
    async (ctx) => {
      const rig = { ...ctx.rig, permissions: { ...ctx.rig.permissions, [key]: 'denied' } };
      await ctx.iut.create({ url: ctx.streamUrl }, rig);
      await ctx.iut.call('start').catch(() => undefined);
      await expectErrCode(ctx, code);
    },
  );
}

check(
  {
    id: 'error-codes/10004',
    area: 'error-codes',
    feature: '10004',
    story: 'waiting-image cannot be loaded',
    spec: 'live-pusher.zh.md 错误码 10004 (等待画面资源（waiting-image）加载失败)',
    specRows: ['error:10004', 'status:10004', 'attribute:waiting-image'],
    tolerance: `an error event with errCode 10004 within ${ERROR_WAIT_MS / 1000} s of pause, for a waiting-image that does not exist`,
    requires: { events: ['error'], methods: ['start', 'pause'], attributes: ['waiting-image'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl, 'waiting-image': join(ctx.workDir, 'no-such-image.png') }, ctx.rig);
    await ctx.iut.call('start');
    await ctx.iut.waitForStatus(1002, 15_000);
    await ctx.iut.call('pause').catch(() => undefined);
    await expectErrCode(ctx, 10004);
  },
);

check(
  {
    id: 'error-codes/10004-hash',
    area: 'error-codes',
    feature: '10004',
    story: 'waiting-image-hash mismatch',
    spec: 'live-pusher.zh.md 错误码 10004; 通用属性 waiting-image-hash (等待画面资源的MD5值)',
    specRows: ['error:10004', 'attribute:waiting-image-hash'],
    tolerance: `an error event with errCode 10004 within ${ERROR_WAIT_MS / 1000} s of pause, for an image whose MD5 is not waiting-image-hash`,
    requires: { events: ['error'], methods: ['start', 'pause'], attributes: ['waiting-image', 'waiting-image-hash'] },
  },
  async (ctx) => {
    const image = join(ctx.workDir, 'waiting.png');
    await solidPng(image, 'C000C0', 360, 640);
    await ctx.iut.create({ url: ctx.streamUrl, 'waiting-image': image, 'waiting-image-hash': '0'.repeat(32) }, ctx.rig);
    await ctx.iut.call('start');
    await ctx.iut.waitForStatus(1002, 15_000);
    await ctx.iut.call('pause').catch(() => undefined);
    await expectErrCode(ctx, 10004);
  },
);

const WAITING_COLOUR = [192, 0, 192] as const;
const COLOUR_TOLERANCE = 40;

check(
  {
    id: 'attributes/waiting-image/shown',
    area: 'attributes',
    feature: 'waiting-image',
    story: 'pushed while paused (hash matches)',
    spec: 'live-pusher.zh.md 通用属性 waiting-image (进入后台时推流的等待画面), waiting-image-hash; context-api.md pause',
    specRows: ['attribute:waiting-image', 'attribute:waiting-image-hash'],
    tolerance: `frames from 1.5 s after pause have the waiting image's colour (${WAITING_COLOUR.join(',')}) within ${COLOUR_TOLERANCE} per channel`,
    requires: { methods: ['start', 'pause'], attributes: ['waiting-image', 'waiting-image-hash'] },
  },
  async (ctx) => {
    const image = join(ctx.workDir, 'waiting.png');
    await solidPng(image, 'C000C0', 360, 640);
    const md5 = createHash('md5').update(readFileSync(image)).digest('hex');
    let pausedAt = 0;
    const { observation: o } = await pushAndObserve(ctx, { 'waiting-image': image, 'waiting-image-hash': md5 }, {
      observeMs: 5000,
      framesEveryMs: 250,
      during: async (from) => {
        await new Promise((r) => setTimeout(r, 1500 - (Date.now() - from)));
        pausedAt = Date.now();
        await ctx.iut.call('pause');
      },
    });
    const paused = framesBetween(o.frames, pausedAt + 1500, Number.POSITIVE_INFINITY);
    await attachFrame(ctx, 'frame while paused', paused[paused.length - 1]);
    expectTrue('frames while paused', paused.length > 0);
    for (const f of paused) {
      const rgb = meanRgb(f);
      const off = rgb.map((c, i) => Math.abs(c - WAITING_COLOUR[i]!));
      expectTrue(`paused frame colour ${rgb.map(Math.round).join(',')} within ${COLOUR_TOLERANCE} of ${WAITING_COLOUR.join(',')}`, off.every((d) => d <= COLOUR_TOLERANCE));
    }
    expectEqual('no 10004 for a matching image', ctx.iut.events('error').filter((e) => (e.detail as { errCode?: unknown })?.errCode === 10004).length, 0);
  },
);
