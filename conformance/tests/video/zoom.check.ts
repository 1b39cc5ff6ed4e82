// Zoom and custom-effect judged on the decoded stream at the server, on one push created with
// `zoom: true` and `custom-effect: true`, then stepped with getMaxZoom, setZoom and updates: the enlargement of the synthetic pattern about the
// centre (conformance/oracles/zoom.ts: its zoom ruler and patch edges move out by the zoom) is
// measured on each step's own frames and compared with the zoom asked for and the zoom setZoom
// says it applied; a zoom above getMaxZoom is refused and leaves the picture as it was. At zoom
// 1, skin-whiteness and skin-smoothness lift the grey patch and smooth the textured patch, and
// turning custom-effect off is refused (it cannot change once set) with the effects kept.
// Then applyFilter with a lookup image that swaps red and blue (made here, lookup-image.ts) and
// clearFilters: the quadrant colours swap, then come back.
// Spec: live-pusher.zh.md 通用属性 zoom (调整焦距), custom-effect (是否启动自定义特效，设定后不能更改),
// skin-whiteness (自定义特效美白效果，取值 0~1), skin-smoothness (自定义特效磨皮效果); context-api.md setZoom ({zoom} in [1, maxZoom],
// one decimal; the zoom actually applied), getMaxZoom ({maxZoom}, a string), applyFilter
// ({path, alpha}) / clearFilters.
import { check, type CheckContext } from '../../check.ts';
import { readZoom, ZOOM_MAX_DISTANCE } from '../../oracles/zoom.ts';
import type { RgbFrame } from '../../oracles/frame.ts';
import { expectAtMost, expectTrue, fail } from '../support/expect.ts';
import { attachFrame } from '../support/scenario.ts';
import { RUNTIME_LIMIT_MS, baselineWindow, framesIn, runSteps, stepWindow, type RuntimeRun, type RuntimeStep, type StepOutcome } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';
import { join } from 'node:path';
import { CAMERA_COLOURS, GREY, QUADRANTS, type Rgb } from '../../../adapters/camera/pattern.ts';
import { greyPatch, quadrantColours, textureEnergy } from '../../oracles/video.ts';
import { swapRedBlue, writeLookupPng } from './lookup-image.ts';

const BASELINE_MS = 1500;
/** Leaves about 1100 ms of settled frames a step (see effect-steps.ts). */
const STEP_MS = 2600;
const MIN_FRAMES = 4;
const TIMEOUT_MS = 90_000;
/** The measured zoom is within this share of the zoom asked for (the oracle reads a clean
 *  crop within 0.02; encoding and one-decimal rounding stay well inside). */
const ZOOM_TOLERANCE = 0.05;
/** `zoom: true` must enlarge the picture at least this much (the spec gives no factor). */
const ATTRIBUTE_MIN_ZOOM = 1.2;
/** Candidates are tried this far beyond the largest zoom in play, so an over-zoom is seen. */
const SEARCH_MARGIN = 1;
/** One decimal (context-api.md setZoom). */
const ZOOM_DECIMALS = 1;

const round1 = (z: number) => Math.round(z * 10 ** ZOOM_DECIMALS) / 10 ** ZOOM_DECIMALS;

/** The maxZoom getMaxZoom answered (step 0), or NaN when it did not answer a number string. */
function maxZoomOf(done: readonly StepOutcome[]): number {
  const r = done[0]?.result as { maxZoom?: unknown } | undefined;
  return typeof r?.maxZoom === 'string' ? Number(r.maxZoom) : Number.NaN;
}

/** skin-whiteness and skin-smoothness while custom-effect is on (0~1). */
const SKIN_AMOUNT = 0.9;
/** The grey patch's luma rises at least this much under the skin effects (the reference: ~45). */
const SKIN_MIN_LUMA_RISE = 8;
/** A neutral patch: max − min channel at most this (encoding noise reads 1–3). */
const NEUTRAL_MAX_CHROMA = 12;
/** Under the skin effects the texture energy is at most this share of what it was. */
const SKIN_MAX_TEXTURE_SHARE = 0.85;

/** Zooms asked for: 1, then (after the custom-effect steps, judged at zoom 1) halfway (one
 *  decimal), the maximum, then one above it (refused). */
