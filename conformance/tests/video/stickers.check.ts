// custom-effect false and the stickers, judged on the decoded stream at the server, on one short
// push created with `custom-effect: false` (front camera):
// - skin-whiteness, skin-smoothness, face-thinness and eye-bigness set to 1 have no effect: the
//   grey patch, the four colour samples and the textured patch read as in the baseline;
// - then update {custom-effect: true} is refused (it cannot change once set) and the picture
//   still reads as the baseline (with the skin amounts at 1, an accepted change would show);
// - applySticker with an image the check makes (magenta, a white block in its middle; the front
//   pattern has no magenta) shows that image in the stream at the place and size its pos asks
//   (fractions of the frame), found by colour (conformance/oracles/colour-box.ts);
// - clearStickers removes it: no magenta left and the pattern's own colour back under it.
// Spec: live-pusher.zh.md 通用属性 custom-effect (是否启动自定义特效，设定后不能更改), skin-whiteness /
// skin-smoothness / face-thinness / eye-bigness (需要开启 custom-effect); context-api.md applySticker /
// clearStickers [2.14.0] ({type, stickers}; the Sticker fields from miniprogram-api-typings; pos as
// [x, y, width, height] fractions is this bench's reading, README "Choices where the spec is silent").
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { check, type CheckContext } from '../../check.ts';
import { CAMERA_COLOURS, QUADRANTS, WHITE, type Rgb } from '../../../adapters/camera/pattern.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { runToCompletion } from '../../../adapters/process/run-to-completion.ts';
import { findColourBox, meanRgb, type PixelBox } from '../../oracles/colour-box.ts';
import { greyPatch, quadrantColours, textureEnergy, type RgbFrame } from '../../oracles/video.ts';
import { expectAtMost, expectTrue, fail } from '../support/expect.ts';
import { attachFrame } from '../support/scenario.ts';
import { RUNTIME_LIMIT_MS, baselineWindow, framesIn, runSteps, stepWindow, type RuntimeRun, type RuntimeStep } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';

const BASELINE_MS = 1500;
/** Leaves about 1100 ms of settled frames a step (see effect-steps.ts). */
const STEP_MS = 2600;
const MIN_FRAMES = 4;
const TIMEOUT_MS = 60_000;

/** The skin amounts set while custom-effect is false (the top of 0~1). */
const SKIN_AMOUNT = 1;
/** "Reads as the baseline": the grey patch's luma within this (the reference's skin-whiteness 1
 *  would lift it by ~50; encoding noise reads 1–2) ... */
const SAME_LUMA = 6;
/** ... the texture energy within this ratio either way (skin-smoothness 1 leaves ~0.1) ... */
const SAME_TEXTURE_RATIO = 1.2;
/** ... and each of the grey patch and four colour samples within this RGB distance. */
const SAME_PATCH_DISTANCE = 12;

/** The sticker's colour and its middle block's; magenta is far from every front-pattern colour. */
const STICKER_COLOUR: Rgb = [255, 0, 255];
const STICKER_MARK: Rgb = WHITE;
/** The sticker image's size (it is scaled to its pos). */
const STICKER_IMAGE_W = 96;
const STICKER_IMAGE_H = 64;
/** The middle block covers the middle third of the image each way. */
const MARK_FRACTION = 1 / 3;
/** Where the sticker goes: x, y, width, height as fractions of the frame (over the red quadrant,
 *  clear of its colour sample, the ruler and the patches). */
const STICKER_POS = [0.1, 0.08, 0.3, 0.15] as const;
/** A pixel belongs to the sticker within this RGB distance of its colour (4:2:0 edges blur). */
const STICKER_COLOUR_DISTANCE = 80;
/** Each edge of the sticker found within this many pixels of where pos puts it. */
const EDGE_TOLERANCE_PX = 4;
/** The middle block reads within this RGB distance of white. */
const MARK_MAX_DISTANCE = 40;
/** After clearStickers: sticker-coloured pixels at most this share of the sticker's area ... */
const CLEARED_MAX_SHARE = 0.02;
/** ... and the place it was reads within this RGB distance of the pattern's own colour there. */
const CLEARED_MAX_DISTANCE = 35;

let stickerPath = '';

