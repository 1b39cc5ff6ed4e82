// The camera's controls judged on the decoded stream at the server, on one short push with the
// back camera: toggleTorch lights the scene (the grey patch brighter and still neutral) and a
// second toggleTorch puts it out; auto-focus false leaves the scene out of focus (the textured
// patch's energy falls, the grey patch's level stays) and auto-focus true brings it back sharp.
// The rig's synthetic back camera is what shows them (adapters/camera/synthetic.ts: the torch
// scales the light on the scene; the scene sits off the lens's fixed focus); a camera the bench
// draws for the IUT (materialized sources, a v4l2loopback feed) cannot, and the checks are
// skipped there with the reason.
// Spec: live-pusher.zh.md 通用属性 auto-focus (自动聚集, boolean, default true); context-api.md
// toggleTorch [2.1.0] (flashlight, back camera).
import { check, type CheckContext } from '../../check.ts';
import { wantsSources } from '../../fixtures.ts';
import { greyPatch, textureEnergy, type RgbFrame } from '../../oracles/video.ts';
import { expectAtMost, fail } from '../support/expect.ts';
import { attachFrame } from '../support/scenario.ts';
import { RUNTIME_LIMIT_MS, baselineWindow, framesIn, runSteps, stepWindow, type RuntimeRun, type RuntimeStep } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';

const BASELINE_MS = 1500;
/** Leaves about 1100 ms of settled frames a step (see effect-steps.ts). */
const STEP_MS = 2600;
const MIN_FRAMES = 4;
const TIMEOUT_MS = 60_000;

/** The torch lifts the grey patch's luma at least this much (the reference's light: ~38). */
const TORCH_MIN_LUMA_RISE = 15;
/** A neutral patch: max − min channel at most this (encoding noise reads 1–3). */
const NEUTRAL_MAX_CHROMA = 12;
/** Back to the baseline: the grey patch's luma within this of it (encoding noise reads 1–2). */
const SAME_LUMA = 6;
/** Out of focus: the textured patch keeps at most this share of the baseline's energy (the
 *  reference's defocus leaves ~0.25). */
const DEFOCUS_MAX_SHARE = 0.6;
/** In focus again: at least this share of the baseline's texture energy. */
const REFOCUS_MIN_SHARE = 0.85;

const TORCH = ['context/toggleTorch/lights'];
const FOCUS = ['attributes/auto-focus/focus'];
const STEPS: RuntimeStep[] = [
  { name: 'toggleTorch on', call: 'toggleTorch', for: TORCH },
  { name: 'toggleTorch off', call: 'toggleTorch', for: TORCH },
  { name: 'auto-focus false', update: { 'auto-focus': false }, for: FOCUS },
  { name: 'auto-focus true', update: { 'auto-focus': true }, for: FOCUS },
];
type Stretch = 'baseline' | (typeof STEPS)[number]['name'];

const RIG = ['synthetic-back-camera-controls', 'embedded-server'] as const;
const MATERIALIZED_REASON =
  'the IUT is handed the synthetic cameras as streams the bench draws (materialized sources): its torch and focus cannot act on that scene, so the rig cannot observe them';

