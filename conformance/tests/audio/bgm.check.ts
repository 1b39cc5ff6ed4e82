// Background music judged at the server and by its events, all on one push (runtime-steps.ts):
// playBGM of the music over http from 1 s to 12 s, setBGMVolume "0.5", pauseBGM, resumeBGM,
// stopBGM, then playBGM of the local file for its last 1.2 s (to its end of range), then two
// loads that must fail with 10003 (an http URL that answers 404, a local file that is no
// audio), as an errCode and as a status code. The music's tone steps up every second
// (bgm-media.ts), so the frequency heard at the server tells where in the music the pusher is;
// the microphone's 1000 Hz tone must go on throughout.
// Spec: context-api.md playBGM ({url, startTimeMs?, endTimeMs?}; fires bgmstart / bgmprogress /
// bgmcomplete; failure: 10003), stopBGM / pauseBGM / resumeBGM, setBGMVolume ({volume}: 0–1,
// typed string); live-pusher.zh.md 事件 bindbgmstart, bindbgmprogress (detail = {progress,
// duration}), bindbgmcomplete; 错误码 and 状态码 10003 (背景音资源（BGM）加载失败).
import { check, type CheckContext } from '../../check.ts';
import type { IutEvent } from '../../iut-client.ts';
import { bandLevelDbfs, peakFrequencyIn } from '../../oracles/spectrum.ts';
import { ERROR, STATUS } from '../../../spec/codes.ts';
import { statusKey } from '../../../reports/spec-rows.ts';
import { DEFAULT_TONE } from '../../../adapters/microphone/synthetic.ts';
import { expectAtLeast, expectAtMost, expectWithin, fail } from '../support/expect.ts';
import { RUNTIME_LIMIT_MS, baselineWindow, runSteps, stepWindow, type RuntimeRun, type RuntimeStep } from '../support/runtime-steps.ts';
import { sharedScenario } from '../support/shared.ts';
import { attachSpectra, renderSpectra, samplesIn, toneOnLevel, type Spectra, type Window } from './audio-windows.ts';
import { BGM_BAND_HZ, BGM_SECONDS, makeBgmMedia, secondOfFrequency } from './bgm-media.ts';

const BASELINE_MS = 3000;
/** 1.5 s to settle, then 1.5 s judged (more than one period of the microphone's tone). */
const STEP_MS = 3000;
const TIMEOUT_MS = 90_000;
const PLAY_FROM_MS = 1000;
const PLAY_TO_MS = 12000;
/** The local file is played over its last stretch, so it reaches its end of range in the step. */
const LAST_FROM_MS = 12000;
const LAST_TO_MS = 13200;

/** The music is heard when its band is at least this far above the band without it (dB). */
const HEARD_MIN_RISE_DB = 30;
/** Silent music: its band at most this far above the band before any music (dB). */
const SILENT_MAX_RISE_DB = 6;
/** setBGMVolume "0.5": the band level 20·log10(0.5) from volume 1, within this (dB). */
const VOLUME_TOLERANCE_DB = 1.5;
/** The microphone goes on: its tone's on-level within this of the baseline (dB). */
const MIC_TOLERANCE_DB = 2;
/** Position heard at the server may differ from the bench's own account by this (s): encoder restarts and the reader's latency. */
const POSITION_SLACK_S = 0.75;
/** bgmprogress: progress grows at the wall clock's rate within this ratio while playing. */
const PROGRESS_RATE_TOLERANCE = 0.2;
/** bgmprogress: at least this many events while the music plays its first stretch. */
const MIN_PROGRESS_EVENTS = 2;
/** How long after the call an event may come (ms). */
const EVENT_WITHIN_MS = 1500;
/** bgmcomplete within this of when the range's end was due by the wall clock (ms). */
const COMPLETE_TOLERANCE_MS = 1500;
/** The music must be gone from the stream this long after bgmcomplete (ms). */
const AFTER_COMPLETE_MS = 1000;