const FALSE_CHECK = 'attributes/custom-effect/false';
const STAYS_CHECK = 'attributes/custom-effect/false-stays';
const APPLY_CHECK = 'context/applySticker/placed';
const CLEAR_CHECK = 'context/clearStickers/removes';
const STEPS: RuntimeStep[] = [
  {
    name: 'skin effects without custom-effect',
    update: { 'skin-whiteness': SKIN_AMOUNT, 'skin-smoothness': SKIN_AMOUNT, 'face-thinness': SKIN_AMOUNT, 'eye-bigness': SKIN_AMOUNT },
    for: [FALSE_CHECK, STAYS_CHECK],
  },
  { name: 'custom-effect true', update: { 'custom-effect': true }, for: [STAYS_CHECK] },
  {
    name: 'applySticker',
    call: 'applySticker',
    args: () => ({ type: '2D', stickers: [{ path: stickerPath, title: 'marker', len: 1, pos: STICKER_POS.map(String) }] }),
    for: [APPLY_CHECK, CLEAR_CHECK],
  },
  { name: 'clearStickers', call: 'clearStickers', for: [CLEAR_CHECK] },
];
type Stretch = 'baseline' | (typeof STEPS)[number]['name'];

/** Writes the sticker image (magenta, a white block in its middle) as a PNG at `path`. */
async function writeStickerPng(path: string): Promise<void> {
  const rgb = Buffer.alloc(STICKER_IMAGE_W * STICKER_IMAGE_H * 3);
  for (let y = 0; y < STICKER_IMAGE_H; y++) {
    for (let x = 0; x < STICKER_IMAGE_W; x++) {
      const inMark = Math.abs(x + 0.5 - STICKER_IMAGE_W / 2) < (STICKER_IMAGE_W * MARK_FRACTION) / 2 && Math.abs(y + 0.5 - STICKER_IMAGE_H / 2) < (STICKER_IMAGE_H * MARK_FRACTION) / 2;
      rgb.set(inMark ? STICKER_MARK : STICKER_COLOUR, (y * STICKER_IMAGE_W + x) * 3);
    }
  }
  const ppm = `${path}.ppm`;
  await writeFile(ppm, Buffer.concat([Buffer.from(`P6\n${STICKER_IMAGE_W} ${STICKER_IMAGE_H}\n255\n`, 'ascii'), rgb]));
  try {
    await runToCompletion({ name: 'ffmpeg sticker image writer', command: ffmpegPath(), args: ['-hide_banner', '-loglevel', 'error', '-i', ppm, '-y', path], timeoutMs: 10_000 });
  } finally {
    await rm(ppm, { force: true });
  }
}

