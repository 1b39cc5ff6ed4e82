// Encoded picture size: mode presets, video-width / video-height, aspect, orientation.
// Truth: the decoded stream's size, the pattern's quadrant layout and its geometry (a centre
// crop, not a stretch or letterbox), read back from the server on every decoded frame.
// Spec: live-pusher.zh.md 通用属性 mode / video-width / video-height / aspect / orientation;
// context-api.md "Presets behind mode".
import { check, type CheckContext } from '../../check.ts';
import type { AttributeName } from '../../../spec/index.ts';
import type { Observation } from '../../oracles/observe.ts';
import { cropProblem, FIT_MAX_DISTANCE, readFit } from '../../oracles/geometry.ts';
import type { Transform } from '../../oracles/transform.ts';
import { identifyPattern, type RgbFrame } from '../../oracles/video.ts';
import { expectAtLeast, expectAtMost, expectEqual, expectTrue } from '../support/expect.ts';
import { EVERY_FRAME_TOLERANCE, OBSERVE_MS, PICTURE_FRAMES_EVERY_MS, PICTURE_OBSERVE_MS, attachFrame, expectEveryFrame, middleFrame, pushAndObserve, pushForPicture } from '../support/scenario.ts';
import { measuredKbps, videoStream } from '../support/streams.ts';

const SIZE_TOLERANCE = 'decoded width and height exact';
const BITRATE_SLACK = 0.2;

interface ModeCase {
  mode: string;
  /** Legal sizes: exact, or a range for the adaptive RTC preset. */
  width: [number, number];
  height: [number, number];
  kbps: [number, number];
  why: string;
}

/** From context-api.md's vendor table; QVGA/HVGA are quarter / half VGA held portrait. */
const MODES: ModeCase[] = [
  { mode: 'QVGA', width: [240, 240], height: [320, 320], kbps: [0, 1000], why: 'quarter VGA, portrait' },
  { mode: 'HVGA', width: [320, 320], height: [480, 480], kbps: [0, 1000], why: 'half-size VGA, portrait' },
  { mode: 'SD', width: [360, 360], height: [640, 640], kbps: [300, 800], why: 'vendor table: 360x640, 300-800 kbps' },
  { mode: 'HD', width: [540, 540], height: [960, 960], kbps: [600, 1500], why: 'vendor table: 540x960, 600-1500 kbps' },
  { mode: 'FHD', width: [720, 720], height: [1280, 1280], kbps: [600, 1800], why: 'vendor table: 720x1280, 600-1800 kbps' },
  { mode: 'RTC', width: [190, 360], height: [320, 640], kbps: [200, 800], why: 'vendor table: 190x320..360x640, 200-800 kbps' },
];

const range = ([a, b]: [number, number]) => (a === b ? `${a}` : `${a}..${b}`);

/** Aspect ratio tolerance (encoders round sizes to even numbers). */
const ASPECT_SLACK = 0.02;

/** What is wrong with a frame that should show the front pattern under `transforms`, centre-cropped. */
function pictureProblem(frame: RgbFrame, transforms: readonly Transform[]): string | null {
  const p = identifyPattern(frame);
  if (p.camera !== 'front' || !p.transform || !transforms.includes(p.transform)) {
    return `camera ${p.camera ?? 'none'}, transform ${p.transform ?? 'none'} (expected the front pattern, ${transforms.join(' or ')})`;
  }
  return cropProblem(readFit(frame, { camera: 'front', transform: p.transform }));
}

/** Tolerance phrase of the geometry judgement shared by the size checks. */
const CROP_TOLERANCE = `${EVERY_FRAME_TOLERANCE} shows the pattern upright, unmirrored and centre-cropped (the crop render within ${FIT_MAX_DISTANCE} RGB per block and closer than the stretch and letterbox renders wherever they differ)`;

/** Every frame a centre crop of the upright front pattern; only with the synthetic camera. */
async function expectCentreCrop(ctx: CheckContext, o: Observation, windowMs: number): Promise<void> {
  if (ctx.rig.camera.front.kind !== 'synthetic') {
    ctx.log('picture geometry not judged: needs the synthetic camera pattern');
    return;
  }
  await expectEveryFrame(ctx, 'upright centre crop', o.frames, windowMs, (f) => pictureProblem(f, ['identity']));
}

for (const m of MODES) {
  check(
    {
      id: `attributes/mode/${m.mode}`,
      area: 'attributes',
      feature: 'mode',
      story: m.mode,
      severity: 'critical',
      spec: `live-pusher.zh.md 通用属性 mode=${m.mode}; context-api.md Presets behind mode (${m.why})`,
      specRows: [`attribute:mode=${m.mode}`],
      tolerance: `size ${range(m.width)}x${range(m.height)} exact; video bitrate within the preset range ± ${BITRATE_SLACK * 100} %; ${CROP_TOLERANCE} (with the synthetic camera)`,
      requires: { attributes: ['mode'] },
    },
    async (ctx) => {
      const { observation: o } = await pushAndObserve(ctx, { mode: m.mode }, { framesEveryMs: PICTURE_FRAMES_EVERY_MS });
      await attachFrame(ctx, 'decoded frame', middleFrame(o));
      const v = videoStream(o);
      expectTrue(`width ${v.width} in ${range(m.width)}`, v.width >= m.width[0] && v.width <= m.width[1]);
      expectTrue(`height ${v.height} in ${range(m.height)}`, v.height >= m.height[0] && v.height <= m.height[1]);
      const kbps = measuredKbps(o, 'video');
      ctx.log(`video bitrate ${kbps.toFixed(0)} kbps`);
      expectAtMost('video bitrate (kbps)', kbps, m.kbps[1] * (1 + BITRATE_SLACK));
      expectAtLeast('video bitrate (kbps)', kbps, m.kbps[0] * (1 - BITRATE_SLACK));
      await expectCentreCrop(ctx, o, OBSERVE_MS);
    },
  );
}

