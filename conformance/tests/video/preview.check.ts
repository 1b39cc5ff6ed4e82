// The local preview and snapshots, on one push: local-mirror auto / enable / disable set with
// `update` for the front camera and again after switchCamera for the back one, each judged on a
// `snapshot` with sourceType view (the preview), while the stream at the server stays unmirrored
// (remote-mirror false: the preview mirror must not leak into the stream); and snapshot quality
// raw (a PNG) and compressed (a JPEG) with sourceType stream, each decoded by ffmpeg and judged
// by format signature, size against the stream's, and the pattern it shows; and three sendMessage
// calls, found as user_data_unregistered SEI in the H.264 read back from the server (oracles/sei.ts).
// Spec: live-pusher.zh.md 通用属性 local-mirror (auto 前置摄像头镜像，后置摄像头不镜像; enable
// 前后置摄像头均镜像; disable 前后置摄像头均不镜像), remote-mirror; context-api.md snapshot (quality raw
// or compressed; sourceType stream or view; {tempImagePath, width, height}), switchCamera.
import { readFileSync } from 'node:fs';
import { check, type CheckContext } from '../../check.ts';
import type { CameraPosition } from '../../../adapters/camera/pattern.ts';
import type { RgbFrame } from '../../oracles/frame.ts';
import { identifyPattern } from '../../oracles/video.ts';
import { IutCallError } from '../../iut-client.ts';
import { expectEqual, fail } from '../support/expect.ts';
import { readImage } from '../support/image.ts';
import { attachFrame, pushAndObserve, PICTURE_FRAMES_EVERY_MS } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';
import { RUNTIME_LIMIT_MS } from '../support/runtime-steps.ts';
import { videoStream } from '../support/streams.ts';
import { watchSeiMessages, type SeiMessage, type SeiWatch } from '../../oracles/sei.ts';

type LocalMirror = 'auto' | 'enable' | 'disable';
type Quality = 'raw' | 'compressed';
const LOCAL_MIRRORS: readonly LocalMirror[] = ['auto', 'enable', 'disable'];
const POSITIONS: readonly CameraPosition[] = ['front', 'back'];

/** Time for the push to have a picture before the first snapshot. */
const FIRST_PICTURE_MS = 1500;
/** Time after switchCamera for the other camera's picture to be the latest one. */
const SWITCH_SETTLE_MS = 2500;
const OBSERVE_MS = FIRST_PICTURE_MS + SWITCH_SETTLE_MS + 4500;
const TIMEOUT_MS = 60_000;

/** The preview is mirrored: local-mirror auto mirrors the front camera only. */
const PREVIEW_MIRRORED: Readonly<Record<LocalMirror, Readonly<Record<CameraPosition, boolean>>>> = {
  auto: { front: true, back: false },
  enable: { front: true, back: true },
  disable: { front: false, back: false },
};

/** A refused snapshot is tried again this often, this far apart. */
const SNAPSHOT_TRIES = 4;
const SNAPSHOT_RETRY_MS = 400;
/** A message must reach the server's stream within this of its sendMessage call (the runtime
 *  limit of the attribute checks, runtime-steps.ts). */
const SEI_LIMIT_MS = RUNTIME_LIMIT_MS;
/** Characters of each SEI payload shown in the evidence. */
const SEI_EVIDENCE_CHARS = 120;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);

interface Snap {
  label: string;
  /** The IUT's answer, or its errMsg when it refused. */
  result: Record<string, unknown> | null;
  refused: string | null;
  /** The file's first bytes and the picture ffmpeg decoded from it (read at once: the IUT may
   *  remove its files when disposed). */
  head: Buffer | null;
  image: RgbFrame | null;
  readProblem: string | null;
}

interface SentMessage {
  text: string;
  /** Wall time sendMessage was called. */
  at: number;
  refused: string | null;
}

