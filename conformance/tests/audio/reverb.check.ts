// audio-reverb-type judged on the decoded audio at the server, all on one push: the baseline
// (type 0) leaves the tone's 300 ms gaps silent; each of types 1–7, set with `update`, leaves a
// tail in the gaps that decays (its T60 measured by conformance/oracles/spectrum.ts), and no
// two types are the same reverb (decay time or tail level differ).
// Spec: live-pusher.zh.md 通用属性 audio-reverb-type (音频混响类型: 0 关闭, 1 KTV, 2 小房间, 3 大会堂,
// 4 低沉, 5 洪亮, 6 金属声, 7 磁性).
import { check, type CheckContext } from '../../check.ts';
import { alignTone } from '../../oracles/audio.ts';
import { decayInGaps, type DecayMeasure } from '../../oracles/spectrum.ts';
import { DEFAULT_TONE } from '../../../adapters/microphone/synthetic.ts';
import { expectAtLeast, expectAtMost, fail } from '../support/expect.ts';
import { RUNTIME_LIMIT_MS, baselineWindow, runSteps, StepNotPushedError, stepWindow, type RuntimeRun, type RuntimeStep } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';
import { attachSpectra, renderSpectra, samplesIn, type Spectra, type Window } from './audio-windows.ts';

const BASELINE_MS = 2500;
/** 1.5 s to settle, then 2 s judged: at least one whole period of the tone even when a
 *  restart on a loaded machine eats into the stretch. */
const STEP_MS = 3500;
const TIMEOUT_MS = 90_000;
const TYPES = [1, 2, 3, 4, 5, 6, 7] as const;
const NAMES: Record<number, string> = { 0: '关闭', 1: 'KTV', 2: '小房间', 3: '大会堂', 4: '低沉', 5: '洪亮', 6: '金属声', 7: '磁性' };

/** Type 0: the gaps at least this far (dB) below the tone's on-level (AAC noise reads ~ -70). */
const DRY_MAX_GAP_DB = -40;
/** A reverb raises the gaps' level (relative to the on-level) by at least this over type 0. */
const TAIL_MIN_RISE_DB = 15;
/** Two types differ when their T60s differ by this ratio, or their tails' levels by TAIL_DISTINCT_DB. */
const T60_DISTINCT_RATIO = 1.2;
const TAIL_DISTINCT_DB = 3;

const typeCheckId = (t: number) => `attributes/audio-reverb-type/${t}`;
const DISTINCT_CHECK = 'attributes/audio-reverb-type/distinct';

/** Each type's stretch is pushed for its own check and the distinct one (RuntimeStep.for). */
const STEPS: RuntimeStep[] = TYPES.map((t) => ({ name: `audio-reverb-type ${t}`, update: { 'audio-reverb-type': t }, for: [typeCheckId(t), DISTINCT_CHECK] }));

interface Reading {
  /** Gap level relative to the on-level (dB). */
  gapDb: number;
  decay: DecayMeasure | null;
}

/** A type's reading, or why its stretch cannot be read (that type's checks fail with it). */
function read(run: RuntimeRun, w: Window, what: string): Reading | string {
  const s = run.steps.find((x) => x.pushed && x.at <= w.from && w.from < x.at + STEP_MS);
  if (s && s.refused !== null) return `step "${s.step.name}" was refused: ${s.refused}`;
  try {
    const { samples, sampleRate, packets } = samplesIn(run, w, what);
    const aligned = alignTone(samples, sampleRate, DEFAULT_TONE);
    if (!aligned) return `${what}: less than one period of the tone reached the server (${packets} audio packets, ${Math.round((samples.length / sampleRate) * 1000)} ms, in a stretch of ${Math.round(w.to - w.from)} ms)`;
    return { gapDb: aligned.gapRmsDbfs - aligned.onRmsDbfs, decay: decayInGaps(samples, sampleRate, DEFAULT_TONE) };
  } catch (err) {
    return (err as Error).message;
  }
}

/** The reading of a type, failing the check with the reason when there is none. */
function reading(readings: Map<number, Reading | string>, t: number): Reading {
  const r = readings.get(t);
  if (r === undefined) throw new StepNotPushedError(STEPS[TYPES.indexOf(t as (typeof TYPES)[number])]!);
  if (typeof r === 'string') fail(r);
  return r;
}

interface ReverbRun {
  run: RuntimeRun;
  readings: Map<number, Reading | string>;
  spectra: Spectra;
}

const stretchName = (t: number) => (t === 0 ? 'type 0 (baseline)' : `type ${t}`);

