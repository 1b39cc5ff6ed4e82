// The microphone's level at the server and the captured-volume events, all on one push: the
// baseline at full MIC volume, setMICVolume 0.5, 0.25 and 0.1 (the tone's on-level follows
// 20·log10(v) against the baseline), enable-agc at MIC volume 0.1 (the quiet tone is brought
// up), then muted (the volume events fall to their floor). Each stretch is judged on its own
// decoded audio (runtime-steps.ts); the events by when the bench received them.
// Spec: context-api.md setMICVolume ({volume}: 0.0–1.0, typed number); live-pusher.zh.md 通用属性
// enable-agc (是否开启音频自动增益), muted; 事件 bindaudiovolumenotify (返回麦克风采集的音量大小).
import { check, type CheckContext } from '../../check.ts';
import { expectAtLeast, expectAtMost, expectWithin, fail } from '../support/expect.ts';
import { RUNTIME_LIMIT_MS, baselineWindow, runSteps, stepWindow, type RuntimeRun, type RuntimeStep } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';
import type { IutEvent } from '../../iut-client.ts';
import { attachSpectra, renderSpectra, twoLevels, toneOnLevel, volumesIn, type Spectra, type Window } from './audio-windows.ts';

const BASELINE_MS = 3000;
/** 1.5 s to settle, then 1.5 s judged: more than one 1 s on/off period of the tone even when a
 *  restart on a loaded machine eats into the stretch. */
const STEP_MS = 3000;
const TIMEOUT_MS = 90_000;
/** The level must follow 20·log10(v) within this (dB). */
const VOLUME_TOLERANCE_DB = 1;
/** AGC must lift the quiet tone by at least this (dB) over the same MIC volume without it. */
const AGC_MIN_LIFT_DB = 6;
/** Volume events must resolve the tone's 300 ms gaps: at least this many per second. The spec
 *  gives no rate. */
const MIN_EVENTS_PER_S = 4;
/** The volumes of the baseline form two groups (twoLevels) at least this share of their range
 *  apart, the low one (the gaps: 30 % of the time) holding between these shares of the events. */
const MIN_SEPARATION = 0.5;
const LOW_SHARE = { min: 0.1, max: 0.5 };

const VOLUMES = [0.5, 0.25, 0.1] as const;

const volumeCheck = (v: number) => `context/setMICVolume/${v}`;
const AGC_CHECK = 'attributes/enable-agc/true';
const FOLLOWS_TONE_CHECK = 'events/audiovolumenotify/follows-tone';
const FOLLOWS_LEVEL_CHECK = 'events/audiovolumenotify/follows-level';
const QUIETEST = VOLUMES[VOLUMES.length - 1];

/** Each step is pushed for the checks that judge it (RuntimeStep.for); the quietest volume also
 *  for the AGC check (judged at that volume) and the volume events (their quiet level). */
const STEPS: RuntimeStep[] = [
  ...VOLUMES.map((v) => ({
    name: `setMICVolume ${v}`,
    call: 'setMICVolume',
    args: { volume: v },
    for: v === QUIETEST ? [volumeCheck(v), AGC_CHECK, FOLLOWS_LEVEL_CHECK] : [volumeCheck(v)],
  })),
  { name: 'enable-agc true', update: { 'enable-agc': true }, for: [AGC_CHECK] },
  { name: 'muted true', update: { muted: true }, for: [FOLLOWS_LEVEL_CHECK] },
];
const AGC_STEP = VOLUMES.length;
const MUTED_STEP = VOLUMES.length + 1;

interface MicRun {
  run: RuntimeRun;
  /** The pushing IUT's events (a check that reuses the push has another IUT). */
  events: IutEvent[];
  spectra: Spectra;
}

const BASELINE = 'baseline (MIC volume 1)';

