// Image processing judged on the decoded stream at the server, all on one push (effect-steps.ts):
// whiteness lifts the grey patch's luma level by level and keeps it neutral; beauty lowers the
// textured patch's energy level by level; the two beauty styles smooth differently; each of the
// ten colour filters changes the grey and colour patches away from standard, and all eleven
// differ from one another. The baseline stretch (whiteness 0, beauty 0, filter standard) is the
// untouched pattern.
// Spec: live-pusher.zh.md 通用属性 whiteness (美白，取值范围 0-9 ，0 表示关闭), beauty (美颜，取值范围
// 0-9 ，0 表示关闭), beauty-style (smooth 光滑美颜 / nature 自然美颜), filter (设置色彩滤镜: standard,
// pink, nostalgia, blues, romantic, cool, fresher, solor, aestheticism, whitening, cerisered).
import { check } from '../../check.ts';
import { CAMERA_COLOURS, GREY, QUADRANTS, type Rgb } from '../../../adapters/camera/pattern.ts';
import { expectAtMost, fail } from '../support/expect.ts';
import { readZoom, ZOOM_MAX_DISTANCE } from '../../oracles/zoom.ts';
import {
  BEAUTY_LEVELS,
  EFFECTS_TIMEOUT_MS,
  FILTERS,
  WHITENESS_LEVELS,
  attachSample,
  describePatches,
  effectsScenario,
  filterCheckId,
  patchDistance,
  stretch,
  type Filter,
  type Stretch,
  type StretchReading,
} from './effect-steps.ts';

/** Each whiteness level lifts the grey patch's luma by at least this much over the one before
 *  (the reference lifts by ~6 per level). */
const WHITENESS_MIN_RISE = 8;
/** A neutral patch: max − min channel at most this (encoding noise reads 1–3). */
const NEUTRAL_MAX_CHROMA = 12;
/** Each beauty level leaves at most this share of the texture energy of the level before. */
const BEAUTY_MAX_SHARE = 0.85;
/** The two styles at level 9: the larger texture energy at least this multiple of the smaller. */
const STYLES_MIN_RATIO = 1.5;
/** Two looks differ when their patches are at least this far apart (RMS over the grey patch and
 *  the four quadrant samples of the per-patch RGB distance; encoding noise reads 1–3). */
const FILTER_MIN_DISTANCE = 12;
/** The untouched baseline: each patch within this RGB distance of the pattern's own colour. */
const UNTOUCHED_MAX_DISTANCE = 25;

const RIG = ['synthetic-camera', 'embedded-server'] as const;
/** Zoom false (the default): the measured enlargement is within this of 1 (the oracle reads a
 *  clean picture within 0.02). */
const UNZOOMED_TOLERANCE = 0.05;
/** Candidate zooms are searched up to this. */
const ZOOM_SEARCH_MAX = 3;

check(
  {
    id: 'attributes/zoom/false',
    area: 'attributes',
    feature: 'zoom',
    story: 'zoom false (default) shows the whole capture',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 zoom (调整焦距, default false)',
    specRows: ['attribute:zoom=false'],
    tolerance: `in the baseline (zoom left at its default false) every frame's measured enlargement is within ${UNZOOMED_TOLERANCE} of 1 and the unzoomed render explains it (distance ≤ ${ZOOM_MAX_DISTANCE})`,
    requires: { attributes: ['zoom'], rig: [...RIG] },
    timeoutMs: EFFECTS_TIMEOUT_MS,
  },
  async (ctx) => {
    const e = await effectsScenario(ctx);
    const base = stretch(e, 'baseline');
    const readings = base.all.map((f) => readZoom(f, { camera: 'front', maxZoom: ZOOM_SEARCH_MAX }));
    ctx.log(`baseline zooms: ${readings.map((r) => r.zoom).join(', ')}`);
    for (const [i, r] of readings.entries()) {
      expectAtMost(`baseline frame ${i + 1}: distance of the best zoomed render`, r.distance, ZOOM_MAX_DISTANCE);
      if (!(Math.abs(r.zoom - 1) <= UNZOOMED_TOLERANCE)) fail(`zoom false: baseline frame ${i + 1} of ${readings.length} shows ${r.zoom.toFixed(2)}x, expected 1x (within ${UNZOOMED_TOLERANCE})`);
    }
  },
);

