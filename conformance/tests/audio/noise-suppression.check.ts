// enable-ans judged on the decoded audio at the server, on one push: the rig's synthetic
// microphone plays its tone-noise signal (the 1000 Hz tone bursts over steady white noise at
// -40 dBFS RMS, adapters/microphone/synthetic.ts), pushed with enable-ans false, then
// enable-ans true by `update` mid-push. With it off the noise reaches the server as played;
// with it on the noise falls, in the tone's gaps and beside the tone while it sounds (a gate
// that only mutes the gaps is no noise suppression), and the tone stays at its level. Levels
// from conformance/oracles/spectrum.ts toneAndNoise.
// Spec: live-pusher.zh.md 通用属性 enable-ans (boolean, 默认 false, 是否开启音频噪声抑制).
import { check, type CheckContext } from '../../check.ts';
import { toneAndNoise, type ToneAndNoise } from '../../oracles/spectrum.ts';
import { MICROPHONE_SIGNALS } from '../../../adapters/microphone/synthetic.ts';
import { attributeKey, attributeValueKey } from '../../../reports/spec-rows.ts';
import { expectAtLeast, expectWithin, fail } from '../support/expect.ts';
import { RUNTIME_LIMIT_MS, StepNotPushedError, baselineWindow, runSteps, stepWindow, type RuntimeRun, type RuntimeStep } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';
import { attachSpectra, renderSpectra, samplesIn, type Spectra, type Window } from './audio-windows.ts';
import { rigWithSignal } from './mic-signal.ts';

const SIGNAL = 'tone-noise';
const NOISY = MICROPHONE_SIGNALS[SIGNAL];
/** The baseline's last JUDGED_BASELINE_MS are judged (past the stream's first packets). */
const BASELINE_MS = 4000;
const JUDGED_BASELINE_MS = 3000;
/** 1.5 s to settle, then 2 s judged (two periods of the tone) plus the run's 1 s tail. */
const STEP_MS = 3500;
const TIMEOUT_MS = 60_000;
/** The band the noise beside the tone is read in: clear of the tone and within any AAC
 *  encoder's pass band (Hz). */
const BESIDE_BAND = { lowHz: 2000, highHz: 8000 };
/** enable-ans false: the noise in the gaps at the server within this of the played level (dB).
 *  AAC's low-pass and a lower capture rate take up to ~5 dB of white noise; nothing adds to it. */
const OFF_NOISE_TOLERANCE = { below: 6, above: 2 };
/** enable-ans true: the noise in the gaps must fall by at least this (dB). */
const MIN_NOISE_DROP_DB = 10;
/** enable-ans true: the noise beside the sounding tone must fall by at least this (dB). A
 *  suppressor takes less noise out where there is signal (the reference's afftdn: 9.2 dB at
 *  2-8 kHz under the tone, 17 dB in the gaps, offline and at the server alike); a gate on the
 *  gaps takes none. */
const MIN_BESIDE_DROP_DB = 6;
/** enable-ans true: the tone's level within this of enable-ans false (dB). */
const TONE_TOLERANCE_DB = 1.5;

const FALSE_CHECK = 'attributes/enable-ans/false';
const TRUE_CHECK = 'attributes/enable-ans/true';
/** The update is pushed for the check that judges it (RuntimeStep.for); false is judged before it. */
const STEPS: RuntimeStep[] = [{ name: 'enable-ans true', update: { 'enable-ans': true }, for: [TRUE_CHECK] }];

const OFF = 'enable-ans false (baseline)';
const ON = 'enable-ans true';

type Reading = ToneAndNoise & { audioMs: number };

interface AnsRun {
  run: RuntimeRun;
  off: Reading | string;
  /** Null when this run did not push the update (no selected check judges it). */
  on: Reading | string | null;
  spectra: Spectra;
}

/** The judged stretch before the update. */
function baseline(run: RuntimeRun): Window {
  const { to } = baselineWindow(run);
  return { from: to - JUDGED_BASELINE_MS, to };
}

/** The stretch's levels, or why they cannot be read (the checks fail with it). */
function read(run: RuntimeRun, w: Window, what: string): Reading | string {
  try {
    const { samples, sampleRate, packets } = samplesIn(run, w, what);
    const m = toneAndNoise(samples, sampleRate, NOISY, BESIDE_BAND);
    if (m) return { ...m, audioMs: Math.round((samples.length / sampleRate) * 1000) };
    return `${what}: less than one period of the tone reached the server (${packets} audio packets, ${Math.round((samples.length / sampleRate) * 1000)} ms, in a stretch of ${Math.round(w.to - w.from)} ms)`;
  } catch (err) {
    return (err as Error).message;
  }
}

function levels(r: Reading | string): Reading {
  if (typeof r === 'string') fail(r);
  return r;
}