const STEP = { play: 0, volume: 1, pause: 2, resume: 3, stop: 4, playLast: 5, missing: 6, notAudio: 7 } as const;

/** The checks of this file, by what they judge: each step is pushed for the checks that read it
 *  or need the music in the state it leaves (RuntimeStep.for). */
const C = {
  mixed: 'context/playBGM/mixed',
  volume: 'context/setBGMVolume/0.5',
  pause: 'context/pauseBGM/silent',
  stop: 'context/stopBGM/silent',
  resume: 'context/resumeBGM/where-paused',
  start: 'events/bgmstart/on-play',
  progress: 'events/bgmprogress/consistent',
  complete: 'events/bgmcomplete/end-of-range',
  error404: 'error-codes/10003/http-404',
  errorNotAudio: 'error-codes/10003/not-audio',
  status: 'status-codes/10003/bgm-load-failed',
} as const;

/** Wall time of the next step pushed after step i, or +Infinity. */
function nextPushedAt(run: RuntimeRun, i: number): number {
  return run.steps.slice(i + 1).find((s) => s.pushed)?.at ?? Number.POSITIVE_INFINITY;
}

interface BgmRun {
  run: RuntimeRun;
  events: IutEvent[];
  spectra: Spectra;
}

const BASELINE = 'baseline (no music)';
/** The name of a step's stretch in the evidence. */
const stretchName = (run: RuntimeRun, i: number) => run.steps[i]!.step.name;

const bgmScenario = sharedScenario(
  async (ctx: CheckContext): Promise<BgmRun> => {
    const media = await makeBgmMedia(ctx.workDir);
    try {
      const steps: RuntimeStep[] = [
        { name: 'playBGM http 1-12 s', call: 'playBGM', args: { url: media.url, startTimeMs: PLAY_FROM_MS, endTimeMs: PLAY_TO_MS }, for: [C.mixed, C.volume, C.pause, C.stop, C.resume, C.start, C.progress] },
        { name: 'setBGMVolume "0.5"', call: 'setBGMVolume', args: { volume: '0.5' }, for: [C.volume, C.resume] },
        { name: 'pauseBGM', call: 'pauseBGM', for: [C.pause, C.resume, C.progress] },
        { name: 'resumeBGM', call: 'resumeBGM', for: [C.resume, C.progress] },
        { name: 'stopBGM', call: 'stopBGM', for: [C.stop, C.resume, C.progress] },
        { name: 'playBGM local file 12-13.2 s', call: 'playBGM', args: { url: media.file, startTimeMs: LAST_FROM_MS, endTimeMs: LAST_TO_MS }, for: [C.start, C.complete] },
        { name: 'playBGM http 404', call: 'playBGM', args: { url: media.missingUrl }, for: [C.start, C.complete, C.error404, C.status] },
        { name: 'playBGM not audio', call: 'playBGM', args: { url: media.notAudio }, for: [C.start, C.errorNotAudio, C.status] },
      ];
      const run = await runSteps(ctx, {}, steps, { baselineMs: BASELINE_MS, stepMs: STEP_MS, audio: true });
      const pushed = run.steps.flatMap((s, i) => (s.pushed ? [i] : []));
      const spectra = await renderSpectra(ctx, run, [[BASELINE, baselineWindow(run)], ...pushed.map((i) => [stretchName(run, i), stepWindow(run, i)] as const)]);
      return { run, events: ctx.iut.events(), spectra };
    } finally {
      await media.close();
    }
  },
  async () => undefined,
);

/** The stretch of a step that must have been accepted. */
function accepted(run: RuntimeRun, index: number): Window {
  const s = run.steps[index]!;
  if (s.refused !== null) fail(`step "${s.step.name}" was refused: ${s.refused}`);
  return stepWindow(run, index);
}

/** The music's band level (dBFS) in a stretch. */
function bgmLevel(run: RuntimeRun, w: Window, what: string): number {
  const { samples, sampleRate } = samplesIn(run, w, what);
  return bandLevelDbfs(samples, sampleRate, BGM_BAND_HZ.low, BGM_BAND_HZ.high);
}

