// LivePusherContext lifecycle: start, stop, pause, resume, switchCamera. Truth: the server's
// publish/unpublish events and the decoded picture (frame counter, camera pattern).
// Spec: context-api.md LivePusherContext (start, stop, pause/resume: "while paused the stream
// carries the waiting-image (or last frame)", switchCamera: front <-> back).
import { check, type CheckContext } from '../../check.ts';
import type { RgbFrame } from '../../oracles/frame.ts';
import { identifyPattern, readFrameCounter } from '../../oracles/video.ts';
import { expectEqual, expectTrue, fail } from '../support/expect.ts';
import { attachFrame, embeddedServer, framesBetween as between, liveTimes, pushAndObserve } from '../support/scenario.ts';

const UNPUBLISH_WAIT_MS = 5000;
/** Time allowed for a change to show at the reader (1 s to take effect + reader latency). */
const SETTLE_MS = 1500;

function counters(frames: RgbFrame[]): (number | null)[] {
  return frames.map((f) => readFrameCounter(f, identifyPattern(f).transform ?? 'identity'));
}

/** The counter moves between the first and last frame of the window (the picture is live). */
function advancing(frames: RgbFrame[]): boolean {
  const c = counters(frames).filter((x): x is number => x !== null);
  return c.length >= 2 && c[c.length - 1] !== c[0];
}

check(
  {
    id: 'context/stop',
    area: 'context',
    feature: 'stop',
    story: 'stops pushing',
    severity: 'critical',
    spec: 'context-api.md LivePusherContext.stop (stop pushing and the preview)',
    specRows: ['method:stop'],
    tolerance: `the server sees the publish end within ${UNPUBLISH_WAIT_MS / 1000} s of the stop reply and no new publish for 2 s after`,
    requires: { methods: ['start', 'stop'] },
  },
  async (ctx) => {
    const embedded = embeddedServer(ctx);
    await pushAndObserve(ctx, {}, { observeMs: 1000, framesEveryMs: false });
    await ctx.iut.call('stop');
    try {
      await embedded.waitForUnpublish(`/live/${ctx.streamName}`, UNPUBLISH_WAIT_MS);
    } catch {
      fail(`the server still has the stream ${UNPUBLISH_WAIT_MS} ms after stop`);
    }
    await new Promise((r) => setTimeout(r, 2000));
    expectTrue('not published again after stop', !embedded.activeStreams().includes(`/live/${ctx.streamName}`));
  },
);

const PAUSE_AT_MS = 2000;
const RESUME_AT_MS = 6000;
const PAUSE_OBSERVE_MS = 9500;

async function pauseScenario(ctx: CheckContext) {
  if (ctx.rig.camera.front.kind !== 'synthetic') ctx.notApplicable('needs the synthetic camera pattern (its frame counter)');
  const embedded = embeddedServer(ctx);
  let unpublished = false;
  const onUnpublish = (e: { streamPath: string }) => {
    if (e.streamPath === `/live/${ctx.streamName}`) unpublished = true;
  };
  embedded.on('unpublish', onUnpublish);
  let pausedAt = 0;
  let resumedAt = 0;
  try {
    const { observation: o } = await pushAndObserve(ctx, {}, {
      observeMs: PAUSE_OBSERVE_MS,
      framesEveryMs: 250,
      during: async (from) => {
        await new Promise((r) => setTimeout(r, PAUSE_AT_MS - (Date.now() - from)));
        pausedAt = Date.now();
        await ctx.iut.call('pause');
        await new Promise((r) => setTimeout(r, RESUME_AT_MS - (Date.now() - from)));
        resumedAt = Date.now();
        await ctx.iut.call('resume');
      },
    });
    const frames = o.frames;
    const before = between(frames, 0, pausedAt);
    const paused = between(frames, pausedAt + SETTLE_MS, resumedAt);
    const after = between(frames, resumedAt + SETTLE_MS, Number.POSITIVE_INFINITY);
    await ctx.attach(
      'frame counter timeline',
      'application/json',
      JSON.stringify(liveTimes(frames).map((at, i) => ({ at: at - pausedAt, counter: counters([frames[i]!])[0], i })), null, 2),
    );
    await attachFrame(ctx, 'frame while paused', paused[Math.floor(paused.length / 2)]);
    await attachFrame(ctx, 'frame after resume', after[Math.floor(after.length / 2)]);
    return { before, paused, after, unpublished };
  } finally {
    embedded.off('unpublish', onUnpublish);
  }
}