const RANGE_CHECK = 'context/setZoom/range';
const SKIN_CHECKS = ['attributes/custom-effect/skin', 'attributes/custom-effect/immutable'];
const LUT_CHECKS = ['context/applyFilter/lut', 'context/clearFilters/restores'];
/** A run of some of the checks pushes only their steps (RuntimeStep.for); an effect turned on is
 *  always turned off again before the next steps, so every stretch looks as in the full push.
 *  getMaxZoom is always pushed (the zoom steps' arguments come from its answer), and so is
 *  setZoom 1 (it undoes the zoom the push was created with, for every step after it). */
const STEPS: RuntimeStep[] = [
  { name: 'getMaxZoom', call: 'getMaxZoom' },
  { name: 'setZoom 1', call: 'setZoom', args: { zoom: 1 } },
  { name: 'skin effects on', update: { 'skin-whiteness': SKIN_AMOUNT, 'skin-smoothness': SKIN_AMOUNT }, for: SKIN_CHECKS },
  { name: 'custom-effect false', update: { 'custom-effect': false }, for: ['attributes/custom-effect/immutable'] },
  { name: 'skin effects off', update: { 'skin-whiteness': 0, 'skin-smoothness': 0 }, for: SKIN_CHECKS },
  { name: 'applyFilter', call: 'applyFilter', args: () => ({ path: lutPath, alpha: 1 }), for: LUT_CHECKS },
  { name: 'clearFilters', call: 'clearFilters', for: LUT_CHECKS },
  { name: 'setZoom halfway', call: 'setZoom', args: (done) => ({ zoom: round1((1 + maxZoomOf(done)) / 2) }), for: [RANGE_CHECK] },
  { name: 'setZoom max', call: 'setZoom', args: (done) => ({ zoom: maxZoomOf(done) }), for: [RANGE_CHECK] },
  { name: 'setZoom above max', call: 'setZoom', args: (done) => ({ zoom: round1(maxZoomOf(done) + 1) }), for: [RANGE_CHECK] },
];

interface ZoomRun {
  run: RuntimeRun;
  maxZoom: number;
}

/** Frames of a stretch the zoom is measured on, evenly spread (each reading costs a search). */
const MAX_ZOOM_FRAMES = 5;

function medianZoom(frames: RgbFrame[], searchMax: number): { zoom: number; distance: number } {
  const every = Math.max(1, Math.ceil(frames.length / MAX_ZOOM_FRAMES));
  const judged = frames.filter((_, i) => i % every === 0);
  const readings = judged.map((f) => readZoom(f, { camera: 'front', maxZoom: searchMax })).sort((a, b) => a.zoom - b.zoom);
  const mid = readings[Math.floor(readings.length / 2)]!;
  return { zoom: mid.zoom, distance: mid.distance };
}

/** The LUT image applyFilter is given (made in the scenario's work folder). */
let lutPath = '';

const zoomScenario = sharedScenario(
  async (ctx: CheckContext): Promise<ZoomRun> => {
    lutPath = join(ctx.workDir, 'swap-red-blue-lut.png');
    await writeLookupPng(lutPath, swapRedBlue);
    const run = await runSteps(ctx, { zoom: true, 'custom-effect': true }, STEPS, { baselineMs: BASELINE_MS, stepMs: STEP_MS });
    return { run, maxZoom: maxZoomOf(run.steps) };
  },
  async (ctx, value) => {
    await ctx.attach(
      'zoom steps',
      'application/json',
      JSON.stringify(value.run.steps.map((s) => (s.pushed ? { name: s.step.name, refused: s.refused, result: s.result } : { name: s.step.name, pushed: false })), null, 1),
    );
  },
);

/** The measured zoom of a stretch (median over its frames); fails when too few frames or the
 *  pattern is not explained. */
async function measured(ctx: CheckContext, z: ZoomRun, label: string, w: { from: number; to: number }, searchMax: number): Promise<number> {
  const frames = framesIn(z.run, w);
  if (frames.length < MIN_FRAMES) fail(`${label}: only ${frames.length} decoded frames in the judged stretch (need ${MIN_FRAMES})`);
  await attachFrame(ctx, `frame under ${label}`, frames[Math.floor(frames.length / 2)]);
  const m = medianZoom(frames, searchMax);
  expectAtMost(`${label}: distance of the best zoomed render from the frame (the picture is the pattern, zoomed)`, m.distance, ZOOM_MAX_DISTANCE);
  ctx.log(`${label}: measured zoom ${m.zoom.toFixed(2)}`);
  return m.zoom;
}