interface PreviewRun {
  sent: SentMessage[];
  /** user_data_unregistered SEI messages the independent reader found, in stream order. */
  sei: SeiMessage[];
  views: Map<string, Snap>;
  qualities: Map<Quality, Snap>;
  streamFrames: RgbFrame[];
  streamSize: string;
}

const viewKey = (position: CameraPosition, mirror: LocalMirror) => `${position}/${mirror}`;

async function takeSnapshot(ctx: CheckContext, label: string, args: Record<string, unknown>): Promise<Snap> {
  const snap: Snap = { label, result: null, refused: null, head: null, image: null, readProblem: null };
  // An IUT may briefly have no picture after an update (a pipeline restart): a few tries.
  for (let attempt = 1; snap.result === null; attempt++) {
    try {
      snap.result = (await ctx.iut.call('snapshot', args)) as Record<string, unknown>;
      snap.refused = null;
    } catch (err) {
      if (!(err instanceof IutCallError)) throw err;
      snap.refused = err.errMsg;
      if (attempt >= SNAPSHOT_TRIES) return snap;
      await new Promise((r) => setTimeout(r, SNAPSHOT_RETRY_MS));
    }
  }
  const path = snap.result['tempImagePath'];
  if (typeof path !== 'string' || !path) {
    snap.readProblem = 'no tempImagePath in the result';
    return snap;
  }
  try {
    snap.head = readFileSync(path).subarray(0, PNG_SIGNATURE.length);
    snap.image = await readImage(path);
  } catch (err) {
    snap.readProblem = `cannot read or decode ${path}: ${(err as Error).message.split('\n')[0]}`;
  }
  return snap;
}

const previewScenario = sharedScenario(
  async (ctx: CheckContext): Promise<PreviewRun> => {
    const views = new Map<string, Snap>();
    const qualities = new Map<Quality, Snap>();
    const sent: SentMessage[] = [];
    let sei: SeiMessage[] = [];
    let watch: SeiWatch | undefined;
    const send = async () => {
      const text = `lpbench sendMessage ${ctx.streamName} #${sent.length + 1} ✓`;
      const at = Date.now();
      let refused: string | null = null;
      try {
        await ctx.iut.call('sendMessage', { msg: text });
      } catch (err) {
        if (!(err instanceof IutCallError)) throw err;
        refused = err.errMsg;
      }
      sent.push({ text, at, refused });
    };
    const { observation } = await pushAndObserve(ctx, { 'local-mirror': 'auto', 'remote-mirror': false }, {
      observeMs: OBSERVE_MS,
      framesEveryMs: PICTURE_FRAMES_EVERY_MS,
      during: async () => {
        watch = await watchSeiMessages(ctx.streamUrl);
        await new Promise((r) => setTimeout(r, FIRST_PICTURE_MS));
        await send();
        for (const position of POSITIONS) {
          if (position === 'back') {
            await ctx.iut.call('switchCamera');
            await new Promise((r) => setTimeout(r, SWITCH_SETTLE_MS));
          }
          for (const mirror of LOCAL_MIRRORS) {
            await ctx.iut.update({ 'local-mirror': mirror });
            views.set(viewKey(position, mirror), await takeSnapshot(ctx, `${position} camera, local-mirror ${mirror}, view`, { sourceType: 'view' }));
          }
          if (position === 'front') {
            for (const quality of ['raw', 'compressed'] as const) qualities.set(quality, await takeSnapshot(ctx, `quality ${quality}, stream`, { sourceType: 'stream', quality }));
          }
          await send();
        }
        await new Promise((r) => setTimeout(r, SEI_LIMIT_MS));
        sei = await watch.stop();
        watch = undefined;
      },
    }).finally(() => watch?.stop());
    const v = videoStream(observation);
    return { sent, sei, views, qualities, streamFrames: observation.frames, streamSize: `${v.width}x${v.height}` };
  },
  async (ctx, value) => {
    const summary = [...value.views.values(), ...value.qualities.values()].map((s) => ({
      label: s.label,
      refused: s.refused,
      result: s.result,
      readProblem: s.readProblem,
      decoded: s.image ? `${s.image.width}x${s.image.height}, ${JSON.stringify(identifyPattern(s.image))}` : null,
    }));
    await ctx.attach('snapshots', 'application/json', JSON.stringify({ streamSize: value.streamSize, snapshots: summary }, null, 1));
    const sei = value.sei.map((m) => ({ uuid: m.uuid, data: Buffer.from(m.data).toString('utf8').slice(0, SEI_EVIDENCE_CHARS), at: m.at }));
    await ctx.attach('sendMessage calls and the SEI messages at the server', 'application/json', JSON.stringify({ sent: value.sent, sei }, null, 1));
  },
);

