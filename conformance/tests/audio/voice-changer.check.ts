// voice-changer-type judged on the decoded audio at the server, all on one push: type 0 leaves
// the 1000 Hz microphone tone untouched; each other type, set with `update`, changes it as its
// name says: the child and girl voices raise the pitch, the uncle, trapped beast and fat guy
// voices lower it, and the others change the sound (its pitch moves, or a share of its power
// leaves the tone: distortion, vibrato, modulation). Pitch and spectrum come from the observer's
// decoded audio (conformance/oracles/audio.ts, spectrum.ts).
// Spec: live-pusher.zh.md 通用属性 voice-changer-type (0：关闭变声；1：熊孩子；2：萝莉；3：大叔；
// 4：重金属；6：外国人；7：困兽；8：死肥仔；9：强电流；10：重机械；11：空灵).
import { check, type CheckContext } from '../../check.ts';
import { toneFrequency } from '../../oracles/audio.ts';
import { powerAwayFrom } from '../../oracles/spectrum.ts';
import { DEFAULT_TONE } from '../../../adapters/microphone/synthetic.ts';
import { expectAtMost, expectWithinRatio, fail } from '../support/expect.ts';
import { RUNTIME_LIMIT_MS, baselineWindow, runSteps, StepNotPushedError, stepWindow, type RuntimeRun, type RuntimeStep } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';
import { attachSpectra, renderSpectra, samplesIn, type Spectra, type Window } from './audio-windows.ts';

const BASELINE_MS = 2000;
/** 1.5 s to settle, then 0.7 s judged (the pitch needs 170 ms of tone). */
const STEP_MS = 2200;
const TIMEOUT_MS = 90_000;

/** What the spec's name of each type says about the voice. */
type Expectation = 'higher' | 'lower' | 'changed';
const TYPES: { type: number; name: string; expect: Expectation }[] = [
  { type: 1, name: '熊孩子 (naughty child)', expect: 'higher' },
  { type: 2, name: '萝莉 (little girl)', expect: 'higher' },
  { type: 3, name: '大叔 (middle-aged man)', expect: 'lower' },
  { type: 4, name: '重金属 (heavy metal)', expect: 'changed' },
  { type: 6, name: '外国人 (foreigner)', expect: 'changed' },
  { type: 7, name: '困兽 (trapped beast)', expect: 'lower' },
  { type: 8, name: '死肥仔 (fat guy)', expect: 'lower' },
  { type: 9, name: '强电流 (strong current)', expect: 'changed' },
  { type: 10, name: '重机械 (heavy machinery)', expect: 'changed' },
  { type: 11, name: '空灵 (ethereal)', expect: 'changed' },
];

/** Type 0: the tone's pitch within this ratio of the microphone's. */
const PITCH_TOLERANCE = 0.02;
/** Type 0: at most this share of the power away from the tone (±BAND of 1000 Hz). */
const CLEAN_MAX_AWAY = 0.05;
const BAND = 0.05;
/** A raised / lowered voice moves the pitch by at least this ratio. */
const MIN_PITCH_SHIFT = 0.08;
/** A changed sound: the pitch moved by MIN_PITCH_SHIFT, or at least this share of the power left the tone. */
const CHANGED_MIN_AWAY = 0.1;

const typeCheckId = (type: number) => `attributes/voice-changer-type/${type}`;

/** Each type's stretch is pushed for its own check (RuntimeStep.for). */
const STEPS: RuntimeStep[] = TYPES.map((t) => ({ name: `voice-changer-type ${t.type}`, update: { 'voice-changer-type': t.type }, for: [typeCheckId(t.type)] }));

/** The reading of a type whose stretch this run pushed. */
function readingOf(readings: Map<number, Reading>, type: number): Reading {
  const r = readings.get(type);
  if (r === undefined) throw new StepNotPushedError(STEPS[TYPES.findIndex((t) => t.type === type)]!);
  return r;
}

interface Reading {
  pitchHz: number | null;
  away: number;
}

function read(run: RuntimeRun, w: Window, what: string): Reading {
  const { samples, sampleRate } = samplesIn(run, w, what);
  return { pitchHz: toneFrequency(samples, sampleRate), away: powerAwayFrom(samples, sampleRate, DEFAULT_TONE.frequencyHz, BAND) };
}

interface VoiceRun {
  run: RuntimeRun;
  readings: Map<number, Reading>;
  spectra: Spectra;
}

const stretchName = (t: number) => (t === 0 ? 'type 0 (baseline)' : `type ${t}`);