function expectZoom(label: string, got: number, want: number): void {
  if (!(Math.abs(got - want) <= want * ZOOM_TOLERANCE)) fail(`${label}: the stream shows ${got.toFixed(2)}x, expected ${want}x (within ${ZOOM_TOLERANCE * 100} %)`);
}

const stepIndex = (name: string) => STEPS.findIndex((s) => s.name === name);

check(
  {
    id: 'attributes/zoom/true',
    area: 'attributes',
    feature: 'zoom',
    story: 'zoom true enlarges the picture',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 zoom (调整焦距, boolean)',
    specRows: ['attribute:zoom=true'],
    tolerance: `created with zoom true, the pattern is enlarged about the centre by at least ${ATTRIBUTE_MIN_ZOOM}x (median over up to ${MAX_ZOOM_FRAMES} frames of the stretch before the first call); the spec gives no factor`,
    requires: { attributes: ['zoom'], rig: ['synthetic-camera', 'embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const z = await zoomScenario(ctx);
    const got = await measured(ctx, z, 'zoom true', baselineWindow(z.run), Number.isFinite(z.maxZoom) ? z.maxZoom + SEARCH_MARGIN : ATTRIBUTE_MIN_ZOOM * 4);
    if (!(got >= ATTRIBUTE_MIN_ZOOM)) fail(`zoom true: the stream shows ${got.toFixed(2)}x (need at least ${ATTRIBUTE_MIN_ZOOM}x)`);
  },
);

check(
  {
    id: 'context/setZoom/range',
    area: 'context',
    feature: 'setZoom',
    story: '1, halfway, maxZoom applied; above maxZoom refused',
    severity: 'normal',
    spec: 'context-api.md setZoom ({zoom} in [1, maxZoom], one decimal; the zoom actually applied) and getMaxZoom ({maxZoom}, a string)',
    specRows: ['method:setZoom', 'method:getMaxZoom'],
    tolerance: `getMaxZoom answers a number ≥ 1 as a string; each accepted setZoom answers the zoom it applied (equal to the one asked, one decimal) and the stream shows it within ${ZOOM_TOLERANCE * 100} % (median over up to ${MAX_ZOOM_FRAMES} of the step's frames, evenly spread, from ${RUNTIME_LIMIT_MS} ms after the call to the next step); setZoom above maxZoom is refused and the stream stays at maxZoom`,
    requires: { methods: ['setZoom', 'getMaxZoom'], rig: ['synthetic-camera', 'embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const z = await zoomScenario(ctx);
    const first = z.run.steps[0];
    if (!first || first.refused !== null) fail(`getMaxZoom was refused: ${first?.refused ?? 'not called'}`);
    const raw = (first.result as { maxZoom?: unknown } | undefined)?.maxZoom;
    expectTrue('getMaxZoom answers {maxZoom} as a string of a number ≥ 1', typeof raw === 'string' && Number(raw) >= 1, `answered ${JSON.stringify(first.result)}`);
    const searchMax = z.maxZoom + SEARCH_MARGIN;
    for (const name of ['setZoom 1', 'setZoom halfway', 'setZoom max']) {
      const i = stepIndex(name);
      const s = z.run.steps[i]!;
      const want = name === 'setZoom 1' ? 1 : name === 'setZoom max' ? z.maxZoom : round1((1 + z.maxZoom) / 2);
      if (s.refused !== null) fail(`${name} (zoom ${want}) was refused: ${s.refused}`);
      const applied = (s.result as { zoom?: unknown } | undefined)?.zoom;
      if (typeof applied !== 'number' || Math.abs(applied - want) > 10 ** -ZOOM_DECIMALS / 2) fail(`${name}: asked ${want}, setZoom answered ${JSON.stringify(s.result)} (the zoom applied must be ${want})`);
      expectZoom(name, await measured(ctx, z, name, stepWindow(z.run, i), searchMax), want);
    }
    const above = stepIndex('setZoom above max');
    const s = z.run.steps[above]!;
    if (s.refused === null) fail(`setZoom ${round1(z.maxZoom + 1)} (above maxZoom ${z.maxZoom}) was accepted: ${JSON.stringify(s.result)}`);
    expectZoom('after the refused setZoom above max', await measured(ctx, z, 'refused setZoom above max', stepWindow(z.run, above), searchMax), z.maxZoom);
  },
);

interface SkinReading {
  frames: number;
  luma: number;
  chroma: number;
  texture: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function skinReading(z: ZoomRun, name: string): SkinReading {
  const i = stepIndex(name);
  const frames = framesIn(z.run, stepWindow(z.run, i));
  if (frames.length < MIN_FRAMES) fail(`"${name}": only ${frames.length} decoded frames in the judged stretch (need ${MIN_FRAMES})`);
  const greys = frames.map((f) => greyPatch(f));
  return { frames: frames.length, luma: median(greys.map((g) => g.luma)), chroma: median(greys.map((g) => g.chroma)), texture: median(frames.map((f) => textureEnergy(f))) };
}

const describeSkin = (r: SkinReading) => `grey luma ${r.luma.toFixed(1)}, chroma ${r.chroma.toFixed(1)}, texture energy ${r.texture.toFixed(2)}`;

/** The skin effects show against the stretch before them (zoom 1, skin 0). */
function expectSkinEffects(label: string, before: SkinReading, under: SkinReading): void {
  const summary = `before: ${describeSkin(before)}; ${label}: ${describeSkin(under)}`;
  if (!(under.luma - before.luma >= SKIN_MIN_LUMA_RISE)) fail(`${label}: grey-patch luma rose by ${(under.luma - before.luma).toFixed(1)} (need at least ${SKIN_MIN_LUMA_RISE}); ${summary}`);
  expectAtMost(`${label}: grey-patch chroma (${summary})`, under.chroma, NEUTRAL_MAX_CHROMA);
  expectAtMost(`${label}: texture energy as a share of before (${summary})`, under.texture / before.texture, SKIN_MAX_TEXTURE_SHARE);
}

check(
  {
    id: 'attributes/custom-effect/skin',
    area: 'attributes',
    feature: 'custom-effect',
    story: `skin-whiteness and skin-smoothness ${SKIN_AMOUNT}`,
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 custom-effect (是否启动自定义特效), skin-whiteness (自定义特效美白效果，取值 0~1), skin-smoothness (自定义特效磨皮效果，取值 0~1)',
    specRows: ['attribute:custom-effect=true', 'attribute:skin-whiteness', 'attribute:skin-smoothness'],
    tolerance: `created with custom-effect true; setting both to ${SKIN_AMOUNT} raises the grey patch's median luma by at least ${SKIN_MIN_LUMA_RISE}, keeps its chroma at most ${NEUTRAL_MAX_CHROMA}, and leaves at most ${SKIN_MAX_TEXTURE_SHARE} of the textured patch's energy (against the stretch before, at zoom 1)`,
    requires: { attributes: ['custom-effect', 'skin-whiteness', 'skin-smoothness'], methods: ['setZoom', 'getMaxZoom'], rig: ['synthetic-camera', 'embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const z = await zoomScenario(ctx);
    const on = z.run.steps[stepIndex('skin effects on')]!;
    if (on.refused !== null) fail(`setting skin-whiteness/skin-smoothness with custom-effect on was refused: ${on.refused}`);
    const under = skinReading(z, 'skin effects on');
    await attachFrame(ctx, 'frame under the skin effects', framesIn(z.run, stepWindow(z.run, stepIndex('skin effects on')))[0]);
    expectSkinEffects('skin effects on', skinReading(z, 'setZoom 1'), under);
  },
);

check(
  {
    id: 'attributes/custom-effect/immutable',
    area: 'attributes',
    feature: 'custom-effect',
    story: 'cannot change after it is set',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 custom-effect (设定后不能更改)',
    specRows: ['attribute:custom-effect'],
    tolerance: `update {custom-effect: false} after creating with true is refused with an errMsg naming custom-effect, and the skin effects stay in the stream (the same measures as attributes/custom-effect/skin on the refused step's frames)`,
    requires: { attributes: ['custom-effect', 'skin-whiteness', 'skin-smoothness'], methods: ['setZoom', 'getMaxZoom'], rig: ['synthetic-camera', 'embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const z = await zoomScenario(ctx);
    const off = z.run.steps[stepIndex('custom-effect false')]!;
    if (off.refused === null) fail(`update {custom-effect: false} was accepted (${JSON.stringify(off.result)}); custom-effect cannot change after it is set`);
    expectTrue(`the refusal names custom-effect (errMsg: ${off.refused})`, off.refused.includes('custom-effect'));
    expectSkinEffects('after the refused custom-effect false', skinReading(z, 'setZoom 1'), skinReading(z, 'custom-effect false'));
  },
);

/** A picture patch within this RGB distance of the colour expected. */
const LUT_MAX_DISTANCE = 35;

function rgbDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** The grey patch and the four quadrant samples (median over the step's frames) against the
 *  pattern's colours passed through `map`. */
function expectColours(z: ZoomRun, name: string, map: (c: Rgb) => Rgb): void {
  const frames = framesIn(z.run, stepWindow(z.run, stepIndex(name)));
  if (frames.length < MIN_FRAMES) fail(`"${name}": only ${frames.length} decoded frames in the judged stretch (need ${MIN_FRAMES})`);
  const med = (xs: number[]) => median(xs);
  const seen: Rgb[] = [
    [0, 1, 2].map((c) => med(frames.map((f) => greyPatch(f).rgb[c]!))) as unknown as Rgb,
    ...QUADRANTS.map((q) => [0, 1, 2].map((c) => med(frames.map((f) => quadrantColours(f)[q][c]!))) as unknown as Rgb),
  ];
  const want: Rgb[] = [GREY, ...QUADRANTS.map((q) => CAMERA_COLOURS.front[q])].map(map);
  const names = ['grey patch', ...QUADRANTS.map((q) => `quadrant ${q}`)];
  const fmt = (c: Rgb) => c.map(Math.round).join(',');
  const summary = names.map((n, i) => `${n} ${fmt(seen[i]!)} (expected ${fmt(want[i]!)})`).join('; ');
  seen.forEach((c, i) => expectAtMost(`"${name}": ${names[i]} distance from its expected colour (${summary})`, rgbDistance(c, want[i]!), LUT_MAX_DISTANCE));
}

const LUT_REQUIRES = { methods: ['applyFilter', 'clearFilters', 'setZoom', 'getMaxZoom'], rig: ['synthetic-camera', 'embedded-server'] } as const;

check(
  {
    id: 'context/applyFilter/lut',
    area: 'context',
    feature: 'applyFilter',
    story: 'a lookup image that swaps red and blue, alpha 1',
    severity: 'normal',
    spec: 'context-api.md applyFilter ({path, alpha, md5?}: custom effects)',
    specRows: ['method:applyFilter'],
    tolerance: `after applyFilter with a 512x512 lookup image (64 levels, 8x8 tiles) mapping (r,g,b) to (b,g,r), the grey patch and the four quadrant samples (median over the step's frames) are each within ${LUT_MAX_DISTANCE} RGB of the pattern's colours with red and blue swapped`,
    requires: { methods: [...LUT_REQUIRES.methods], rig: [...LUT_REQUIRES.rig] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const z = await zoomScenario(ctx);
    const s = z.run.steps[stepIndex('applyFilter')]!;
    if (s.refused !== null) fail(`applyFilter was refused: ${s.refused}`);
    await attachFrame(ctx, 'frame under applyFilter', framesIn(z.run, stepWindow(z.run, stepIndex('applyFilter')))[0]);
    expectColours(z, 'applyFilter', swapRedBlue);
  },
);

check(
  {
    id: 'context/clearFilters/restores',
    area: 'context',
    feature: 'clearFilters',
    story: 'the picture comes back after applyFilter',
    severity: 'normal',
    spec: 'context-api.md applyFilter / clearFilters',
    specRows: ['method:clearFilters'],
    tolerance: `after clearFilters the grey patch and the four quadrant samples are each within ${LUT_MAX_DISTANCE} RGB of the pattern's own colours`,
    requires: { methods: [...LUT_REQUIRES.methods], rig: [...LUT_REQUIRES.rig] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const z = await zoomScenario(ctx);
    const s = z.run.steps[stepIndex('clearFilters')]!;
    if (s.refused !== null) fail(`clearFilters was refused: ${s.refused}`);
    expectColours(z, 'clearFilters', (c) => c);
  },
);