/** The second of the music heard in a stretch (from its tone's frequency), or null. */
function heardSecond(run: RuntimeRun, w: Window, what: string): number | null {
  const { samples, sampleRate } = samplesIn(run, w, what);
  const f = peakFrequencyIn(samples, sampleRate, BGM_BAND_HZ.low, BGM_BAND_HZ.high);
  return f === null ? null : secondOfFrequency(f);
}

/** Where in the music (s) the bench expects the pusher at wall time t: it played from
 *  PLAY_FROM_MS between play and pause, and again from resume on. */
function expectedSecond(run: RuntimeRun, t: number): number {
  // A step this run did not push (RuntimeStep.for) never happened.
  const at = (i: number) => (run.steps[i]!.pushed ? run.steps[i]!.at : Number.POSITIVE_INFINITY);
  const played = Math.max(0, Math.min(t, at(STEP.pause)) - at(STEP.play)) + Math.max(0, Math.min(t, at(STEP.stop)) - at(STEP.resume));
  return (PLAY_FROM_MS + played) / 1000;
}

/** The heard second must lie within the seconds the music was at during the stretch. */
function expectPosition(run: RuntimeRun, w: Window, what: string): void {
  const heard = heardSecond(run, w, what);
  if (heard === null) fail(`${what}: the music is not heard at the server`);
  const from = expectedSecond(run, w.from) - POSITION_SLACK_S;
  const to = expectedSecond(run, w.to) + POSITION_SLACK_S;
  if (!(heard + 1 > from && heard < to)) {
    fail(`${what}: the music heard is its second ${heard} (${heard}-${heard + 1} s); by the calls it was at ${from.toFixed(1)}-${to.toFixed(1)} s (± ${POSITION_SLACK_S} s)`);
  }
}

const RIG = ['synthetic-microphone', 'embedded-server'] as const;
const BGM_METHODS = ['playBGM', 'setBGMVolume', 'pauseBGM', 'resumeBGM', 'stopBGM'];
const SPEC = 'context-api.md playBGM / setBGMVolume / pauseBGM / resumeBGM / stopBGM';

check(
  {
    id: C.mixed,
    area: 'context',
    feature: 'playBGM',
    story: 'http URL, startTimeMs / endTimeMs: mixed into the stream',
    severity: 'normal',
    spec: `${SPEC} (playBGM {url, startTimeMs, endTimeMs})`,
    specRows: ['method:playBGM'],
    tolerance: `from ${RUNTIME_LIMIT_MS} ms after playBGM: the music's band at least ${HEARD_MIN_RISE_DB} dB above the baseline, at the second of the music the calls put it at (from startTimeMs ${PLAY_FROM_MS} ms, ± ${POSITION_SLACK_S} s); the microphone's tone within ${MIC_TOLERANCE_DB} dB of the baseline`,
    requires: { methods: BGM_METHODS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, spectra } = await bgmScenario(ctx);
    await attachSpectra(ctx, spectra, [BASELINE, stretchName(run, STEP.play)]);
    const base = baselineWindow(run);
    const w = accepted(run, STEP.play);
    const before = bgmLevel(run, base, 'baseline');
    const playing = bgmLevel(run, w, 'playing');
    ctx.log(`music band ${before.toFixed(1)} dBFS before, ${playing.toFixed(1)} dBFS playing`);
    expectAtLeast('rise of the music band once playing (dB)', playing - before, HEARD_MIN_RISE_DB, ' dB');
    expectPosition(run, w, 'playing');
    const mic = toneOnLevel(run, w, 'playing') - toneOnLevel(run, base, 'baseline');
    expectWithin(`microphone tone (${DEFAULT_TONE.frequencyHz} Hz) with the music relative to without (dB)`, mic, 0, MIC_TOLERANCE_DB, ' dB');
  },
);