const summary = (r: Reading | string) =>
  typeof r === 'string' ? r : `tone ${r.toneDbfs.toFixed(1)} dBFS, gaps ${r.gapDbfs.toFixed(1)} dBFS, ${BESIDE_BAND.lowHz}-${BESIDE_BAND.highHz} Hz beside the tone ${r.besideToneDbfs.toFixed(1)} dBFS (${r.windows} on-windows in ${r.audioMs} ms of audio)`;

const ansScenario = sharedScenario(
  async (ctx: CheckContext): Promise<AnsRun> => {
    const signal = await rigWithSignal(ctx, SIGNAL);
    let run: RuntimeRun;
    try {
      run = await runSteps({ ...ctx, rig: signal.rig }, { 'enable-ans': false }, STEPS, { baselineMs: BASELINE_MS, stepMs: STEP_MS, audio: true });
    } finally {
      await signal.close();
    }
    const step = run.steps[0]!;
    const off = read(run, baseline(run), OFF);
    const on = !step.pushed ? null : step.refused !== null ? `step "${step.step.name}" was refused: ${step.refused}` : read(run, stepWindow(run, 0), ON);
    ctx.log(`${OFF}: ${summary(off)}`);
    if (on) ctx.log(`${ON}: ${summary(on)}`);
    const spectra = await renderSpectra(ctx, run, [[OFF, baseline(run)], ...(step.pushed ? [[ON, stepWindow(run, 0)] as const] : [])]);
    return { run, off, on, spectra };
  },
  async (ctx, { off, on }) => {
    await ctx.attach('noise suppression readings (dBFS)', 'application/json', JSON.stringify({ [OFF]: off, [ON]: on }, null, 2));
  },
);

const REQUIRES = { attributes: ['enable-ans'], rig: ['synthetic-microphone', 'embedded-server'] as const };
const SPEC = 'live-pusher.zh.md 通用属性 enable-ans (boolean, 默认 false, 是否开启音频噪声抑制)';

check(
  {
    id: FALSE_CHECK,
    area: 'attributes',
    feature: 'enable-ans',
    story: 'false: the noise reaches the server',
    severity: 'normal',
    spec: SPEC,
    specRows: [attributeKey('enable-ans'), attributeValueKey('enable-ans', false)],
    tolerance: `microphone signal ${SIGNAL} (white noise ${NOISY.noiseDbfs} dBFS RMS under ${NOISY.frequencyHz} Hz bursts), pushed with enable-ans false: the noise in the tone's gaps at the server within ${NOISY.noiseDbfs - OFF_NOISE_TOLERANCE.below} to ${NOISY.noiseDbfs + OFF_NOISE_TOLERANCE.above} dBFS RMS (the last ${JUDGED_BASELINE_MS} ms before the update)`,
    requires: { ...REQUIRES, rig: [...REQUIRES.rig] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { off, spectra } = await ansScenario(ctx);
    await attachSpectra(ctx, spectra, [OFF]);
    const m = levels(off);
    const mid = NOISY.noiseDbfs + (OFF_NOISE_TOLERANCE.above - OFF_NOISE_TOLERANCE.below) / 2;
    expectWithin('noise in the gaps with enable-ans false (dBFS RMS)', m.gapDbfs, mid, (OFF_NOISE_TOLERANCE.above + OFF_NOISE_TOLERANCE.below) / 2, ' dBFS');
  },
);

check(
  {
    id: TRUE_CHECK,
    area: 'attributes',
    feature: 'enable-ans',
    story: 'true: the noise falls, the tone stays',
    severity: 'normal',
    spec: SPEC,
    specRows: [attributeKey('enable-ans'), attributeValueKey('enable-ans', true)],
    tolerance: `from ${RUNTIME_LIMIT_MS} ms after update enable-ans true, against enable-ans false on the same push: the noise in the tone's gaps at least ${MIN_NOISE_DROP_DB} dB lower and the noise at ${BESIDE_BAND.lowHz}-${BESIDE_BAND.highHz} Hz while the tone sounds at least ${MIN_BESIDE_DROP_DB} dB lower; the tone's level within ${TONE_TOLERANCE_DB} dB`,
    requires: { ...REQUIRES, rig: [...REQUIRES.rig] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { off, on, spectra } = await ansScenario(ctx);
    if (on === null) throw new StepNotPushedError(STEPS[0]!);
    await attachSpectra(ctx, spectra, [OFF, ON]);
    const a = levels(off);
    const b = levels(on);
    expectAtLeast('fall of the noise in the gaps with enable-ans true (dB)', a.gapDbfs - b.gapDbfs, MIN_NOISE_DROP_DB, ' dB');
    expectAtLeast(`fall of the noise beside the sounding tone (${BESIDE_BAND.lowHz}-${BESIDE_BAND.highHz} Hz) with enable-ans true (dB)`, a.besideToneDbfs - b.besideToneDbfs, MIN_BESIDE_DROP_DB, ' dB');
    expectWithin('tone level with enable-ans true relative to false (dB)', b.toneDbfs - a.toneDbfs, 0, TONE_TOLERANCE_DB, ' dB');
  },
);