const voiceScenario = sharedScenario(
  async (ctx: CheckContext): Promise<VoiceRun> => {
    const run = await runSteps(ctx, {}, STEPS, { baselineMs: BASELINE_MS, stepMs: STEP_MS, audio: true });
    const readings = new Map<number, Reading>([[0, read(run, baselineWindow(run), 'type 0 (baseline)')]]);
    const pushed = TYPES.flatMap((t, i) => (run.steps[i]!.pushed ? [{ t, i }] : []));
    for (const { t, i } of pushed) {
      const s = run.steps[i]!;
      if (s.refused !== null) fail(`step "${s.step.name}" was refused: ${s.refused}`);
      readings.set(t.type, read(run, stepWindow(run, i), `type ${t.type}`));
    }
    for (const [t, r] of readings) ctx.log(`type ${t}: pitch ${r.pitchHz?.toFixed(1) ?? 'none'} Hz, ${(r.away * 100).toFixed(1)} % of the power away from the tone`);
    const spectra = await renderSpectra(ctx, run, [[stretchName(0), baselineWindow(run)], ...pushed.map(({ t, i }) => [stretchName(t.type), stepWindow(run, i)] as const)]);
    return { run, readings, spectra };
  },
  async (ctx, { readings }) => {
    const table = [...readings].map(([type, r]) => ({ type, pitchHz: r.pitchHz === null ? null : Number(r.pitchHz.toFixed(1)), awayShare: Number(r.away.toFixed(3)) }));
    await ctx.attach('voice changer readings', 'application/json', JSON.stringify(table, null, 2));
  },
);

const RIG = ['synthetic-microphone', 'embedded-server'] as const;
const F0 = DEFAULT_TONE.frequencyHz;

check(
  {
    id: 'attributes/voice-changer-type/0',
    area: 'attributes',
    feature: 'voice-changer-type',
    story: '0 (关闭变声)',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 voice-changer-type (0：关闭变声)',
    specRows: ['attribute:voice-changer-type=0'],
    tolerance: `pitch ${F0} Hz ± ${PITCH_TOLERANCE * 100} %, at most ${CLEAN_MAX_AWAY * 100} % of the power outside ± ${BAND * 100} % of it`,
    requires: { attributes: ['voice-changer-type'], rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { readings, spectra } = await voiceScenario(ctx);
    await attachSpectra(ctx, spectra, [stretchName(0)]);
    const r = readingOf(readings, 0);
    expectWithinRatio('pitch with the voice changer off (Hz)', r.pitchHz ?? Number.NaN, F0, PITCH_TOLERANCE);
    expectAtMost('share of the power away from the tone', r.away, CLEAN_MAX_AWAY);
  },
);

for (const t of TYPES) {
  const tolerance =
    t.expect === 'higher'
      ? `pitch at least ${(1 + MIN_PITCH_SHIFT) * F0} Hz (raised ≥ ${MIN_PITCH_SHIFT * 100} %)`
      : t.expect === 'lower'
        ? `pitch at most ${(1 - MIN_PITCH_SHIFT) * F0} Hz (lowered ≥ ${MIN_PITCH_SHIFT * 100} %)`
        : `pitch moved ≥ ${MIN_PITCH_SHIFT * 100} % or at least ${CHANGED_MIN_AWAY * 100} % of the power away from the ${F0} Hz tone`;
  check(
    {
      id: typeCheckId(t.type),
      area: 'attributes',
      feature: 'voice-changer-type',
      story: `${t.type} (${t.name})`,
      severity: 'normal',
      spec: `live-pusher.zh.md 通用属性 voice-changer-type (${t.type}：${t.name.split(' ')[0]})`,
      specRows: [`attribute:voice-changer-type=${t.type}`],
      tolerance: `from ${RUNTIME_LIMIT_MS} ms after the update: ${tolerance}`,
      requires: { attributes: ['voice-changer-type'], rig: [...RIG] },
      timeoutMs: TIMEOUT_MS,
    },
    async (ctx) => {
      const { readings, spectra } = await voiceScenario(ctx);
      await attachSpectra(ctx, spectra, [stretchName(0), stretchName(t.type)]);
      const r = readingOf(readings, t.type);
      if (r.pitchHz === null) fail(`type ${t.type}: no tone at the server`);
      const shift = r.pitchHz / F0 - 1;
      const described = `pitch ${r.pitchHz.toFixed(1)} Hz (${(shift * 100).toFixed(1)} %), ${(r.away * 100).toFixed(1)} % of the power away from the tone`;
      ctx.log(`type ${t.type}: ${described}`);
      if (t.expect === 'higher' && !(shift >= MIN_PITCH_SHIFT)) fail(`type ${t.type} ${t.name} should raise the voice: ${described}; expected ${tolerance}`);
      if (t.expect === 'lower' && !(shift <= -MIN_PITCH_SHIFT)) fail(`type ${t.type} ${t.name} should lower the voice: ${described}; expected ${tolerance}`);
      if (t.expect === 'changed' && !(Math.abs(shift) >= MIN_PITCH_SHIFT) && !(r.away >= CHANGED_MIN_AWAY)) fail(`type ${t.type} ${t.name} leaves the voice as it was: ${described}; expected ${tolerance}`);
    },
  );
}