const micScenario = sharedScenario(
  async (ctx: CheckContext): Promise<MicRun> => {
    const run = await runSteps(ctx, {}, STEPS, { baselineMs: BASELINE_MS, stepMs: STEP_MS, audio: true });
    const pushed = STEPS.flatMap((s, i) => (run.steps[i]!.pushed ? [[s.name, stepWindow(run, i)] as const] : []));
    const spectra = await renderSpectra(ctx, run, [[BASELINE, baselineWindow(run)], ...pushed]);
    return { run, events: ctx.iut.events(), spectra };
  },
  async () => undefined,
);

function accepted(run: RuntimeRun, index: number): Window {
  const s = run.steps[index]!;
  if (s.refused !== null) fail(`step "${s.step.name}" was refused: ${s.refused}`);
  return stepWindow(run, index);
}

/** Baseline: from the first audio to the first step. */
function baseline(run: RuntimeRun): Window {
  const w = baselineWindow(run);
  return { from: Number.NEGATIVE_INFINITY, to: w.to };
}

const MIC_RIG = ['synthetic-microphone', 'embedded-server'] as const;

for (const [i, v] of VOLUMES.entries()) {
  const expectedDb = 20 * Math.log10(v);
  check(
    {
      id: volumeCheck(v),
      area: 'context',
      feature: 'setMICVolume',
      story: String(v),
      severity: 'normal',
      spec: 'context-api.md setMICVolume ({volume}: 0.0–1.0, typed number)',
      specRows: i === VOLUMES.length - 1 ? ['method:setMICVolume', 'attribute:enable-agc=false'] : ['method:setMICVolume'],
      tolerance: `the tone's on-level at the server ${expectedDb.toFixed(1)} dB ± ${VOLUME_TOLERANCE_DB} dB from the full-volume baseline, judged from ${RUNTIME_LIMIT_MS} ms after the call to the next step${i === VOLUMES.length - 1 ? ' (enable-agc false: nothing lifts it)' : ''}`,
      requires: { methods: ['setMICVolume'], rig: [...MIC_RIG] },
      timeoutMs: TIMEOUT_MS,
    },
    async (ctx) => {
      const { run, spectra } = await micScenario(ctx);
      await attachSpectra(ctx, spectra, [BASELINE, STEPS[i]!.name]);
      const full = toneOnLevel(run, baseline(run), BASELINE);
      const level = toneOnLevel(run, accepted(run, i), `setMICVolume ${v}`);
      ctx.log(`on-level ${level.toFixed(2)} dBFS at volume ${v}, baseline ${full.toFixed(2)} dBFS`);
      expectWithin(`tone level at MIC volume ${v} relative to volume 1`, level - full, expectedDb, VOLUME_TOLERANCE_DB, ' dB');
    },
  );
}

