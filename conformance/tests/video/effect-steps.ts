// The one push the image-processing checks share: whiteness 4/9, beauty 4/9 (smooth), beauty
// 9 nature, then the ten colour filters other than standard, each set with `update` and judged
// on its own stretch of the decoded stream (runtime-steps.ts). The baseline (before the first
// update) is the untouched picture: whiteness 0, beauty 0, filter standard. Measures per stretch
// are medians over its frames, so one frame caught mid-restart does not move them.
// Spec: live-pusher.zh.md 通用属性 whiteness (美白 0-9), beauty (美颜 0-9), beauty-style
// (smooth / nature), filter (色彩滤镜).
import type { CheckContext } from '../../check.ts';
import { QUADRANTS, type Rgb } from '../../../adapters/camera/pattern.ts';
import { greyPatch, quadrantColours, textureEnergy, type RgbFrame } from '../../oracles/video.ts';
import { fail } from '../support/expect.ts';
import { attachFrame } from '../support/scenario.ts';
import { baselineWindow, framesIn, runSteps, stepWindow, StepNotPushedError, type RuntimeRun, type RuntimeStep } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';

export const BASELINE_MS = 1500;
/** Frames every 100 ms leave about 11 to judge in the settled 1100 ms of a step (a loaded
 *  machine's encoder restarts eat into it). */
export const STEP_MS = 2600;
/** A judged stretch holds at least this many frames. */
export const MIN_FRAMES = 4;
export const EFFECTS_TIMEOUT_MS = 120_000;

export const WHITENESS_LEVELS = [4, 9] as const;
export const BEAUTY_LEVELS = [4, 9] as const;
export const FILTERS = ['pink', 'nostalgia', 'blues', 'romantic', 'cool', 'fresher', 'solor', 'aestheticism', 'whitening', 'cerisered'] as const;
export type Filter = 'standard' | (typeof FILTERS)[number];

/** Every step sets the whole look, so any subset of the steps (a run that selected only some of
 *  the checks: RuntimeStep.for) shows each look exactly as the full push does. */
function look(l: { whiteness?: number; beauty?: number; style?: 'smooth' | 'nature'; filter?: Filter }): Record<string, unknown> {
  return { whiteness: l.whiteness ?? 0, beauty: l.beauty ?? 0, 'beauty-style': l.style ?? 'smooth', filter: l.filter ?? 'standard' };
}

const WHITENESS_CHECK = 'attributes/whiteness/levels';
const BEAUTY_CHECK = 'attributes/beauty/levels';
const STYLE_CHECK = 'attributes/beauty-style/nature';

const STEPS: RuntimeStep[] = [
  ...WHITENESS_LEVELS.map((w) => ({ name: `whiteness ${w}`, update: look({ whiteness: w }), for: [WHITENESS_CHECK] })),
  ...BEAUTY_LEVELS.map((b) => ({ name: `beauty ${b}`, update: look({ beauty: b }), for: b === 9 ? [BEAUTY_CHECK, STYLE_CHECK] : [BEAUTY_CHECK] })),
  { name: 'beauty-style nature', update: look({ beauty: 9, style: 'nature' }), for: [STYLE_CHECK] },
  ...FILTERS.map((f) => ({ name: `filter ${f}`, update: look({ filter: f }), for: [filterCheckId(f), 'attributes/filter/distinct'] })),
];

/** The check judging one colour filter against standard (effects.check.ts). */
export function filterCheckId(f: Filter): string {
  return `attributes/filter/${f}`;
}

/** What each stretch is: the label of the baseline and of each step. */
export type Stretch = 'baseline' | `whiteness ${number}` | `beauty ${number}` | 'beauty-style nature' | `filter ${Filter}`;