/** The snapshot was taken and decoded; returns its picture. */
function decoded(s: Snap | undefined): RgbFrame {
  if (!s) fail('snapshot not taken');
  if (s.refused !== null) fail(`${s.label}: snapshot was refused: ${s.refused}`);
  if (!s.image) fail(`${s.label}: ${s.readProblem ?? 'no picture'}`);
  return s.image;
}

function expectPicture(s: Snap, image: RgbFrame, camera: CameraPosition, mirrored: boolean): void {
  const p = identifyPattern(image);
  expectEqual(`${s.label}: camera shown`, p.camera, camera);
  expectEqual(`${s.label}: transform`, p.transform, mirrored ? 'mirror' : 'identity');
}

/** Every decoded stream frame shows a camera pattern unmirrored (remote-mirror false). */
function expectStreamUnmirrored(run: PreviewRun): void {
  if (run.streamFrames.length === 0) fail('no decoded frames from the server');
  const wrong = run.streamFrames.map((f) => identifyPattern(f)).filter((p) => p.camera === null || p.transform !== 'identity');
  if (wrong.length > 0) fail(`${wrong.length} of ${run.streamFrames.length} stream frames are not an unmirrored camera pattern (remote-mirror false; the preview mirror must not reach the stream): ${[...new Set(wrong.map((p) => `${p.camera ?? 'none'} ${p.transform ?? ''}`))].join(', ')}`);
}

for (const mirror of LOCAL_MIRRORS) {
  check(
    {
      id: `attributes/local-mirror/${mirror}`,
      area: 'attributes',
      feature: 'local-mirror',
      story: `${mirror}: the preview of each camera; the stream unmirrored`,
      severity: 'normal',
      spec: `live-pusher.zh.md 通用属性 local-mirror ${mirror} (${mirror === 'auto' ? '前置摄像头镜像，后置摄像头不镜像' : mirror === 'enable' ? '前后置摄像头均镜像' : '前后置摄像头均不镜像'}); context-api.md snapshot sourceType view`,
      specRows: [`attribute:local-mirror=${mirror}`, 'attribute:local-mirror'],
      tolerance: `a view snapshot of the front camera is ${PREVIEW_MIRRORED[mirror].front ? 'mirrored' : 'unmirrored'} and one of the back camera (after switchCamera) ${PREVIEW_MIRRORED[mirror].back ? 'mirrored' : 'unmirrored'}; every decoded stream frame (one per ${PICTURE_FRAMES_EVERY_MS} ms) unmirrored`,
      requires: { attributes: ['local-mirror', 'remote-mirror'], methods: ['snapshot', 'switchCamera'], rig: ['synthetic-cameras', 'embedded-server'] },
      timeoutMs: TIMEOUT_MS,
    },
    async (ctx) => {
      const run = await previewScenario(ctx);
      for (const position of POSITIONS) {
        const s = run.views.get(viewKey(position, mirror));
        const image = decoded(s);
        await attachFrame(ctx, s!.label, image);
        expectPicture(s!, image, position, PREVIEW_MIRRORED[mirror][position]);
      }
      expectStreamUnmirrored(run);
    },
  );
}