check(
  {
    id: 'context/pause',
    area: 'context',
    feature: 'pause',
    story: 'still picture, connection kept',
    severity: 'critical',
    spec: 'context-api.md pause / resume (while paused the stream carries the waiting-image (or last frame))',
    specRows: ['method:pause'],
    tolerance: `from ${SETTLE_MS} ms after pause until resume the frame counter does not move (a still picture) and the stream stays published`,
    requires: { methods: ['start', 'pause', 'resume'] },
  },
  async (ctx) => {
    const s = await pauseScenario(ctx);
    expectTrue('frames before pause', s.before.length >= 2);
    expectTrue('the picture is live before pause', advancing(s.before));
    expectTrue('frames while paused', s.paused.length >= 2);
    const c = counters(s.paused);
    expectTrue(`a still picture while paused (frame counters ${JSON.stringify(c)})`, !advancing(s.paused));
    expectTrue('still published while paused', !s.unpublished);
  },
);

check(
  {
    id: 'context/resume',
    area: 'context',
    feature: 'resume',
    story: 'live picture again',
    severity: 'critical',
    spec: 'context-api.md pause / resume',
    specRows: ['method:resume'],
    tolerance: `from ${SETTLE_MS} ms after resume the camera pattern is back and its frame counter moves`,
    requires: { methods: ['start', 'pause', 'resume'] },
  },
  async (ctx) => {
    const s = await pauseScenario(ctx);
    expectTrue('frames after resume', s.after.length >= 2);
    expectEqual('camera after resume', identifyPattern(s.after[s.after.length - 1]!).camera, 'front');
    expectTrue(`the picture is live after resume (counters ${JSON.stringify(counters(s.after))})`, advancing(s.after));
    expectTrue('still published', !s.unpublished);
  },
);

const SWITCH_AT_MS = 2000;

check(
  {
    id: 'context/switchCamera',
    area: 'context',
    feature: 'switchCamera',
    story: 'front to back',
    spec: 'context-api.md switchCamera (front <-> back)',
    specRows: ['method:switchCamera'],
    tolerance: `the front pattern before, the back camera's pattern from ${SETTLE_MS} ms after the call`,
    requires: { methods: ['start', 'switchCamera'] },
  },
  async (ctx) => {
    if (ctx.rig.camera.front.kind !== 'synthetic' || ctx.rig.camera.back.kind !== 'synthetic') ctx.notApplicable('needs synthetic front and back cameras');
    let switchedAt = 0;
    const { observation: o } = await pushAndObserve(ctx, {}, {
      observeMs: 5000,
      framesEveryMs: 250,
      during: async (from) => {
        await new Promise((r) => setTimeout(r, SWITCH_AT_MS - (Date.now() - from)));
        switchedAt = Date.now();
        await ctx.iut.call('switchCamera');
      },
    });
    const frames = o.frames;
    const before = between(frames, 0, switchedAt);
    const after = between(frames, switchedAt + SETTLE_MS, Number.POSITIVE_INFINITY);
    await attachFrame(ctx, 'frame before', before[before.length - 1]);
    await attachFrame(ctx, 'frame after', after[after.length - 1]);
    expectTrue('frames before and after', before.length > 0 && after.length > 0);
    expectEqual('camera before the switch', identifyPattern(before[before.length - 1]!).camera, 'front');
    expectTrue(`every frame after the switch shows the back camera`, after.every((f) => identifyPattern(f).camera === 'back'));
  },
);