check(
  {
    id: C.volume,
    area: 'context',
    feature: 'setBGMVolume',
    story: '"0.5"',
    severity: 'normal',
    spec: `${SPEC} (setBGMVolume {volume}: 0–1, typed string)`,
    specRows: ['method:setBGMVolume'],
    tolerance: `the music's band level −6.0 dB ± ${VOLUME_TOLERANCE_DB} dB from volume 1`,
    requires: { methods: BGM_METHODS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, spectra } = await bgmScenario(ctx);
    await attachSpectra(ctx, spectra, [stretchName(run, STEP.play), stretchName(run, STEP.volume)]);
    accepted(run, STEP.play);
    const full = bgmLevel(run, stepWindow(run, STEP.play), 'volume 1');
    const half = bgmLevel(run, accepted(run, STEP.volume), 'volume 0.5');
    ctx.log(`music band ${full.toFixed(2)} dBFS at volume 1, ${half.toFixed(2)} dBFS at "0.5"`);
    expectWithin('music level at setBGMVolume "0.5" relative to volume 1', half - full, 20 * Math.log10(0.5), VOLUME_TOLERANCE_DB, ' dB');
  },
);

for (const [name, index] of [['pauseBGM', STEP.pause], ['stopBGM', STEP.stop]] as const) {
  check(
    {
      id: `context/${name}/silent`,
      area: 'context',
      feature: name,
      story: 'the music stops at the server',
      severity: 'normal',
      spec: `${SPEC} (${name})`,
      specRows: [`method:${name}`],
      tolerance: `from ${RUNTIME_LIMIT_MS} ms after ${name}: the music's band at most ${SILENT_MAX_RISE_DB} dB above the baseline; the microphone's tone within ${MIC_TOLERANCE_DB} dB of it`,
      requires: { methods: BGM_METHODS, rig: [...RIG] },
      timeoutMs: TIMEOUT_MS,
    },
    async (ctx) => {
      const { run, spectra } = await bgmScenario(ctx);
      await attachSpectra(ctx, spectra, [BASELINE, stretchName(run, index)]);
      const base = baselineWindow(run);
      const w = accepted(run, index);
      const rise = bgmLevel(run, w, name) - bgmLevel(run, base, 'baseline');
      expectAtMost(`music band after ${name} relative to the baseline (dB)`, rise, SILENT_MAX_RISE_DB, ' dB');
      expectWithin('microphone tone relative to the baseline (dB)', toneOnLevel(run, w, name) - toneOnLevel(run, base, 'baseline'), 0, MIC_TOLERANCE_DB, ' dB');
    },
  );
}

check(
  {
    id: C.resume,
    area: 'context',
    feature: 'resumeBGM',
    story: 'the music goes on from where it paused',
    severity: 'normal',
    spec: `${SPEC} (resumeBGM)`,
    specRows: ['method:resumeBGM'],
    tolerance: `from ${RUNTIME_LIMIT_MS} ms after resumeBGM: the music heard again (band ≥ ${HEARD_MIN_RISE_DB} dB over the baseline) at the second it paused at plus the time since resume (± ${POSITION_SLACK_S} s), not where the wall clock would have taken it`,
    requires: { methods: BGM_METHODS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, spectra } = await bgmScenario(ctx);
    await attachSpectra(ctx, spectra, [stretchName(run, STEP.pause), stretchName(run, STEP.resume)]);
    for (const i of [STEP.play, STEP.volume, STEP.pause]) accepted(run, i);
    const w = accepted(run, STEP.resume);
    expectAtLeast('rise of the music band after resume (dB)', bgmLevel(run, w, 'resumed') - bgmLevel(run, baselineWindow(run), 'baseline'), HEARD_MIN_RISE_DB, ' dB');
    expectPosition(run, w, 'resumed');
  },
);

/** Events of one name received in [from, to). */
function eventsIn(events: readonly IutEvent[], name: string, from: number, to: number): IutEvent[] {
  return events.filter((e) => e.event === name && e.receivedAt >= from && e.receivedAt < to);
}