const reverbScenario = sharedScenario(
  async (ctx: CheckContext): Promise<ReverbRun> => {
    const run = await runSteps(ctx, {}, STEPS, { baselineMs: BASELINE_MS, stepMs: STEP_MS, audio: true });
    const readings = new Map<number, Reading | string>([[0, read(run, baselineWindow(run), 'type 0 (baseline)')]]);
    const pushed = TYPES.flatMap((t, i) => (run.steps[i]!.pushed ? [{ t, i }] : []));
    for (const { t, i } of pushed) readings.set(t, read(run, stepWindow(run, i), `type ${t}`));
    for (const [t, r] of readings) ctx.log(typeof r === 'string' ? `type ${t}: ${r}` : `type ${t}: gaps ${r.gapDb.toFixed(1)} dB from the tone, T60 ${r.decay ? r.decay.t60Ms.toFixed(0) : '-'} ms`);
    const spectra = await renderSpectra(ctx, run, [[stretchName(0), baselineWindow(run)], ...pushed.map(({ t, i }) => [stretchName(t), stepWindow(run, i)] as const)]);
    return { run, readings, spectra };
  },
  async (ctx, { readings }) => {
    const table = [...readings].map(([t, r]) => (typeof r === 'string' ? { type: t, unreadable: r } : { type: t, gapDb: Number(r.gapDb.toFixed(1)), t60Ms: r.decay ? Math.round(r.decay.t60Ms) : null }));
    await ctx.attach('reverb readings', 'application/json', JSON.stringify(table, null, 2));
  },
);

const RIG = ['synthetic-microphone', 'embedded-server'] as const;

check(
  {
    id: 'attributes/audio-reverb-type/0',
    area: 'attributes',
    feature: 'audio-reverb-type',
    story: `0 (${NAMES[0]})`,
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 audio-reverb-type (0: 关闭)',
    specRows: ['attribute:audio-reverb-type=0'],
    tolerance: `the tone's gaps at most ${DRY_MAX_GAP_DB} dB from its on-level (no tail)`,
    requires: { attributes: ['audio-reverb-type'], rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { readings, spectra } = await reverbScenario(ctx);
    await attachSpectra(ctx, spectra, [stretchName(0)]);
    expectAtMost('gap level relative to the tone with reverb off (dB)', reading(readings, 0).gapDb, DRY_MAX_GAP_DB, ' dB');
  },
);

for (const t of TYPES) {
  check(
    {
      id: typeCheckId(t),
      area: 'attributes',
      feature: 'audio-reverb-type',
      story: `${t} (${NAMES[t]})`,
      severity: 'normal',
      spec: `live-pusher.zh.md 通用属性 audio-reverb-type (${t}: ${NAMES[t]})`,
      specRows: [`attribute:audio-reverb-type=${t}`],
      tolerance: `from ${RUNTIME_LIMIT_MS} ms after the update: the gaps at least ${TAIL_MIN_RISE_DB} dB louder (relative to the tone) than with type 0, and the tail decays (a finite T60 fitted to the gaps)`,
      requires: { attributes: ['audio-reverb-type'], rig: [...RIG] },
      timeoutMs: TIMEOUT_MS,
    },
    async (ctx) => {
      const { readings, spectra } = await reverbScenario(ctx);
      await attachSpectra(ctx, spectra, [stretchName(0), stretchName(t)]);
      const dry = reading(readings, 0);
      const r = reading(readings, t);
      expectAtLeast(`rise of the gaps' level over type 0 (dB)`, r.gapDb - dry.gapDb, TAIL_MIN_RISE_DB, ' dB');
      if (!r.decay || !Number.isFinite(r.decay.t60Ms)) fail(`type ${t}: the sound in the gaps does not decay (no measurable T60): not a reverb tail`);
      ctx.log(`type ${t}: T60 ${r.decay.t60Ms.toFixed(0)} ms over ${r.decay.gaps} gaps`);
    },
  );
}

check(
  {
    id: DISTINCT_CHECK,
    area: 'attributes',
    feature: 'audio-reverb-type',
    story: 'types 1–7 differ from each other',
    severity: 'minor',
    spec: 'live-pusher.zh.md 通用属性 audio-reverb-type (1 KTV … 7 磁性: seven reverbs)',
    specRows: ['attribute:audio-reverb-type'],
    tolerance: `every pair of types 1–7: T60s at least ${T60_DISTINCT_RATIO}× apart or gap levels at least ${TAIL_DISTINCT_DB} dB apart`,
    requires: { attributes: ['audio-reverb-type'], rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { readings } = await reverbScenario(ctx);
    const same: string[] = [];
    for (const [i, a] of TYPES.entries()) {
      for (const b of TYPES.slice(i + 1)) {
        const ra = reading(readings, a);
        const rb = reading(readings, b);
        const ta = ra.decay?.t60Ms ?? Number.NaN;
        const tb = rb.decay?.t60Ms ?? Number.NaN;
        const ratio = Math.max(ta, tb) / Math.min(ta, tb);
        const levels = Math.abs(ra.gapDb - rb.gapDb);
        if (!(ratio >= T60_DISTINCT_RATIO) && !(levels >= TAIL_DISTINCT_DB)) {
          same.push(`${a} and ${b} (T60 ${Math.round(ta)} / ${Math.round(tb)} ms, gaps ${ra.gapDb.toFixed(1)} / ${rb.gapDb.toFixed(1)} dB)`);
        }
      }
    }
    if (same.length > 0) fail(`reverb types that sound the same: ${same.join('; ')}`);
  },
);