check(
  {
    id: 'attributes/whiteness/levels',
    area: 'attributes',
    feature: 'whiteness',
    story: '0, 4, 9 while pushing',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 whiteness (美白，取值范围 0-9 ，0 表示关闭)',
    specRows: ['attribute:whiteness'],
    tolerance: `median grey-patch luma rises by at least ${WHITENESS_MIN_RISE} from each level to the next (0 → 4 → 9) and its chroma (max − min channel) stays at most ${NEUTRAL_MAX_CHROMA}`,
    requires: { attributes: ['whiteness'], rig: [...RIG] },
    timeoutMs: EFFECTS_TIMEOUT_MS,
  },
  async (ctx) => {
    const e = await effectsScenario(ctx);
    const levels: [string, StretchReading][] = [['whiteness 0 (baseline)', stretch(e, 'baseline')], ...WHITENESS_LEVELS.map((w): [string, StretchReading] => [`whiteness ${w}`, stretch(e, `whiteness ${w}`)])];
    await attachSample(ctx, 'whiteness 9', levels[levels.length - 1]![1]);
    const summary = levels.map(([n, r]) => `${n}: luma ${r.greyLuma.toFixed(1)}, chroma ${r.greyChroma.toFixed(1)}`).join('; ');
    for (let i = 1; i < levels.length; i++) {
      const rise = levels[i]![1].greyLuma - levels[i - 1]![1].greyLuma;
      if (rise < WHITENESS_MIN_RISE) fail(`grey-patch luma rose by ${rise.toFixed(1)} from ${levels[i - 1]![0]} to ${levels[i]![0]} (need at least ${WHITENESS_MIN_RISE}); ${summary}`);
    }
    for (const [n, r] of levels) expectAtMost(`grey-patch chroma under ${n} (${summary})`, r.greyChroma, NEUTRAL_MAX_CHROMA);
  },
);

check(
  {
    id: 'attributes/beauty/levels',
    area: 'attributes',
    feature: 'beauty',
    story: '0, 4, 9 while pushing',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 beauty (美颜，取值范围 0-9 ，0 表示关闭)',
    specRows: ['attribute:beauty', 'attribute:beauty-style=smooth'],
    tolerance: `median texture energy (mean absolute Laplacian of luma over the textured patch) at each level (0 → 4 → 9, style smooth) at most ${BEAUTY_MAX_SHARE} of the level before`,
    requires: { attributes: ['beauty'], rig: [...RIG] },
    timeoutMs: EFFECTS_TIMEOUT_MS,
  },
  async (ctx) => {
    const e = await effectsScenario(ctx);
    const levels: [string, StretchReading][] = [['beauty 0 (baseline)', stretch(e, 'baseline')], ...BEAUTY_LEVELS.map((b): [string, StretchReading] => [`beauty ${b}`, stretch(e, `beauty ${b}`)])];
    await attachSample(ctx, 'beauty 9', levels[levels.length - 1]![1]);
    const summary = levels.map(([n, r]) => `${n}: ${r.textureEnergy.toFixed(2)}`).join('; ');
    for (let i = 1; i < levels.length; i++) {
      const share = levels[i]![1].textureEnergy / levels[i - 1]![1].textureEnergy;
      if (!(share <= BEAUTY_MAX_SHARE)) fail(`texture energy under ${levels[i]![0]} is ${(share * 100).toFixed(0)} % of ${levels[i - 1]![0]}'s (at most ${BEAUTY_MAX_SHARE * 100} %); ${summary}`);
    }
  },
);

check(
  {
    id: 'attributes/beauty-style/nature',
    area: 'attributes',
    feature: 'beauty-style',
    story: 'nature differs from smooth at beauty 9',
    severity: 'minor',
    spec: 'live-pusher.zh.md 通用属性 beauty-style (smooth 光滑美颜 / nature 自然美颜)',
    specRows: ['attribute:beauty-style', 'attribute:beauty-style=nature'],
    tolerance: `at beauty 9 both styles smooth (texture energy below the untouched baseline's ${BEAUTY_MAX_SHARE}) and the larger of the two energies is at least ${STYLES_MIN_RATIO}x the smaller`,
    requires: { attributes: ['beauty', 'beauty-style'], rig: [...RIG] },
    timeoutMs: EFFECTS_TIMEOUT_MS,
  },
  async (ctx) => {
    const e = await effectsScenario(ctx);
    const base = stretch(e, 'baseline');
    const smooth = stretch(e, 'beauty 9');
    const nature = stretch(e, 'beauty-style nature');
    await attachSample(ctx, 'beauty-style nature', nature);
    const summary = `baseline ${base.textureEnergy.toFixed(2)}, smooth ${smooth.textureEnergy.toFixed(2)}, nature ${nature.textureEnergy.toFixed(2)}`;
    expectAtMost(`nature's texture energy at beauty 9 (${summary}), as a share of the baseline's`, nature.textureEnergy / base.textureEnergy, BEAUTY_MAX_SHARE);
    const ratio = Math.max(smooth.textureEnergy, nature.textureEnergy) / Math.min(smooth.textureEnergy, nature.textureEnergy);
    if (!(ratio >= STYLES_MIN_RATIO)) fail(`the two beauty styles smooth alike at beauty 9: energies differ by ${ratio.toFixed(2)}x (need at least ${STYLES_MIN_RATIO}x); ${summary}`);
  },
);

function rgbDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

check(
  {
    id: 'attributes/filter/standard',
    area: 'attributes',
    feature: 'filter',
    story: 'standard leaves the picture untouched',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 filter (standard 标准)',
    specRows: ['attribute:filter', 'attribute:filter=standard'],
    tolerance: `in the baseline (filter standard, beauty 0, whiteness 0) the grey patch and the four quadrant samples are each within ${UNTOUCHED_MAX_DISTANCE} RGB of the pattern's colours`,
    requires: { attributes: ['filter'], rig: [...RIG] },
    timeoutMs: EFFECTS_TIMEOUT_MS,
  },
  async (ctx) => {
    const e = await effectsScenario(ctx);
    const base = stretch(e, 'baseline');
    await attachSample(ctx, 'baseline', base);
    const expected: Rgb[] = [GREY, ...QUADRANTS.map((q) => CAMERA_COLOURS.front[q])];
    base.patches.forEach((p, i) => {
      const name = i === 0 ? 'grey patch' : `quadrant ${QUADRANTS[i - 1]}`;
      expectAtMost(`${name} distance from the pattern's ${expected[i]!.join(',')} (${describePatches(base)})`, rgbDistance(p, expected[i]!), UNTOUCHED_MAX_DISTANCE);
    });
  },
);

const filterStretch = (f: Filter): Stretch => (f === 'standard' ? 'baseline' : `filter ${f}`);

for (const filter of FILTERS) {
  check(
    {
      id: filterCheckId(filter),
      area: 'attributes',
      feature: 'filter',
      story: `${filter} changes the colours`,
      severity: 'minor',
      spec: `live-pusher.zh.md 通用属性 filter (${filter})`,
      specRows: [`attribute:filter=${filter}`],
      tolerance: `the grey and colour patches under ${filter} are at least ${FILTER_MIN_DISTANCE} (RMS over five patches of the RGB distance) from standard's`,
      requires: { attributes: ['filter'], rig: [...RIG] },
      timeoutMs: EFFECTS_TIMEOUT_MS,
    },
    async (ctx) => {
      const e = await effectsScenario(ctx);
      const base = stretch(e, 'baseline');
      const r = stretch(e, `filter ${filter}`);
      const d = patchDistance(r, base);
      ctx.log(`filter ${filter}: ${describePatches(r)}; distance from standard ${d.toFixed(1)}`);
      // The measures are in the shared table; a frame is attached only as evidence of a failure
      // (eleven PNGs a run cost seconds the suite's budget does not have).
      if (!(d >= FILTER_MIN_DISTANCE)) await attachSample(ctx, `filter ${filter}`, r);
      if (!(d >= FILTER_MIN_DISTANCE)) fail(`filter ${filter} looks like standard: patch distance ${d.toFixed(1)} (need at least ${FILTER_MIN_DISTANCE}); ${filter}: ${describePatches(r)}; standard: ${describePatches(base)}`);
    },
  );
}

check(
  {
    id: 'attributes/filter/distinct',
    area: 'attributes',
    feature: 'filter',
    story: 'the eleven filters differ from one another',
    severity: 'minor',
    spec: 'live-pusher.zh.md 通用属性 filter (eleven values, each its own 色彩滤镜)',
    specRows: ['attribute:filter'],
    tolerance: `every pair of the eleven filters is at least ${FILTER_MIN_DISTANCE} apart (RMS over the grey patch and four quadrant samples of the RGB distance)`,
    requires: { attributes: ['filter'], rig: [...RIG] },
    timeoutMs: EFFECTS_TIMEOUT_MS,
  },
  async (ctx) => {
    const e = await effectsScenario(ctx);
    const all: Filter[] = ['standard', ...FILTERS];
    const readings = all.map((f) => [f, stretch(e, filterStretch(f))] as const);
    const alike: string[] = [];
    for (let i = 0; i < readings.length; i++) {
      for (let j = i + 1; j < readings.length; j++) {
        const d = patchDistance(readings[i]![1], readings[j]![1]);
        if (!(d >= FILTER_MIN_DISTANCE)) alike.push(`${readings[i]![0]} ~ ${readings[j]![0]} (${d.toFixed(1)})`);
      }
    }
    if (alike.length > 0) fail(`filters that look alike (distance below ${FILTER_MIN_DISTANCE}): ${alike.join(', ')}`);
  },
);