for (const quality of ['raw', 'compressed'] as const) {
  const format = quality === 'raw' ? 'PNG' : 'JPEG';
  check(
    {
      id: `context/snapshot/quality-${quality}`,
      area: 'context',
      feature: 'snapshot',
      story: `quality ${quality} (${format})`,
      severity: 'normal',
      spec: `context-api.md snapshot quality ${quality} (raw or compressed), sourceType stream`,
      specRows: ['method:snapshot'],
      tolerance: `the file starts with the ${format} signature, ffmpeg decodes it at the reported width x height, equal to the stream's size, and it shows the front camera unmirrored as pushed`,
      requires: { methods: ['snapshot'], rig: ['synthetic-camera', 'embedded-server'] },
      timeoutMs: TIMEOUT_MS,
    },
    async (ctx) => {
      const run = await previewScenario(ctx);
      const s = run.qualities.get(quality);
      const image = decoded(s);
      await attachFrame(ctx, s!.label, image);
      const signature = quality === 'raw' ? PNG_SIGNATURE : JPEG_SOI;
      const head = s!.head ?? Buffer.alloc(0);
      if (!head.subarray(0, signature.length).equals(signature)) fail(`${s!.label}: the file starts ${head.toString('hex')}, not the ${format} signature ${signature.toString('hex')}`);
      expectEqual(`${s!.label}: decoded size vs reported`, `${image.width}x${image.height}`, `${String(s!.result?.['width'])}x${String(s!.result?.['height'])}`);
      expectEqual(`${s!.label}: decoded size vs the stream's`, `${image.width}x${image.height}`, run.streamSize);
      expectPicture(s!, image, 'front', false);
    },
  );
}

/** The first SEI whose payload holds the message's UTF-8 bytes, with its index in stream order. */
function findMessage(sei: SeiMessage[], text: string): { index: number; at: number } | null {
  const bytes = Buffer.from(text, 'utf8');
  const index = sei.findIndex((m) => Buffer.from(m.data).includes(bytes));
  return index < 0 ? null : { index, at: sei[index]!.at };
}

check(
  {
    id: 'context/sendMessage/sei',
    area: 'context',
    feature: 'sendMessage',
    story: 'three messages arrive as SEI, in order, in time',
    severity: 'normal',
    spec: 'context-api.md sendMessage ({msg}; carried in-band as an SEI message)',
    specRows: ['method:sendMessage'],
    tolerance: `each of three messages (UTF-8, sent seconds apart) is found in a user_data_unregistered SEI of the H.264 stream read back from the server by an independent ffmpeg, in the order sent, no earlier than its call and within ${SEI_LIMIT_MS} ms of it`,
    requires: { methods: ['sendMessage'], rig: ['embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const run = await previewScenario(ctx);
    let lastIndex = -1;
    for (const [i, m] of run.sent.entries()) {
      if (m.refused !== null) fail(`sendMessage #${i + 1} was refused: ${m.refused}`);
      const found = findMessage(run.sei, m.text);
      if (!found) fail(`message #${i + 1} ${JSON.stringify(m.text)} is in none of the ${run.sei.length} user_data_unregistered SEI messages of the stream`);
      if (found.index <= lastIndex) fail(`message #${i + 1} arrived before message #${i} (out of order)`);
      lastIndex = found.index;
      const delay = found.at - m.at;
      if (delay < 0) fail(`message #${i + 1} reached the reader ${-delay} ms before sendMessage was called (it cannot come from that call)`);
      if (delay > SEI_LIMIT_MS) fail(`message #${i + 1} reached the server's stream ${delay} ms after sendMessage (at most ${SEI_LIMIT_MS} ms)`);
      ctx.log(`message #${i + 1}: in SEI ${found.index + 1} of ${run.sei.length}, ${delay} ms after the call`);
    }
    if (run.sent.length === 0) fail('no message was sent');
  },
);