const SIZES: { id: string; feature: AttributeName; story: string; attrs: Record<string, number>; w: number; h: number }[] = [
  { id: 'attributes/video-width/480', feature: 'video-width', story: '480', attrs: { 'video-width': 480, 'video-height': 640 }, w: 480, h: 640 },
  { id: 'attributes/video-height/480', feature: 'video-height', story: '480', attrs: { 'video-width': 360, 'video-height': 480 }, w: 360, h: 480 },
  { id: 'attributes/video-width/default', feature: 'video-width', story: 'default (360)', attrs: {}, w: 360, h: 640 },
];

for (const s of SIZES) {
  check(
    {
      id: s.id,
      area: 'attributes',
      feature: s.feature,
      story: s.story,
      severity: 'critical',
      spec: `live-pusher.zh.md 通用属性 ${s.feature} (上推的视频流的分辨率; defaults 360x640)`,
      specRows: [`attribute:${s.feature}`],
      tolerance: `${SIZE_TOLERANCE}; ${CROP_TOLERANCE} (with the synthetic camera)`,
      requires: { attributes: Object.keys(s.attrs).length ? Object.keys(s.attrs) : ['video-width', 'video-height'] },
    },
    async (ctx) => {
      const { observation: o } = await pushForPicture(ctx, s.attrs);
      await attachFrame(ctx, 'decoded frame', middleFrame(o));
      const v = videoStream(o);
      expectEqual('decoded size', `${v.width}x${v.height}`, `${s.w}x${s.h}`);
      await expectCentreCrop(ctx, o, PICTURE_OBSERVE_MS);
    },
  );
}

for (const [aspect, expectedRatio] of [['9:16', 16 / 9], ['3:4', 4 / 3]] as const) {
  check(
    {
      id: `attributes/aspect/${aspect}`,
      area: 'attributes',
      feature: 'aspect',
      story: aspect,
      spec: `live-pusher.zh.md 通用属性 aspect (宽高比，可选值有 3:4, 9:16)`,
      specRows: [`attribute:aspect=${aspect}`],
      tolerance: `height/width within ± ${ASPECT_SLACK * 100} % of the aspect; ${CROP_TOLERANCE}`,
      requires: { attributes: ['aspect'], rig: ['synthetic-camera'] },
    },
    async (ctx) => {
      const { observation: o } = await pushForPicture(ctx, { aspect });
      const frame = middleFrame(o);
      await attachFrame(ctx, 'decoded frame', frame);
      const v = videoStream(o);
      const ratio = v.height / v.width;
      expectTrue(
        `height/width ${ratio.toFixed(3)} within ${ASPECT_SLACK * 100} % of ${expectedRatio.toFixed(3)} (${v.width}x${v.height})`,
        Math.abs(ratio - expectedRatio) <= ASPECT_SLACK * expectedRatio,
      );
      if (frame) ctx.log(`fit of the middle frame: ${JSON.stringify(readFit(frame, { camera: 'front' }).distances)}`);
      await expectCentreCrop(ctx, o, PICTURE_OBSERVE_MS);
    },
  );
}

for (const orientation of ['vertical', 'horizontal'] as const) {
  const turns: readonly Transform[] = orientation === 'vertical' ? ['identity'] : ['rot90cw', 'rot90ccw'];
  check(
    {
      id: `attributes/orientation/${orientation}`,
      area: 'attributes',
      feature: 'orientation',
      story: orientation,
      spec: 'live-pusher.zh.md 通用属性 orientation (画面方向: vertical 竖直 / horizontal 水平)',
      specRows: [`attribute:orientation=${orientation}`],
      tolerance:
        orientation === 'vertical'
          ? `portrait frame (width < height); ${EVERY_FRAME_TOLERANCE} shows the pattern upright and undistorted`
          : `landscape frame (width > height); ${EVERY_FRAME_TOLERANCE} shows the pattern turned a quarter (either direction: the spec does not say which) and undistorted`,
      requires: { attributes: ['orientation'], rig: ['synthetic-camera'] },
    },
    async (ctx) => {
      const { observation: o } = await pushForPicture(ctx, { orientation });
      await attachFrame(ctx, 'decoded frame', middleFrame(o));
      const v = videoStream(o);
      if (orientation === 'vertical') expectTrue(`portrait frame (${v.width}x${v.height})`, v.width < v.height);
      else expectTrue(`landscape frame (${v.width}x${v.height})`, v.width > v.height);
      await expectEveryFrame(ctx, `pattern ${turns.join(' or ')}`, o.frames, PICTURE_OBSERVE_MS, (f) => pictureProblem(f, turns));
    },
  );
}