export interface StretchReading {
  frames: number;
  greyLuma: number;
  greyChroma: number;
  textureEnergy: number;
  /** Grey patch then the four quadrant colours (tl, tr, bl, br), as measured. */
  patches: Rgb[];
  /** A frame of the stretch (evidence). */
  sample: RgbFrame | undefined;
  /** Every decoded frame of the stretch (held by the observation anyway). */
  all: RgbFrame[];
}

export interface EffectsRun {
  run: RuntimeRun;
  stretches: Map<Stretch, StretchReading>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
}

function read(frames: RgbFrame[]): StretchReading {
  const greys = frames.map((f) => greyPatch(f));
  const quads = frames.map((f) => quadrantColours(f));
  const channel = (rgbs: Rgb[], c: number) => median(rgbs.map((x) => x[c]!));
  const medianRgb = (rgbs: Rgb[]): Rgb => [channel(rgbs, 0), channel(rgbs, 1), channel(rgbs, 2)];
  return {
    frames: frames.length,
    greyLuma: median(greys.map((g) => g.luma)),
    greyChroma: median(greys.map((g) => g.chroma)),
    textureEnergy: median(frames.map((f) => textureEnergy(f))),
    patches: [medianRgb(greys.map((g) => g.rgb)), ...QUADRANTS.map((q) => medianRgb(quads.map((x) => x[q])))],
    sample: frames[Math.floor(frames.length / 2)],
    all: frames,
  };
}

async function runEffects(ctx: CheckContext): Promise<EffectsRun> {
  const run = await runSteps(ctx, {}, STEPS, { baselineMs: BASELINE_MS, stepMs: STEP_MS });
  const stretches = new Map<Stretch, StretchReading>();
  stretches.set('baseline', read(framesIn(run, baselineWindow(run))));
  run.steps.forEach((s, i) => {
    if (s.pushed) stretches.set(s.step.name as Stretch, read(framesIn(run, stepWindow(run, i))));
  });
  return { run, stretches };
}

export const effectsScenario = sharedScenario(runEffects, async (ctx, value) => {
  const table = [...value.stretches.entries()].map(([name, r]) => ({
    stretch: name,
    frames: r.frames,
    greyLuma: +r.greyLuma.toFixed(1),
    greyChroma: +r.greyChroma.toFixed(1),
    textureEnergy: +r.textureEnergy.toFixed(2),
    patches: r.patches.map((p) => p.map(Math.round).join(',')),
  }));
  await ctx.attach('measures per stretch (medians over its frames)', 'application/json', JSON.stringify({ steps: value.run.steps.map((s) => (s.pushed ? { name: s.step.name, refused: s.refused } : { name: s.step.name, pushed: false })), table }, null, 1));
});

/** The reading of a stretch, which must exist, hold enough frames, and follow an accepted step. */
export function stretch(e: EffectsRun, name: Stretch): StretchReading {
  const step = e.run.steps.find((s) => s.step.name === name);
  if (step && !step.pushed) throw new StepNotPushedError(step.step);
  if (step && step.refused !== null) fail(`update "${name}" was refused: ${step.refused}`);
  const r = e.stretches.get(name);
  if (!r) fail(`no stretch "${name}" in the push`);
  if (r.frames < MIN_FRAMES) fail(`"${name}": only ${r.frames} decoded frames in its judged stretch (need ${MIN_FRAMES})`);
  return r;
}

export async function attachSample(ctx: CheckContext, name: Stretch, r: StretchReading): Promise<void> {
  await attachFrame(ctx, `frame under ${name}`, r.sample);
}

/** RMS over the five patches of the per-patch RGB distance. */
export function patchDistance(a: StretchReading, b: StretchReading): number {
  let sum = 0;
  a.patches.forEach((p, i) => {
    const q = b.patches[i]!;
    sum += (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2;
  });
  return Math.sqrt(sum / a.patches.length);
}

export function describePatches(r: StretchReading): string {
  return `grey ${r.patches[0]!.map(Math.round).join(',')}; quadrants ${r.patches.slice(1).map((p) => p.map(Math.round).join(',')).join(' / ')}`;
}