interface Reading {
  frames: RgbFrame[];
  luma: number;
  texture: number;
  /** Grey patch, then the quadrant samples tl, tr, bl, br. */
  patches: Rgb[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function read(frames: RgbFrame[]): Reading {
  const greys = frames.map((f) => greyPatch(f));
  const quads = frames.map((f) => quadrantColours(f));
  const medianRgb = (rgbs: Rgb[]): Rgb => [0, 1, 2].map((c) => median(rgbs.map((x) => x[c]!))) as unknown as Rgb;
  return {
    frames,
    luma: median(greys.map((g) => g.luma)),
    texture: median(frames.map((f) => textureEnergy(f))),
    patches: [medianRgb(greys.map((g) => g.rgb)), ...QUADRANTS.map((q) => medianRgb(quads.map((x) => x[q])))],
  };
}

interface StickerRun {
  run: RuntimeRun;
  stretches: Map<Stretch, Reading>;
}

const stickerScenario = sharedScenario(
  async (ctx: CheckContext): Promise<StickerRun> => {
    stickerPath = join(ctx.workDir, 'sticker-marker.png');
    await writeStickerPng(stickerPath);
    const run = await runSteps(ctx, { 'custom-effect': false }, STEPS, { baselineMs: BASELINE_MS, stepMs: STEP_MS });
    const stretches = new Map<Stretch, Reading>();
    stretches.set('baseline', read(framesIn(run, baselineWindow(run))));
    run.steps.forEach((s, i) => {
      if (s.pushed) stretches.set(s.step.name as Stretch, read(framesIn(run, stepWindow(run, i))));
    });
    return { run, stretches };
  },
  async (ctx, value) => {
    const fmt = (c: Rgb) => c.map(Math.round).join(',');
    const table = [...value.stretches.entries()].map(([name, r]) => ({ stretch: name, frames: r.frames.length, greyLuma: +r.luma.toFixed(1), textureEnergy: +r.texture.toFixed(2), patches: r.patches.map(fmt) }));
    await ctx.attach('measures per stretch (medians over its frames)', 'application/json', JSON.stringify({ steps: value.run.steps.map((s) => ({ name: s.step.name, pushed: s.pushed, refused: s.pushed ? s.refused : null })), table }, null, 1));
  },
);

/** The frames of a stretch, which must hold enough. */
function stretch(s: StickerRun, name: Stretch): Reading {
  const r = s.stretches.get(name);
  if (!r || r.frames.length < MIN_FRAMES) fail(`"${name}": only ${r?.frames.length ?? 0} decoded frames in its judged stretch (need ${MIN_FRAMES})`);
  return r;
}

function refusal(s: StickerRun, name: Stretch): string | null {
  const step = s.run.steps.find((x) => x.step.name === name);
  if (!step) fail(`step "${name}" did not run`);
  return step.refused;
}

function rgbDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

const PATCH_NAMES = ['grey patch', ...QUADRANTS.map((q) => `quadrant ${q} sample`)];

/** The stretch reads as the baseline: grey luma, texture energy and every patch. */
function expectLikeBaseline(label: string, base: Reading, r: Reading): void {
  const fmt = (c: Rgb) => c.map(Math.round).join(',');
  const summary = `baseline: luma ${base.luma.toFixed(1)}, texture ${base.texture.toFixed(2)}, patches ${base.patches.map(fmt).join(' / ')}; ${label}: luma ${r.luma.toFixed(1)}, texture ${r.texture.toFixed(2)}, patches ${r.patches.map(fmt).join(' / ')}`;
  if (!(Math.abs(r.luma - base.luma) <= SAME_LUMA)) fail(`${label}: the grey patch's luma moved by ${(r.luma - base.luma).toFixed(1)} from the baseline (at most ${SAME_LUMA}): a whitening shows; ${summary}`);
  const ratio = r.texture / base.texture;
  if (!(ratio <= SAME_TEXTURE_RATIO && ratio >= 1 / SAME_TEXTURE_RATIO)) fail(`${label}: the texture energy is ${(ratio * 100).toFixed(0)} % of the baseline's (within ${SAME_TEXTURE_RATIO}x either way): a smoothing shows; ${summary}`);
  r.patches.forEach((p, i) => expectAtMost(`${label}: ${PATCH_NAMES[i]} distance from the baseline (${summary})`, rgbDistance(p, base.patches[i]!), SAME_PATCH_DISTANCE));
}

/** Where pos puts the sticker in a frame of this size, in pixels (end exclusive). */
function askedBox(f: RgbFrame): PixelBox {
  const [x, y, w, h] = STICKER_POS;
  return { x0: Math.round(x * f.width), y0: Math.round(y * f.height), x1: Math.round((x + w) * f.width), y1: Math.round((y + h) * f.height) };
}

const fmtBox = (b: PixelBox) => `x ${b.x0}..${b.x1}, y ${b.y0}..${b.y1}`;

const RIG = ['synthetic-camera', 'embedded-server'] as const;
const CUSTOM_EFFECT_ATTRS = ['custom-effect', 'skin-whiteness', 'skin-smoothness'];

check(
  {
    id: FALSE_CHECK,
    area: 'attributes',
    feature: 'custom-effect',
    story: 'the skin effects do nothing while custom-effect is false',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 custom-effect (default false), skin-whiteness / skin-smoothness / face-thinness / eye-bigness (需要开启 custom-effect)',
    specRows: ['attribute:custom-effect=false'],
    tolerance: `created with custom-effect false, update {skin-whiteness, skin-smoothness, face-thinness, eye-bigness: ${SKIN_AMOUNT}} is accepted and the picture reads as the baseline: grey-patch luma within ${SAME_LUMA}, texture energy within ${SAME_TEXTURE_RATIO}x either way, the grey patch and four colour samples each within ${SAME_PATCH_DISTANCE} RGB (medians over the step's frames, from ${RUNTIME_LIMIT_MS} ms after the update)`,
    requires: { attributes: CUSTOM_EFFECT_ATTRS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const s = await stickerScenario(ctx);
    const refused = refusal(s, 'skin effects without custom-effect');
    if (refused !== null) fail(`update {skin-*: ${SKIN_AMOUNT}} with custom-effect false was refused (${refused}); the values are legal (0~1), they only need custom-effect to take effect`);
    const r = stretch(s, 'skin effects without custom-effect');
    await attachFrame(ctx, 'frame with the skin effects at 1 and custom-effect false', r.frames[Math.floor(r.frames.length / 2)]);
    expectLikeBaseline('skin effects at 1 with custom-effect false', stretch(s, 'baseline'), r);
  },
);

check(
  {
    id: STAYS_CHECK,
    area: 'attributes',
    feature: 'custom-effect',
    story: 'false cannot be changed to true after it is set',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 custom-effect (是否启动自定义特效，设定后不能更改)',
    specRows: ['attribute:custom-effect', 'attribute:custom-effect=false'],
    tolerance: `created with custom-effect false and the skin amounts then set to ${SKIN_AMOUNT}, update {custom-effect: true} is refused with an errMsg naming custom-effect, and the picture still reads as the baseline (the measures of attributes/custom-effect/false)`,
    requires: { attributes: CUSTOM_EFFECT_ATTRS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const s = await stickerScenario(ctx);
    if (refusal(s, 'skin effects without custom-effect') !== null) fail('the skin amounts could not be set with custom-effect false, so a change of custom-effect would not show');
    const refused = refusal(s, 'custom-effect true');
    if (refused === null) fail('update {custom-effect: true} after creating with false was accepted; custom-effect cannot change after it is set');
    expectTrue(`the refusal names custom-effect (errMsg: ${refused})`, refused.includes('custom-effect'));
    expectLikeBaseline('after the refused custom-effect true', stretch(s, 'baseline'), stretch(s, 'custom-effect true'));
  },
);

const STICKER_REQUIRES = { methods: ['applySticker', 'clearStickers'], attributes: CUSTOM_EFFECT_ATTRS, rig: [...RIG] };

check(
  {
    id: APPLY_CHECK,
    area: 'context',
    feature: 'applySticker',
    story: 'the sticker image at the place and size its pos asks',
    severity: 'normal',
    spec: 'context-api.md applySticker [2.14.0] ({type, stickers: [{path, title, len, pos?, ...}]}: custom effects)',
    specRows: ['method:applySticker'],
    tolerance: `after applySticker({type: '2D', stickers: [{path, pos: [${STICKER_POS.join(', ')}]}]}) with a ${STICKER_IMAGE_W}x${STICKER_IMAGE_H} magenta image, each frame of the step shows magenta (within ${STICKER_COLOUR_DISTANCE} RGB) in a box whose every edge is within ${EDGE_TOLERANCE_PX} px of pos × the frame size (median edge over the step's frames), and the image's white middle block there (mean within ${MARK_MAX_DISTANCE} RGB of white)`,
    requires: STICKER_REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const s = await stickerScenario(ctx);
    const refused = refusal(s, 'applySticker');
    if (refused !== null) fail(`applySticker was refused: ${refused}`);
    const r = stretch(s, 'applySticker');
    await attachFrame(ctx, 'frame under applySticker', r.frames[Math.floor(r.frames.length / 2)]);
    const found = r.frames.map((f) => findColourBox(f, STICKER_COLOUR, STICKER_COLOUR_DISTANCE));
    const missing = found.filter((x) => x.box === null).length;
    if (missing > 0) fail(`applySticker: no sticker colour in ${missing} of ${found.length} frames of the step`);
    const boxes = found.map((x) => x.box!);
    const seen: PixelBox = { x0: median(boxes.map((b) => b.x0)), y0: median(boxes.map((b) => b.y0)), x1: median(boxes.map((b) => b.x1)), y1: median(boxes.map((b) => b.y1)) };
    const asked = askedBox(r.frames[0]!);
    ctx.log(`sticker found at ${fmtBox(seen)}; pos asks ${fmtBox(asked)} (frame ${r.frames[0]!.width}x${r.frames[0]!.height})`);
    for (const edge of ['x0', 'y0', 'x1', 'y1'] as const) {
      if (!(Math.abs(seen[edge] - asked[edge]) <= EDGE_TOLERANCE_PX)) fail(`applySticker: the sticker is at ${fmtBox(seen)}, pos asks ${fmtBox(asked)} (each edge within ${EDGE_TOLERANCE_PX} px; ${edge} is ${seen[edge] - asked[edge]} px off)`);
    }
    const w = asked.x1 - asked.x0;
    const h = asked.y1 - asked.y0;
    const inset = MARK_FRACTION / 4;
    const mark: PixelBox = {
      x0: Math.round(asked.x0 + w * (0.5 - MARK_FRACTION / 2 + inset)),
      y0: Math.round(asked.y0 + h * (0.5 - MARK_FRACTION / 2 + inset)),
      x1: Math.round(asked.x0 + w * (0.5 + MARK_FRACTION / 2 - inset)),
      y1: Math.round(asked.y0 + h * (0.5 + MARK_FRACTION / 2 - inset)),
    };
    const marks = r.frames.map((f) => meanRgb(f, mark));
    const markRgb = [0, 1, 2].map((c) => median(marks.map((m) => m[c]!))) as unknown as Rgb;
    expectAtMost(`the sticker's middle block (${fmtBox(mark)}) distance from white (reads ${markRgb.map(Math.round).join(',')}): the image itself, not a magenta box`, rgbDistance(markRgb, STICKER_MARK), MARK_MAX_DISTANCE);
  },
);

check(
  {
    id: CLEAR_CHECK,
    area: 'context',
    feature: 'clearStickers',
    story: 'the sticker is gone after clearStickers',
    severity: 'normal',
    spec: 'context-api.md applySticker / clearStickers [2.14.0]',
    specRows: ['method:clearStickers'],
    tolerance: `after clearStickers, in the median frame of the step sticker-coloured pixels (within ${STICKER_COLOUR_DISTANCE} RGB of magenta) are at most ${CLEARED_MAX_SHARE * 100} % of the sticker's area, and where it was reads within ${CLEARED_MAX_DISTANCE} RGB of the pattern's top-left colour; the sticker must have shown under applySticker first`,
    requires: STICKER_REQUIRES,
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const s = await stickerScenario(ctx);
    const refused = refusal(s, 'clearStickers');
    if (refused !== null) fail(`clearStickers was refused: ${refused}`);
    const before = stretch(s, 'applySticker');
    const shown = before.frames.filter((f) => findColourBox(f, STICKER_COLOUR, STICKER_COLOUR_DISTANCE).box !== null).length;
    if (shown < MIN_FRAMES) fail(`the sticker did not show under applySticker (${shown} of ${before.frames.length} frames), so its removal cannot be judged`);
    const r = stretch(s, 'clearStickers');
    const asked = askedBox(r.frames[0]!);
    const area = (asked.x1 - asked.x0) * (asked.y1 - asked.y0);
    const left = median(r.frames.map((f) => findColourBox(f, STICKER_COLOUR, STICKER_COLOUR_DISTANCE).pixels));
    const under = r.frames.map((f) => meanRgb(f, asked));
    const underRgb = [0, 1, 2].map((c) => median(under.map((m) => m[c]!))) as unknown as Rgb;
    ctx.log(`after clearStickers: ${left} sticker-coloured pixels (sticker area ${area}); where it was reads ${underRgb.map(Math.round).join(',')}`);
    if (!(left <= area * CLEARED_MAX_SHARE)) {
      await attachFrame(ctx, 'frame after clearStickers', r.frames[Math.floor(r.frames.length / 2)]);
      fail(`clearStickers: ${left} sticker-coloured pixels remain (at most ${Math.floor(area * CLEARED_MAX_SHARE)}, ${CLEARED_MAX_SHARE * 100} % of its ${area})`);
    }
    expectAtMost(`where the sticker was (${fmtBox(asked)}), distance from the pattern's top-left colour ${CAMERA_COLOURS.front.tl.join(',')} (reads ${underRgb.map(Math.round).join(',')})`, rgbDistance(underRgb, CAMERA_COLOURS.front.tl), CLEARED_MAX_DISTANCE);
  },
);