check(
  {
    id: C.start,
    area: 'events',
    feature: 'bgmstart',
    story: 'once per playBGM that loads, none for one that fails',
    severity: 'normal',
    spec: 'live-pusher.zh.md 事件 bindbgmstart (背景音开始播放时触发)',
    specRows: ['event:bgmstart'],
    tolerance: `one bgmstart within ${EVENT_WITHIN_MS} ms of each playBGM of a readable file (http and local), none after the two that fail to load`,
    requires: { events: ['bgmstart'], methods: BGM_METHODS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, events } = await bgmScenario(ctx);
    for (const i of [STEP.play, STEP.playLast]) {
      const s = run.steps[i]!;
      const n = eventsIn(events, 'bgmstart', s.at, s.at + EVENT_WITHIN_MS).length;
      if (n !== 1) fail(`"${s.step.name}": ${n} bgmstart events within ${EVENT_WITHIN_MS} ms, expected 1`);
    }
    const lateFrom = run.steps[STEP.missing]!.at;
    const late = eventsIn(events, 'bgmstart', lateFrom, Number.POSITIVE_INFINITY).length;
    if (late > 0) fail(`${late} bgmstart events after playBGM calls that could not load`);
  },
);

check(
  {
    id: C.progress,
    area: 'events',
    feature: 'bgmprogress',
    story: 'progress follows the music and the wall clock, duration is the media',
    severity: 'normal',
    spec: 'live-pusher.zh.md 事件 bindbgmprogress (detail = {progress, duration})',
    specRows: ['event:bgmprogress'],
    tolerance: `numeric progress and duration; duration the music's ${BGM_SECONDS} s (in ms or in s, the spec gives no unit: the progress is read in the same unit); at least ${MIN_PROGRESS_EVENTS} events while it plays; progress starts at startTimeMs (± ${EVENT_WITHIN_MS} ms), grows at the wall clock's rate (± ${PROGRESS_RATE_TOLERANCE * 100} %), never goes back, does not move while paused (± 300 ms), and after resume goes on from where it stood at pause (± ${EVENT_WITHIN_MS} ms)`,
    requires: { events: ['bgmprogress'], methods: BGM_METHODS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, events } = await bgmScenario(ctx);
    const at = (i: number) => run.steps[i]!.at;
    const all = eventsIn(events, 'bgmprogress', at(STEP.play), at(STEP.stop));
    const read = all.map((e) => {
      const d = (e.detail ?? {}) as { progress?: unknown; duration?: unknown };
      if (typeof d.progress !== 'number' || typeof d.duration !== 'number') fail(`a bgmprogress detail is not {progress: number, duration: number}: ${JSON.stringify(e.detail)}`);
      return { at: e.receivedAt, progress: d.progress, duration: d.duration };
    });
    const first = read[0];
    if (!first) fail('no bgmprogress event while the music played');
    const unitMs = Math.abs(first.duration - BGM_SECONDS * 1000) <= 100 ? 1 : Math.abs(first.duration - BGM_SECONDS) <= 0.1 ? 1000 : Number.NaN;
    if (Number.isNaN(unitMs)) fail(`bgmprogress duration ${first.duration}: the music lasts ${BGM_SECONDS} s (${BGM_SECONDS * 1000} ms)`);
    const ms = read.map((r) => ({ at: r.at, progressMs: r.progress * unitMs, durationMs: r.duration * unitMs }));
    const wrongDuration = ms.find((r) => Math.abs(r.durationMs - BGM_SECONDS * 1000) > 100);
    if (wrongDuration) fail(`bgmprogress duration changed to ${wrongDuration.durationMs} ms`);
    for (let i = 1; i < ms.length; i++) if (ms[i]!.progressMs < ms[i - 1]!.progressMs) fail(`bgmprogress went back from ${ms[i - 1]!.progressMs} to ${ms[i]!.progressMs} ms`);
    const playing = ms.filter((r) => r.at < at(STEP.pause));
    expectAtLeast('bgmprogress events while the music played its first stretch', playing.length, MIN_PROGRESS_EVENTS);
    const p0 = playing[0]!;
    expectWithin('first progress (ms) against startTimeMs plus the time since playBGM', p0.progressMs, PLAY_FROM_MS + (p0.at - at(STEP.play)), EVENT_WITHIN_MS, ' ms');
    const pn = playing[playing.length - 1]!;
    if (pn.at - p0.at > 0) {
      expectWithin('progress per wall-clock ms while playing', (pn.progressMs - p0.progressMs) / (pn.at - p0.at), 1, PROGRESS_RATE_TOLERANCE);
    }
    const paused = ms.filter((r) => r.at >= at(STEP.pause) + EVENT_WITHIN_MS && r.at < at(STEP.resume));
    if (paused.length > 1) expectAtMost('progress moved while paused (ms)', paused[paused.length - 1]!.progressMs - paused[0]!.progressMs, 300, ' ms');
    // The pause does not count: after resume, progress goes on from where it stood at pause.
    const resumed = ms.find((r) => r.at >= at(STEP.resume) + EVENT_WITHIN_MS);
    if (!resumed) fail('no bgmprogress event after resumeBGM');
    const atPause = pn.progressMs + (at(STEP.pause) - pn.at);
    expectWithin('progress after resumeBGM (ms) against where it stood at pauseBGM plus the time since resume', resumed.progressMs, atPause + (resumed.at - at(STEP.resume)), EVENT_WITHIN_MS, ' ms');
  },
);