check(
  {
    id: AGC_CHECK,
    area: 'attributes',
    feature: 'enable-agc',
    story: 'true',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 enable-agc (是否开启音频自动增益)',
    specRows: ['attribute:enable-agc=true'],
    tolerance: `a quiet tone (MIC volume ${VOLUMES[VOLUMES.length - 1]}, 20 dB down) is lifted by at least ${AGC_MIN_LIFT_DB} dB at the server once enable-agc is true`,
    requires: { attributes: ['enable-agc'], methods: ['setMICVolume'], rig: [...MIC_RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, spectra } = await micScenario(ctx);
    await attachSpectra(ctx, spectra, [STEPS[AGC_STEP - 1]!.name, STEPS[AGC_STEP]!.name]);
    const quiet = toneOnLevel(run, accepted(run, AGC_STEP - 1), 'AGC off, MIC volume 0.1');
    const lifted = toneOnLevel(run, accepted(run, AGC_STEP), 'AGC on, MIC volume 0.1');
    ctx.log(`on-level ${quiet.toFixed(2)} dBFS without AGC, ${lifted.toFixed(2)} dBFS with it`);
    expectAtLeast('lift by enable-agc (dB)', lifted - quiet, AGC_MIN_LIFT_DB, ' dB');
  },
);

check(
  {
    id: FOLLOWS_TONE_CHECK,
    area: 'events',
    feature: 'audiovolumenotify',
    story: 'rises with the tone, falls in its gaps',
    severity: 'normal',
    spec: 'live-pusher.zh.md 事件 bindaudiovolumenotify (返回麦克风采集的音量大小)',
    specRows: ['event:audiovolumenotify'],
    tolerance: `at full MIC volume: at least ${MIN_EVENTS_PER_S} events a second with a numeric volume, in two groups (tone and gaps) whose separation is at least ${MIN_SEPARATION * 100} % of the values' range, the low group ${LOW_SHARE.min * 100}–${LOW_SHARE.max * 100} % of the events (the tone is off 30 % of the time)`,
    requires: { events: ['audiovolumenotify'], methods: ['setMICVolume'], rig: [...MIC_RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, events } = await micScenario(ctx);
    const w = baselineWindow(run);
    const from = w.to - BASELINE_MS;
    const volumes = volumesIn(events, { from, to: w.to });
    const seconds = (w.to - from) / 1000;
    ctx.log(`${volumes.length} events in the ${seconds.toFixed(1)} s baseline`);
    expectAtLeast('audiovolumenotify events per second', volumes.length / seconds, MIN_EVENTS_PER_S, '/s');
    const bad = volumes.find((v) => !Number.isFinite(v.volume));
    if (bad) fail(`an audiovolumenotify event carries no numeric volume (received at ${bad.at})`);
    const g = twoLevels(volumes.map((v) => v.volume));
    ctx.log(`two groups: ${(g.lowShare * 100).toFixed(0)} % at about ${g.low} (gaps), the rest at about ${g.high} (tone); separated by ${(g.separation * 100).toFixed(0)} % of the range`);
    expectAtLeast('separation of the gap and tone volumes (share of the range)', g.separation, MIN_SEPARATION);
    expectWithin('share of events in the low (gap) group', g.lowShare, (LOW_SHARE.min + LOW_SHARE.max) / 2, (LOW_SHARE.max - LOW_SHARE.min) / 2);
  },
);

check(
  {
    id: FOLLOWS_LEVEL_CHECK,
    area: 'events',
    feature: 'audiovolumenotify',
    story: 'lower at a lower MIC volume, at the floor when muted',
    severity: 'normal',
    spec: 'live-pusher.zh.md 事件 bindaudiovolumenotify (返回麦克风采集的音量大小); 通用属性 muted',
    specRows: ['event:audiovolumenotify'],
    tolerance: `the tone's group of volumes (twoLevels) at MIC volume 0.1 below that at volume 1; every event while muted at most the gaps' group at volume 1 (the floor) and below the tone's`,
    requires: { events: ['audiovolumenotify'], methods: ['setMICVolume'], rig: [...MIC_RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, events } = await micScenario(ctx);
    const full = twoLevels(volumesIn(events, { from: baselineWindow(run).to - BASELINE_MS, to: baselineWindow(run).to }).map((v) => v.volume));
    const quiet = twoLevels(volumesIn(events, accepted(run, AGC_STEP - 1)).map((v) => v.volume));
    ctx.log(`tone group: ${full.high} at volume 1, ${quiet.high} at volume 0.1; gaps ${full.low}`);
    if (!(quiet.high < full.high)) fail(`the volume in the tone did not fall with the MIC volume: about ${quiet.high} at 0.1, ${full.high} at 1`);
    const muted = volumesIn(events, accepted(run, MUTED_STEP));
    if (muted.length === 0) fail('no audiovolumenotify event while muted');
    const loudest = Math.max(...muted.map((v) => v.volume));
    ctx.log(`${muted.length} events while muted, loudest ${loudest}`);
    expectAtMost('loudest volume while muted (the floor: the gaps at volume 1)', loudest, full.low);
    if (!(loudest < full.high)) fail(`muted reads ${loudest}, as loud as the tone (about ${full.high})`);
  },
);
