// snapshot / startPreview / stopPreview: the image file the IUT writes is decoded by ffmpeg and
// judged like a stream frame (size as reported, camera pattern, mirror of view vs stream).
// Spec: context-api.md snapshot (`sourceType` stream or view; result {tempImagePath, width,
// height}), startPreview / stopPreview; live-pusher.zh.md 通用属性 local-mirror (auto: front
// camera mirrored), remote-mirror.
import { existsSync } from 'node:fs';
import { check, type CheckContext } from '../../check.ts';
import { IutCallError } from '../../iut-client.ts';
import { identifyPattern } from '../../oracles/video.ts';
import { expectEqual, expectTrue, fail } from '../support/expect.ts';
import { readImage } from '../support/image.ts';
import { expectPublish } from '../support/scenario.ts';

/** Time for a preview or push to have a picture before the snapshot. */
const PICTURE_WAIT_MS = 2500;

interface Snapshot {
  tempImagePath: string;
  width: number;
  height: number;
}

async function snapshot(ctx: CheckContext, sourceType: 'view' | 'stream'): Promise<Snapshot> {
  const r = (await ctx.iut.call('snapshot', { sourceType })) as Record<string, unknown>;
  const path = r['tempImagePath'];
  if (typeof path !== 'string' || !path) fail(`snapshot result has no tempImagePath: ${JSON.stringify(r)}`);
  const width = Number(r['width']);
  const height = Number(r['height']);
  expectTrue(`snapshot width/height are positive numbers (${String(r['width'])}x${String(r['height'])})`, width > 0 && height > 0);
  return { tempImagePath: path, width, height };
}

async function judge(ctx: CheckContext, snap: Snapshot, transform: 'identity' | 'mirror'): Promise<void> {
  if (!existsSync(snap.tempImagePath)) fail(`snapshot file ${snap.tempImagePath} does not exist`);
  await ctx.attachFile('snapshot', snap.tempImagePath, 'image/png');
  const image = await readImage(snap.tempImagePath);
  expectEqual('snapshot size (decoded vs reported)', `${image.width}x${image.height}`, `${snap.width}x${snap.height}`);
  const p = identifyPattern(image);
  ctx.log(`snapshot pattern: camera ${p.camera}, transform ${p.transform}`);
  expectEqual('camera in the snapshot', p.camera, 'front');
  expectEqual('snapshot transform', p.transform, transform);
}

check(
  {
    id: 'context/startPreview',
    area: 'context',
    feature: 'startPreview',
    story: 'preview without pushing',
    spec: 'context-api.md startPreview (camera preview without pushing)',
    specRows: ['method:startPreview'],
    tolerance: 'a view snapshot shows the camera; nothing is published to the url',
    requires: { methods: ['startPreview', 'snapshot'], rig: ['synthetic-camera'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl }, ctx.rig);
    await ctx.iut.call('startPreview');
    await new Promise((r) => setTimeout(r, PICTURE_WAIT_MS));
    const snap = await snapshot(ctx, 'view');
    await judge(ctx, snap, 'mirror');
    if (ctx.server.embedded) expectTrue('nothing published during preview', !ctx.server.embedded.activeStreams().includes(`/live/${ctx.streamName}`));
  },
);

check(
  {
    id: 'context/stopPreview',
    area: 'context',
    feature: 'stopPreview',
    story: 'preview stopped',
    spec: 'context-api.md startPreview / stopPreview',
    specRows: ['method:stopPreview'],
    tolerance: 'after stopPreview there is no live view: a view snapshot fails',
    requires: { methods: ['startPreview', 'stopPreview', 'snapshot'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl }, ctx.rig);
    await ctx.iut.call('startPreview');
    await new Promise((r) => setTimeout(r, PICTURE_WAIT_MS));
    await ctx.iut.call('stopPreview');
    let failed = false;
    try {
      await ctx.iut.call('snapshot', { sourceType: 'view' });
    } catch (err) {
      if (!(err instanceof IutCallError)) throw err;
      failed = true;
    }
    expectTrue('view snapshot fails after stopPreview', failed);
  },
);

check(
  {
    id: 'context/snapshot/view',
    area: 'context',
    feature: 'snapshot',
    story: 'sourceType view (local-mirror auto, front camera)',
    spec: 'context-api.md snapshot sourceType view; live-pusher.zh.md local-mirror auto (前置摄像头镜像)',
    specRows: ['method:snapshot', 'attribute:local-mirror=auto'],
    tolerance: 'the PNG decodes at the reported size and shows the front pattern mirrored',
    requires: { methods: ['start', 'snapshot'], attributes: ['local-mirror'], rig: ['synthetic-camera'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl, 'local-mirror': 'auto' }, ctx.rig);
    await ctx.iut.call('start');
    await expectPublish(ctx, 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    await judge(ctx, await snapshot(ctx, 'view'), 'mirror');
  },
);

check(
  {
    id: 'context/snapshot/stream',
    area: 'context',
    feature: 'snapshot',
    story: 'sourceType stream (remote-mirror true)',
    spec: 'context-api.md snapshot sourceType stream; live-pusher.zh.md remote-mirror',
    specRows: ['method:snapshot', 'attribute:remote-mirror=true'],
    tolerance: 'the PNG decodes at the reported size, equal to the stream size, and shows the front pattern mirrored as pushed',
    requires: { methods: ['start', 'snapshot'], attributes: ['remote-mirror'], rig: ['synthetic-camera'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl, 'remote-mirror': true, 'local-mirror': 'disable' }, ctx.rig);
    await ctx.iut.call('start');
    await expectPublish(ctx, 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    const snap = await snapshot(ctx, 'stream');
    expectEqual('snapshot size vs the pushed size (defaults 360x640)', `${snap.width}x${snap.height}`, '360x640');
    await judge(ctx, snap, 'mirror');
  },
);