check(
  {
    id: C.complete,
    area: 'events',
    feature: 'bgmcomplete',
    story: 'at endTimeMs of a local file, and the music stops',
    severity: 'normal',
    spec: 'live-pusher.zh.md 事件 bindbgmcomplete (背景音播放完成时触发); context-api.md playBGM endTimeMs',
    specRows: ['event:bgmcomplete'],
    tolerance: `one bgmcomplete ${LAST_TO_MS - LAST_FROM_MS} ms after playBGM({startTimeMs: ${LAST_FROM_MS}, endTimeMs: ${LAST_TO_MS}}) of the local file (± ${COMPLETE_TOLERANCE_MS} ms), and from ${AFTER_COMPLETE_MS} ms after it to the end of the next step the music's band at most ${SILENT_MAX_RISE_DB} dB above the baseline`,
    requires: { events: ['bgmcomplete'], methods: BGM_METHODS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, events, spectra } = await bgmScenario(ctx);
    await attachSpectra(ctx, spectra, [stretchName(run, STEP.playLast), stretchName(run, STEP.missing)]);
    accepted(run, STEP.playLast);
    const due = run.steps[STEP.playLast]!.at + (LAST_TO_MS - LAST_FROM_MS);
    const completes = eventsIn(events, 'bgmcomplete', run.steps[STEP.playLast]!.at, run.steps[STEP.missing]!.at);
    if (completes.length !== 1) fail(`${completes.length} bgmcomplete events after the local file's playBGM, expected 1 about ${LAST_TO_MS - LAST_FROM_MS} ms after it`);
    expectWithin('bgmcomplete time against the end of range by the wall clock (ms)', completes[0]!.receivedAt - due, 0, COMPLETE_TOLERANCE_MS, ' ms');
    const after = { from: completes[0]!.receivedAt + AFTER_COMPLETE_MS, to: stepWindow(run, STEP.missing).to };
    const rise = bgmLevel(run, after, 'after the end of range') - bgmLevel(run, baselineWindow(run), 'baseline');
    expectAtMost('music band after its end of range relative to the baseline (dB)', rise, SILENT_MAX_RISE_DB, ' dB');
  },
);