interface Reading {
  frames: number;
  luma: number;
  chroma: number;
  texture: number;
  sample: RgbFrame | undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function read(frames: RgbFrame[]): Reading {
  const greys = frames.map((f) => greyPatch(f));
  return {
    frames: frames.length,
    luma: median(greys.map((g) => g.luma)),
    chroma: median(greys.map((g) => g.chroma)),
    texture: median(frames.map((f) => textureEnergy(f))),
    sample: frames[Math.floor(frames.length / 2)],
  };
}

interface ControlsRun {
  run: RuntimeRun;
  stretches: Map<Stretch, Reading>;
}

const controlsScenario = sharedScenario(
  async (ctx: CheckContext): Promise<ControlsRun> => {
    const run = await runSteps(ctx, { 'device-position': 'back' }, STEPS, { baselineMs: BASELINE_MS, stepMs: STEP_MS });
    const stretches = new Map<Stretch, Reading>();
    const base = framesIn(run, baselineWindow(run));
    if (base.length > 0) stretches.set('baseline', read(base));
    run.steps.forEach((s, i) => {
      if (!s.pushed) return;
      const frames = framesIn(run, stepWindow(run, i));
      if (frames.length > 0) stretches.set(s.step.name as Stretch, read(frames));
    });
    return { run, stretches };
  },
  async (ctx, value) => {
    const table = [...value.stretches.entries()].map(([name, r]) => ({ stretch: name, frames: r.frames, greyLuma: +r.luma.toFixed(1), greyChroma: +r.chroma.toFixed(1), textureEnergy: +r.texture.toFixed(2) }));
    await ctx.attach('measures per stretch (medians over its frames)', 'application/json', JSON.stringify({ steps: value.run.steps.map((s) => ({ name: s.step.name, pushed: s.pushed, refused: s.pushed ? s.refused : null })), table }, null, 1));
  },
);

/** The reading of a stretch, which must follow an accepted step and hold enough frames. */
function stretch(c: ControlsRun, name: Stretch): Reading {
  const step = c.run.steps.find((s) => s.step.name === name);
  if (step && step.refused !== null) fail(`"${name}" was refused: ${step.refused}`);
  const r = c.stretches.get(name);
  if (!r || r.frames < MIN_FRAMES) fail(`"${name}": only ${r?.frames ?? 0} decoded frames in its judged stretch (need ${MIN_FRAMES})`);
  return r;
}

const describe = (name: string, r: Reading) => `${name}: grey luma ${r.luma.toFixed(1)}, chroma ${r.chroma.toFixed(1)}, texture energy ${r.texture.toFixed(2)}`;

/** Skips when the IUT does not draw the camera itself (it gets the bench's streams). */
function requireOwnCamera(ctx: CheckContext): void {
  if (wantsSources(ctx.hello.name)) ctx.notApplicable(MATERIALIZED_REASON);
}

check(
  {
    id: 'context/toggleTorch/lights',
    area: 'context',
    feature: 'toggleTorch',
    story: 'the back camera torch on, then off',
    severity: 'normal',
    spec: 'context-api.md toggleTorch [2.1.0] (flashlight, back camera)',
    specRows: ['method:toggleTorch'],
    tolerance: `with the back camera, the first toggleTorch raises the grey patch's median luma by at least ${TORCH_MIN_LUMA_RISE} over the baseline and keeps its chroma at most ${NEUTRAL_MAX_CHROMA}; the second brings the luma back within ${SAME_LUMA} of the baseline (each judged from ${RUNTIME_LIMIT_MS} ms after the call to the next step)`,
    requires: { methods: ['toggleTorch'], rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    requireOwnCamera(ctx);
    const c = await controlsScenario(ctx);
    const base = stretch(c, 'baseline');
    const on = stretch(c, 'toggleTorch on');
    const off = stretch(c, 'toggleTorch off');
    await attachFrame(ctx, 'frame with the torch on', on.sample);
    const summary = [describe('baseline', base), describe('torch on', on), describe('torch off', off)].join('; ');
    const rise = on.luma - base.luma;
    if (!(rise >= TORCH_MIN_LUMA_RISE)) fail(`toggleTorch: the grey patch's luma rose by ${rise.toFixed(1)} (need at least ${TORCH_MIN_LUMA_RISE}): the scene is not lit; ${summary}`);
    expectAtMost(`grey-patch chroma with the torch on (${summary})`, on.chroma, NEUTRAL_MAX_CHROMA);
    if (!(Math.abs(off.luma - base.luma) <= SAME_LUMA)) fail(`the second toggleTorch left the grey patch's luma ${(off.luma - base.luma).toFixed(1)} from the baseline (at most ${SAME_LUMA}): the torch did not go out; ${summary}`);
  },
);

check(
  {
    id: 'attributes/auto-focus/focus',
    area: 'attributes',
    feature: 'auto-focus',
    story: 'auto-focus false leaves the scene out of focus, true brings it back',
    severity: 'minor',
    spec: 'live-pusher.zh.md 通用属性 auto-focus (自动聚集, boolean, default true)',
    specRows: ['attribute:auto-focus', 'attribute:auto-focus=false', 'attribute:auto-focus=true'],
    tolerance: `after update {auto-focus: false} the textured patch keeps at most ${DEFOCUS_MAX_SHARE} of the baseline's texture energy (auto-focus left at its default true) and the grey patch's luma stays within ${SAME_LUMA} (a blur, not a darker picture); after update {auto-focus: true} it is back to at least ${REFOCUS_MIN_SHARE} of the baseline's energy`,
    requires: { attributes: ['auto-focus'], rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    requireOwnCamera(ctx);
    const c = await controlsScenario(ctx);
    const base = stretch(c, 'baseline');
    const off = stretch(c, 'auto-focus false');
    const on = stretch(c, 'auto-focus true');
    await attachFrame(ctx, 'frame with auto-focus false', off.sample);
    const summary = [describe('baseline', base), describe('auto-focus false', off), describe('auto-focus true', on)].join('; ');
    expectAtMost(`texture energy with auto-focus false as a share of the baseline's (${summary})`, off.texture / base.texture, DEFOCUS_MAX_SHARE);
    if (!(Math.abs(off.luma - base.luma) <= SAME_LUMA)) fail(`auto-focus false moved the grey patch's luma by ${(off.luma - base.luma).toFixed(1)} (at most ${SAME_LUMA}); ${summary}`);
    if (!(on.texture / base.texture >= REFOCUS_MIN_SHARE)) fail(`auto-focus true: the textured patch has ${((on.texture / base.texture) * 100).toFixed(0)} % of the baseline's energy (need at least ${REFOCUS_MIN_SHARE * 100} %): still out of focus; ${summary}`);
  },
);
