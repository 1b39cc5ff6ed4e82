// Which camera is pushed: device-position at creation, and switchCamera back and forth. Truth:
// the decoded frames at the server — the rig's front and back cameras draw the pattern in
// disjoint quadrant colours, so identifyPattern names the camera under any mirror or turn.
// Spec: live-pusher.zh.md 通用属性 device-position (前置或后置，值为front, back);
// context-api.md LivePusherContext.switchCamera (切换前后摄像头).
import { check } from '../../check.ts';
import type { CameraPosition } from '../../../adapters/camera/pattern.ts';
import type { RgbFrame } from '../../oracles/frame.ts';
import { identifyPattern } from '../../oracles/video.ts';
import { expectEqual, fail } from '../support/expect.ts';
import {
  EVERY_FRAME_TOLERANCE,
  PICTURE_OBSERVE_MS,
  PICTURE_FRAMES_EVERY_MS,
  attachFrame,
  expectEveryFrame,
  MIN_JUDGED_FRAMES,
  middleFrame,
  pushAndObserve,
  pushForPicture,
} from '../support/scenario.ts';


function cameraProblem(expected: CameraPosition): (f: RgbFrame) => string | null {
  return (f) => {
    const p = identifyPattern(f);
    return p.camera === expected ? null : `shows ${p.camera ? `the ${p.camera} camera` : 'no camera pattern'} (pattern distance ${p.distance.toFixed(1)})`;
  };
}

for (const position of ['front', 'back'] as const) {
  check(
    {
      id: `attributes/device-position/${position}`,
      area: 'attributes',
      feature: 'device-position',
      story: `${position} at creation`,
      severity: 'critical',
      spec: 'live-pusher.zh.md 通用属性 device-position (前置或后置，值为front, back)',
      specRows: [`attribute:device-position=${position}`],
      tolerance: `${EVERY_FRAME_TOLERANCE} shows the ${position} camera's pattern`,
      requires: { attributes: ['device-position'], rig: ['synthetic-cameras'] },
    },
    async (ctx) => {
      const { observation: o } = await pushForPicture(ctx, { 'device-position': position });
      await attachFrame(ctx, 'decoded frame', middleFrame(o));
      await expectEveryFrame(ctx, `${position} camera`, o.frames, PICTURE_OBSERVE_MS, cameraProblem(position));
    },
  );
}

/** Four switches (front -> back -> front -> back -> front), one every SWITCH_EVERY_MS. */
const SWITCHES = 4;
/** Late enough that the reader has the front camera's frames before the first switch. */
const FIRST_SWITCH_AT_MS = 5000;
const SWITCH_EVERY_MS = 3500;
/** Extra watching after the last switch, so the last camera shows for long enough. */
const TAIL_MS = 1000;
const SWITCH_OBSERVE_MS = FIRST_SWITCH_AT_MS + SWITCHES * SWITCH_EVERY_MS + TAIL_MS;
/** Frames between two runs that show neither camera (a switch may pass through a blank). */
const MAX_TRANSITION_FRAMES = 2;

const other = (p: CameraPosition): CameraPosition => (p === 'front' ? 'back' : 'front');

interface Run {
  camera: CameraPosition | null;
  frames: number;
  fromPtsMs: number;
}

/** The cameras the frames show, in stream order, as runs of equal frames. */
function cameraRuns(frames: RgbFrame[]): Run[] {
  const runs: Run[] = [];
  for (const f of [...frames].sort((a, b) => a.ptsMs - b.ptsMs)) {
    const camera = identifyPattern(f).camera;
    const last = runs[runs.length - 1];
    if (last && last.camera === camera) last.frames++;
    else runs.push({ camera, frames: 1, fromPtsMs: f.ptsMs });
  }
  return runs;
}

const describeRuns = (runs: Run[]) => runs.map((r) => `${r.camera ?? 'none'} x${r.frames}`).join(', ');

check(
  {
    id: 'context/switchCamera',
    area: 'context',
    feature: 'switchCamera',
    story: 'back and forth twice',
    severity: 'critical',
    spec: 'context-api.md LivePusherContext.switchCamera (切换前后摄像头); live-pusher.zh.md device-position (default front)',
    specRows: ['method:switchCamera'],
    tolerance: `${SWITCHES} switches ${SWITCH_EVERY_MS} ms apart; the decoded frames (one per ${PICTURE_FRAMES_EVERY_MS} ms), in stream order, show exactly the runs front, back, front, back, front, each of at least ${MIN_JUDGED_FRAMES} frames, with at most ${MAX_TRANSITION_FRAMES} frames of neither camera between runs (stream order, not wall time: the stream clock of an IUT that restarts its encoder may run behind the wall clock)`,
    requires: { methods: ['start', 'switchCamera'], rig: ['synthetic-cameras'] },
    timeoutMs: 90_000,
  },
  async (ctx) => {
    const switchedAt: number[] = [];
    const { observation: o, observedFrom } = await pushAndObserve(ctx, {}, {
      observeMs: SWITCH_OBSERVE_MS,
      framesEveryMs: PICTURE_FRAMES_EVERY_MS,
      during: async (from) => {
        for (let i = 0; i < SWITCHES; i++) {
          await new Promise((r) => setTimeout(r, FIRST_SWITCH_AT_MS + i * SWITCH_EVERY_MS - (Date.now() - from)));
          switchedAt.push(Date.now());
          await ctx.iut.call('switchCamera');
        }
      },
    });
    const runs = cameraRuns(o.frames);
    await ctx.attach(
      'camera runs in stream order',
      'application/json',
      JSON.stringify({ switchedAtMs: switchedAt.map((t) => t - observedFrom), runs }, null, 2),
    );
    for (const r of runs.filter((x) => x.camera === null)) {
      if (r.frames > MAX_TRANSITION_FRAMES) fail(`${r.frames} frames in a row show neither camera (at most ${MAX_TRANSITION_FRAMES} between runs); runs: ${describeRuns(runs)}`);
    }
    const shown: Run[] = [];
    for (const r of runs.filter((x) => x.camera !== null)) {
      const last = shown[shown.length - 1];
      if (last && last.camera === r.camera) last.frames += r.frames;
      else shown.push({ ...r });
    }
    const expected: CameraPosition[] = [];
    for (let i = 0, c: CameraPosition = 'front'; i <= SWITCHES; i++, c = other(c)) expected.push(c);
    expectEqual('cameras in stream order', shown.map((r) => r.camera).join(', '), expected.join(', '));
    for (const [i, r] of shown.entries()) {
      if (r.frames < MIN_JUDGED_FRAMES) fail(`run ${i + 1} (${r.camera}) has ${r.frames} frames, fewer than ${MIN_JUDGED_FRAMES}; runs: ${describeRuns(runs)}`);
    }
    await attachFrame(ctx, 'last frame', o.frames[o.frames.length - 1]);
  },
);
