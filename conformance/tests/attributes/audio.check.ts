// Audio attributes: audio-quality (sample rate), enable-mic and muted (the tone present or
// silence). Truth: the AAC track's sample rate and the decoded audio at the server.
// Spec: live-pusher.zh.md 通用属性 audio-quality (高音质(48KHz)或低音质(16KHz)), enable-mic, muted.
import { check } from '../../check.ts';
import type { AttributeName } from '../../../spec/index.ts';
import { isSilent, rmsDbfs, toneFrequency } from '../../oracles/audio.ts';
import { DEFAULT_TONE } from '../../../adapters/microphone/synthetic.ts';
import { expectEqual, expectTrue, expectWithinRatio } from '../support/expect.ts';
import { HEADERS_OBSERVE_MS, pushAndObserve } from '../support/scenario.ts';
import { audioStream } from '../support/streams.ts';
import type { CheckContext } from '../../check.ts';
import type { Observation } from '../../oracles/observe.ts';

const TONE_TOLERANCE = 0.02;
/** The microphone checks' observation: two and a half of the tone's 1 s on/off cycles. */
const TONE_OBSERVE_MS = 2_500;
const SILENCE_DBFS = -60;

for (const [quality, rate] of [['high', 48000], ['low', 16000]] as const) {
  check(
    {
      id: `attributes/audio-quality/${quality}`,
      area: 'attributes',
      feature: 'audio-quality',
      story: quality,
      spec: 'live-pusher.zh.md 通用属性 audio-quality (高音质(48KHz)或低音质(16KHz))',
      specRows: [`attribute:audio-quality=${quality}`],
      tolerance: `AAC sample rate exactly ${rate} Hz`,
      requires: { attributes: ['audio-quality'] },
    },
    async (ctx) => {
      const { observation: o } = await pushAndObserve(ctx, { 'audio-quality': quality }, { framesEveryMs: false, observeMs: HEADERS_OBSERVE_MS });
      expectEqual('audio sample rate (Hz)', audioStream(o).sampleRate, rate);
    },
  );
}

async function attachAudio(ctx: CheckContext, o: Observation): Promise<void> {
  if (!o.audio) return;
  const { spectrumPng } = await import('../../oracles/audio.ts');
  const path = `${ctx.workDir}/spectrum.png`;
  try {
    await spectrumPng(o.audio.samples, o.audio.sampleRate, path);
    await ctx.attachFile('audio spectrum', path, 'image/png');
  } catch (err) {
    ctx.log(`no spectrum: ${(err as Error).message}`);
  }
}

/** The synthetic microphone's tone must be heard (rig: synthetic microphone). */
async function expectTone(ctx: CheckContext, o: Observation): Promise<void> {
  expectTrue('decoded audio', o.audio !== null && o.audio.samples.length > 0);
  const level = rmsDbfs(o.audio!.samples);
  const f = toneFrequency(o.audio!.samples, o.audio!.sampleRate);
  ctx.log(`audio ${level.toFixed(1)} dBFS, tone ${f ?? 'none'} Hz`);
  expectTrue(`the microphone tone is heard (level ${level.toFixed(1)} dBFS)`, level > SILENCE_DBFS);
  expectWithinRatio('tone frequency (Hz)', f ?? NaN, DEFAULT_TONE.frequencyHz, TONE_TOLERANCE);
}

async function expectSilence(ctx: CheckContext, o: Observation): Promise<void> {
  expectTrue('decoded audio', o.audio !== null && o.audio.samples.length > 0);
  const level = rmsDbfs(o.audio!.samples);
  ctx.log(`audio ${level.toFixed(1)} dBFS`);
  expectTrue(`silence below ${SILENCE_DBFS} dBFS (measured ${level.toFixed(1)} dBFS)`, isSilent(o.audio!.samples, SILENCE_DBFS));
}

const SWITCHES: { feature: AttributeName; value: boolean; heard: boolean; row: string }[] = [
  { feature: 'enable-mic', value: true, heard: true, row: '开启或关闭麦克风' },
  { feature: 'enable-mic', value: false, heard: false, row: '开启或关闭麦克风' },
  { feature: 'muted', value: false, heard: true, row: '是否静音' },
  { feature: 'muted', value: true, heard: false, row: '是否静音' },
];

for (const s of SWITCHES) {
  check(
    {
      id: `attributes/${s.feature}/${s.value}`,
      area: 'attributes',
      feature: s.feature,
      story: String(s.value),
      severity: 'critical',
      spec: `live-pusher.zh.md 通用属性 ${s.feature} (${s.row})`,
      specRows: [`attribute:${s.feature}=${s.value}`],
      tolerance: s.heard
        ? `the ${DEFAULT_TONE.frequencyHz} Hz microphone tone within ± ${TONE_TOLERANCE * 100} % and above ${SILENCE_DBFS} dBFS`
        : `decoded audio below ${SILENCE_DBFS} dBFS`,
      requires: { attributes: [s.feature], rig: ['synthetic-microphone'] },
    },
    async (ctx) => {
      const { observation: o } = await pushAndObserve(ctx, { [s.feature]: s.value }, { framesEveryMs: false, audio: true, observeMs: TONE_OBSERVE_MS });
      await attachAudio(ctx, o);
      if (s.heard) await expectTone(ctx, o);
      else await expectSilence(ctx, o);
    },
  );
}
