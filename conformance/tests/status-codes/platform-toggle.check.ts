// 4998 / 4999, the iOS-only codes, judged by the platform the IUT says it is (hello.platform):
// one push toggles enable-mic off and on, then muted on and off (runtime updates, support/
// runtime-steps.ts). An IUT on iOS must say 4998 once per enable-mic toggle and 4999 once per
// muted toggle, each after its update and before the next one, and the audio at the server must
// really go silent and come back; any other platform must say neither (the spec marks them iOS特有).
// The reference says 'ios' under LPB_DRIVER_PLATFORM=ios (test/reference-pusher/platform-codes.test.ts
// runs that branch), else this machine's platform.
// Spec: live-pusher.zh.md 状态码 4998 (Mic状态切换的时候，enable-mic触发(iOS特有)), 4999 (mute状态切换的时候，
// muted 触发(iOS特有)); 通用属性 enable-mic, muted.
import { check } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { DEFAULT_SILENCE_THRESHOLD_DBFS } from '../../oracles/audio.ts';
import { expectTrue, fail } from '../support/expect.ts';
import { audioLevelIn, runSteps, stepWindow, type RuntimeStep } from '../support/runtime-steps.ts';

const BASELINE_MS = 1500;
const STEP_MS = 2200;
/** The tone reads at least this loud at the server while the microphone is on (as runtime.check.ts). */
const AUDIBLE_DBFS = -35;
const IOS = /^ios$/i;
const ID = 'status-codes/4998-4999/platform';
const FOR = [ID];
const STEPS: { step: RuntimeStep; code: number; audio: 'silent' | 'tone' }[] = [
  { step: { name: 'enable-mic false', update: { 'enable-mic': false }, for: FOR }, code: STATUS.MIC_STATE_SWITCHED, audio: 'silent' },
  { step: { name: 'enable-mic true', update: { 'enable-mic': true }, for: FOR }, code: STATUS.MIC_STATE_SWITCHED, audio: 'tone' },
  { step: { name: 'muted true', update: { muted: true }, for: FOR }, code: STATUS.MUTE_STATE_SWITCHED, audio: 'silent' },
  { step: { name: 'muted false', update: { muted: false }, for: FOR }, code: STATUS.MUTE_STATE_SWITCHED, audio: 'tone' },
];
const PLATFORM_CODES = new Set<number>([STATUS.MIC_STATE_SWITCHED, STATUS.MUTE_STATE_SWITCHED]);

check(
  {
    id: ID,
    area: 'status-codes',
    feature: '4998 / 4999',
    story: 'toggling enable-mic and muted: 4998 / 4999 once per toggle on iOS, never elsewhere',
    severity: 'normal',
    spec: 'live-pusher.zh.md 状态码 4998 (Mic状态切换的时候，enable-mic触发(iOS特有)), 4999 (mute状态切换的时候，muted 触发(iOS特有))',
    specRows: ['status:4998', 'status:4999'],
    tolerance:
      `hello.platform "ios" (any case): exactly one 4998 between each enable-mic update and the next update (${STEP_MS} ms apart), exactly one 4999 likewise for muted, nothing else of the two; ` +
      `the audio at the server from 1500 ms after each update below ${DEFAULT_SILENCE_THRESHOLD_DBFS} dBFS when off / muted and at least ${AUDIBLE_DBFS} dBFS when back. Any other platform: no 4998 or 4999 in the whole push`,
    requires: { methods: ['start'], events: ['statechange'], attributes: ['enable-mic', 'muted'], rig: ['synthetic-microphone', 'embedded-server'] },
    timeoutMs: 60_000,
  },
  async (ctx) => {
    const run = await runSteps(ctx, {}, STEPS.map((s) => s.step), { baselineMs: BASELINE_MS, stepMs: STEP_MS, audio: true });
    const refused = run.steps.filter((s) => s.refused !== null);
    if (refused.length) fail(`the IUT refused ${refused.map((s) => `"${s.step.name}" (${s.refused})`).join(', ')}`);
    const codes = ctx.iut
      .events()
      .filter((e) => e.event === 'statechange' && PLATFORM_CODES.has(Number((e.detail as { code?: unknown }).code)))
      .map((e) => ({ code: Number((e.detail as { code?: unknown }).code), at: e.receivedAt }));
    const platform = ctx.hello.platform ?? '(none)';
    const ios = IOS.test(platform);
    const t0 = run.steps[0]!.at;
    ctx.log(`hello.platform ${platform}; 4998/4999 at ${codes.map((c) => `${c.code} ${c.at - t0} ms`).join(', ') || 'none'} (after the first update)`);
    if (!ios) {
      expectTrue(`no 4998 or 4999 from an IUT on platform ${platform} (iOS特有) (got ${codes.map((c) => c.code).join(' ') || 'none'})`, codes.length === 0);
      return;
    }
    for (const [i, s] of STEPS.entries()) {
      const from = run.steps[i]!.at;
      const to = run.steps[i + 1]?.at ?? Number.POSITIVE_INFINITY;
      const got = codes.filter((c) => c.at >= from && c.at < to).map((c) => c.code);
      expectTrue(`after "${s.step.name}" until the next update: exactly one ${s.code} and nothing else of 4998/4999 (got ${got.join(' ') || 'none'})`, got.length === 1 && got[0] === s.code);
      const level = audioLevelIn(run, stepWindow(run, i));
      const dbfs = level?.dbfs ?? Number.NEGATIVE_INFINITY;
      if (s.audio === 'silent') expectTrue(`audio at the server after "${s.step.name}": ${level ? `${dbfs.toFixed(1)} dBFS` : 'no audio'}, silence expected (below ${DEFAULT_SILENCE_THRESHOLD_DBFS} dBFS)`, dbfs < DEFAULT_SILENCE_THRESHOLD_DBFS);
      else expectTrue(`audio at the server after "${s.step.name}": ${level ? `${dbfs.toFixed(1)} dBFS` : 'no audio'}, the tone expected (at least ${AUDIBLE_DBFS} dBFS)`, dbfs >= AUDIBLE_DBFS);
    }
    const before = codes.filter((c) => c.at < t0);
    expectTrue(`no 4998/4999 before the first toggle (got ${before.map((c) => c.code).join(' ') || 'none'})`, before.length === 0);
  },
);