for (const [story, index] of [['http URL that answers 404', STEP.missing], ['local file that is not audio', STEP.notAudio]] as const) {
  check(
    {
      id: `error-codes/10003/${index === STEP.missing ? 'http-404' : 'not-audio'}`,
      area: 'error-codes',
      feature: '10003',
      story,
      severity: 'normal',
      spec: 'live-pusher.zh.md 错误码 10003 (背景音资源（BGM）加载失败); context-api.md playBGM (failure: 10003)',
      specRows: ['error:10003'],
      tolerance: `an error event with errCode 10003 within ${EVENT_WITHIN_MS + 3500} ms of playBGM (and before the next step); the push goes on: the server sees no unpublish and the microphone's tone is within ${MIC_TOLERANCE_DB} dB of the baseline`,
      requires: { methods: BGM_METHODS, rig: [...RIG] },
      timeoutMs: TIMEOUT_MS,
    },
    async (ctx) => {
      const { run, events, spectra } = await bgmScenario(ctx);
      await attachSpectra(ctx, spectra, [BASELINE, stretchName(run, index)]);
      const s = run.steps[index]!;
      const until = Math.min(s.at + EVENT_WITHIN_MS + 3500, nextPushedAt(run, index));
      const errors = eventsIn(events, 'error', s.at, until).filter((e) => (e.detail as { errCode?: unknown } | null)?.errCode === ERROR.BGM_LOAD_FAILED);
      ctx.log(`playBGM ${s.refused === null ? 'answered ok' : `failed: ${s.refused}`}; ${errors.length} error events 10003`);
      if (errors.length === 0) fail(`no error event with errCode ${ERROR.BGM_LOAD_FAILED} after playBGM of a ${story}`);
      expectAtMost('unpublishes seen by the server during the push', run.unpublishes, 0);
      const w = stepWindow(run, index);
      expectWithin('microphone tone after the failed load relative to the baseline (dB)', toneOnLevel(run, w, story) - toneOnLevel(run, baselineWindow(run), 'baseline'), 0, MIC_TOLERANCE_DB, ' dB');
    },
  );
}

/** The statechange events with a code, received in [from, to). */
function statusesIn(events: readonly IutEvent[], code: number, from: number, to: number): IutEvent[] {
  return eventsIn(events, 'statechange', from, to).filter((e) => (e.detail as { code?: unknown } | null)?.code === code);
}

check(
  {
    id: C.status,
    area: 'status-codes',
    feature: '10003',
    story: 'statechange 10003 when playBGM cannot load, none when it loads',
    severity: 'normal',
    // 10003 is a row of both tables (状态码 and 错误码); the reference raises it on both channels
    // (bindstatechange {code: 10003} and binderror {errCode: 10003}); the errCode is judged by
    // error-codes/10003/*, the status here.
    spec: 'live-pusher.zh.md 状态码 10003 (背景音资源（BGM）加载失败), also a row of 错误码; context-api.md playBGM (failure: 10003)',
    specRows: [statusKey(STATUS.BGM_LOAD_FAILED)],
    tolerance: `a statechange with code 10003 within ${EVENT_WITHIN_MS + 3500} ms of each playBGM that cannot load (an http URL that answers 404, a local file that is not audio; before the next step); none before the first of them (the BGM calls before it load)`,
    requires: { events: ['statechange'], methods: BGM_METHODS, rig: [...RIG] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const { run, events } = await bgmScenario(ctx);
    const code = STATUS.BGM_LOAD_FAILED;
    for (const index of [STEP.missing, STEP.notAudio]) {
      const s = run.steps[index]!;
      const until = Math.min(s.at + EVENT_WITHIN_MS + 3500, nextPushedAt(run, index));
      const n = statusesIn(events, code, s.at, until).length;
      ctx.log(`"${s.step.name}": ${n} statechange ${code}`);
      if (n === 0) fail(`no statechange with code ${code} after "${s.step.name}" (within ${Math.round(until - s.at)} ms)`);
    }
    const early = statusesIn(events, code, Number.NEGATIVE_INFINITY, run.steps[STEP.missing]!.at);
    if (early.length > 0) fail(`${early.length} statechange ${code} before the first playBGM that cannot load (every BGM call until then loaded)`);
  },
);
