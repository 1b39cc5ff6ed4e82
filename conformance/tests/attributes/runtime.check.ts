// Runtime changes (the component's setData; the driver protocol's `update`): every attribute
// the spec lets a page change while pushing is changed during one push and judged at the
// server on that step's own frames, within RUNTIME_LIMIT_MS of the update, on the same
// connection (the embedded server sees no unpublish). The spec marks none of these attributes
// as needing a new stream (none of them changes the url), so every one is judged on the same
// connection. Truth: decoded frames (pattern camera / transform, black, size), video packet
// timing (fps), bytes over stream time (bitrate), decoded audio level, AAC packet timing (the
// sample rate) — never the IUT's own claims. An illegal value is refused naming attribute and
// value, and the push goes on unchanged.
// Spec: live-pusher.zh.md 通用属性 (muted, enable-mic, enable-camera, fps, min-bitrate,
// max-bitrate, mirror, remote-mirror, orientation, aspect, mode, audio-quality, waiting-image,
// device-position); 1005 推流动态调整分辨率 / 1006 推流动态调整码率 (changes while pushing).
import { check, type CheckContext } from '../../check.ts';
import { identifyPattern, isBlack, meanRgb, type RgbFrame } from '../../oracles/video.ts';
import { DEFAULT_SILENCE_THRESHOLD_DBFS } from '../../oracles/audio.ts';
import { bitrateKbps, packetsPerSecond } from '../../oracles/packets.ts';
import { expectTrue, fail } from '../support/expect.ts';
import { solidPng } from '../support/image.ts';
import { attachFrame } from '../support/scenario.ts';
import {
  AAC_FRAME_SAMPLES,
  RUNTIME_LIMIT_MS,
  arrivalOfPts,
  audioLevelIn,
  baselineWindow,
  framesIn,
  packetsIn,
  runSteps,
  sizesIn,
  stepWindow,
  type RuntimeRun,
  type RuntimeStep,
} from '../support/runtime-steps.ts';

/** Frames a judged stretch must hold at least (frames are sampled every 100 ms). */
const MIN_FRAMES = 4;
const BASELINE_MS = 1500;
/** Frames every 100 ms leave about 7 to judge in the settled 700 ms of a step. */
const STEP_MS = 2200;
/** Rate steps are longer: a bitrate needs a longer stretch to settle around its mean. */
const RATE_STEP_MS = 3000;
const FPS_TOLERANCE = 0.15;
const BITRATE_SLACK = 0.25;
const SAMPLE_RATE_TOLERANCE = 0.1;
/** The synthetic tone (−12 dBFS peak, 70 % duty) reads about −17 dBFS RMS; well above this. */
const AUDIBLE_DBFS = -35;
/** The last decoded frame must be live this close to the end of the observation. */
const END_SLACK_MS = 1000;
const TIMEOUT_MS = 90_000;

type Window = { from: number; to: number };

function rel(run: RuntimeRun, t: number): string {
  const origin = run.observation.startedAtEpochMs;
  return Number.isFinite(t) ? `+${Math.round(t - origin)} ms` : 'the start';
}

function describeWindow(run: RuntimeRun, w: Window): string {
  return `${rel(run, w.from)}..${rel(run, w.to)} of the observation`;
}

/** Every update was accepted (a legal value); a refusal fails naming the step. */
function expectAccepted(run: RuntimeRun): void {
  for (const s of run.steps) {
    if (s.refused !== null) fail(`step "${s.step.name}" was refused: ${s.refused}`);
  }
}

/** The push stayed on one connection and kept flowing to the end of the observation. */
function expectSameConnection(run: RuntimeRun): void {
  expectTrue('the connection stayed up (the server saw no unpublish during the updates)', run.unpublishes === 0, `${run.unpublishes} unpublish(es)`);
  const lastStep = run.steps[run.steps.length - 1]?.at ?? 0;
  const end = run.observation.startedAtEpochMs + run.observation.observedMs;
  expectTrue(
    'the stream kept flowing after the last update',
    run.lastFrameAt > lastStep && !run.observation.endedEarly && run.lastFrameAt >= end - END_SLACK_MS,
    `last frame live at ${rel(run, run.lastFrameAt)}, observation ended at ${rel(run, end)}${run.observation.endedEarly ? ' (the stream ended early)' : ''}`,
  );
}

async function attachTimeline(ctx: CheckContext, run: RuntimeRun, describe: (f: RgbFrame) => unknown): Promise<void> {
  const steps = run.steps.map((s) => ({ name: s.step.name, at: rel(run, s.at), refused: s.refused }));
  const frames = run.observation.frames.map((f, i) => ({
    at: rel(run, run.frameTimes[i]!),
    arrived: rel(run, f.arrivedAtMs ?? Number.NaN),
    decoded: rel(run, f.receivedAt),
    ptsMs: f.ptsMs,
    state: describe(f),
  }));
  await ctx.attach('runtime timeline', 'application/json', JSON.stringify({ steps, frames }, null, 2));
}

/** Every frame of the stretch is in the expected state (and there are enough of them). */
async function expectFrames(ctx: CheckContext, run: RuntimeRun, label: string, w: Window, expected: string, state: (f: RgbFrame) => string): Promise<void> {
  const frames = framesIn(run, w);
  if (frames.length < MIN_FRAMES) fail(`${label}: only ${frames.length} decoded frames between ${describeWindow(run, w)} (need ${MIN_FRAMES})`);
  const wrong = frames.filter((f) => state(f) !== expected);
  if (wrong.length) {
    await attachFrame(ctx, `${label} wrong frame`, wrong[0]);
    const seen = [...new Set(wrong.map(state))].join(', ');
    fail(`${label}: ${wrong.length} of ${frames.length} frames ${RUNTIME_LIMIT_MS} ms after the update were ${seen}, expected ${expected} (${describeWindow(run, w)})`);
  }
}

/** Logs how soon after step i the first frame in its expected state was live (evidence of the
 *  margin under RUNTIME_LIMIT_MS; the verdict is on the whole settled stretch). */
function logLatency(ctx: CheckContext, run: RuntimeRun, i: number, times: number[], matches: boolean[]): void {
  const at = run.steps[i]!.at;
  const next = run.steps[i + 1]?.at ?? Number.POSITIVE_INFINITY;
  const first = times.findIndex((t, k) => t >= at && t < next && matches[k]);
  ctx.log(`"${run.steps[i]!.step.name}": first frame in the new state ${first < 0 ? 'never seen' : `${Math.round(times[first]! - at)} ms after the update`}`);
}

/** Judges the baseline and each step on its own frames. */
async function expectSteps(ctx: CheckContext, run: RuntimeRun, baseline: string, expected: string[], state: (f: RgbFrame) => string): Promise<void> {
  const states = run.observation.frames.map(state);
  expected.forEach((want, i) => logLatency(ctx, run, i, run.frameTimes, states.map((s) => s === want)));
  await expectFrames(ctx, run, 'before the first update', baselineWindow(run), baseline, state);
  for (const [i, want] of expected.entries()) {
    await expectFrames(ctx, run, `after "${run.steps[i]!.step.name}"`, stepWindow(run, i), want, state);
  }
}

function pictureState(f: RgbFrame): string {
  if (isBlack(f)) return 'black';
  const p = identifyPattern(f);
  return `${p.camera} camera, ${p.transform}`;
}


const PICTURE_STEPS: { step: RuntimeStep; expect: string }[] = [
  { step: { name: 'remote-mirror true', update: { 'remote-mirror': true } }, expect: 'front camera, mirror' },
  { step: { name: 'remote-mirror false', update: { 'remote-mirror': false } }, expect: 'front camera, identity' },
  { step: { name: 'mirror true', update: { mirror: true } }, expect: 'front camera, mirror' },
  { step: { name: 'device-position back', update: { 'device-position': 'back' } }, expect: 'back camera, mirror' },
  { step: { name: 'mirror false', update: { mirror: false } }, expect: 'back camera, identity' },
  { step: { name: 'enable-camera false', update: { 'enable-camera': false } }, expect: 'black' },
  { step: { name: 'enable-camera true', update: { 'enable-camera': true } }, expect: 'back camera, identity' },
];

check(
  {
    id: 'attributes/runtime/picture',
    area: 'attributes',
    feature: 'runtime update',
    story: 'remote-mirror, mirror, device-position, enable-camera',
    severity: 'critical',
    spec: 'live-pusher.zh.md 通用属性 remote-mirror, mirror (设置推流画面是否镜像), device-position (前置或后置), enable-camera (开启摄像头), changed while pushing',
    specRows: ['attribute:remote-mirror', 'attribute:mirror', 'attribute:device-position', 'attribute:enable-camera'],
    tolerance: `every decoded frame from ${RUNTIME_LIMIT_MS} ms after each update to the next shows the new picture (camera, quadrant transform, or black), at least ${MIN_FRAMES} frames a step; the server sees no unpublish`,
    requires: { attributes: ['remote-mirror', 'mirror', 'device-position', 'enable-camera'], rig: ['synthetic-cameras', 'embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const run = await runSteps(ctx, {}, PICTURE_STEPS.map((s) => s.step), { baselineMs: BASELINE_MS, stepMs: STEP_MS });
    await attachTimeline(ctx, run, pictureState);
    expectAccepted(run);
    await expectSteps(ctx, run, 'front camera, identity', PICTURE_STEPS.map((s) => s.expect), pictureState);
    expectSameConnection(run);
  },
);

/** Sizes follow the mode presets (context-api.md vendor table: SD 360x640, HD 540x960);
 *  aspect 3:4 keeps the width; orientation horizontal turns the frame landscape. */
const SIZE_STEPS: { step: RuntimeStep; expect: string }[] = [
  { step: { name: 'mode HD', update: { mode: 'HD' } }, expect: '540x960' },
  { step: { name: 'aspect 3:4', update: { aspect: '3:4' } }, expect: '540x720' },
  { step: { name: 'orientation horizontal', update: { orientation: 'horizontal' } }, expect: '720x540' },
  { step: { name: 'mode SD', update: { mode: 'SD' } }, expect: '480x360' },
];

/** Every frame of the stretch (read by the size reader) has the expected size. */
function expectSizes(run: RuntimeRun, label: string, w: Window, expected: string): void {
  const sizes = sizesIn(run, w);
  if (sizes.length < MIN_FRAMES) fail(`${label}: only ${sizes.length} frames decoded by the size reader between ${describeWindow(run, w)} (need ${MIN_FRAMES})`);
  const wrong = sizes.filter((s) => `${s.width}x${s.height}` !== expected);
  if (wrong.length) {
    const seen = [...new Set(wrong.map((s) => `${s.width}x${s.height}`))].join(', ');
    fail(`${label}: ${wrong.length} of ${sizes.length} frames ${RUNTIME_LIMIT_MS} ms after the update were ${seen}, expected ${expected} (${describeWindow(run, w)})`);
  }
}

check(
  {
    id: 'attributes/runtime/size',
    area: 'attributes',
    feature: 'runtime update',
    story: 'mode, aspect, orientation',
    severity: 'critical',
    spec: 'live-pusher.zh.md 通用属性 mode, aspect (3:4, 9:16), orientation (vertical, horizontal), changed while pushing; 1005 推流动态调整分辨率; context-api.md Presets behind mode',
    specRows: ['attribute:mode', 'attribute:aspect', 'attribute:orientation'],
    tolerance: `every decoded frame from ${RUNTIME_LIMIT_MS} ms after each update to the next has the new size exactly, at least ${MIN_FRAMES} frames a step; the server sees no unpublish`,
    requires: { attributes: ['mode', 'aspect', 'orientation'], rig: ['embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const run = await runSteps(ctx, { mode: 'SD' }, SIZE_STEPS.map((s) => s.step), { baselineMs: BASELINE_MS, stepMs: STEP_MS, sizes: true });
    await attachTimeline(ctx, run, (f) => `${f.width}x${f.height} (scaled by the observer)`);
    await ctx.attach('decoded frame sizes', 'application/json', JSON.stringify(run.sizes.map((s) => ({ ptsMs: s.ptsMs, decoded: rel(run, s.at), size: `${s.width}x${s.height}` })), null, 1));
    expectAccepted(run);
    const video = run.observation.packets.filter((p) => p.stream === 'video');
    const sizeTimes = run.sizes.map((s) => arrivalOfPts(video, s.ptsMs));
    SIZE_STEPS.forEach((s, i) => logLatency(ctx, run, i, sizeTimes, run.sizes.map((z) => `${z.width}x${z.height}` === s.expect)));
    expectSizes(run, 'before the first update', baselineWindow(run), '360x640');
    for (const [i, s] of SIZE_STEPS.entries()) expectSizes(run, `after "${s.step.name}"`, stepWindow(run, i), s.expect);
    expectSameConnection(run);
  },
);

interface RateExpectation {
  fps?: number;
  kbps?: { min: number; max: number };
}

const RATE_START = { fps: 15, 'min-bitrate': 200, 'max-bitrate': 1500 };
const RATE_STEPS: { step: RuntimeStep; expect: RateExpectation }[] = [
  { step: { name: 'fps 5', update: { fps: 5 } }, expect: { fps: 5, kbps: { min: 0, max: 1500 } } },
  { step: { name: 'max-bitrate 400', update: { 'max-bitrate': 400 } }, expect: { fps: 5, kbps: { min: 0, max: 400 } } },
  { step: { name: 'fps 30, min-bitrate 1000, max-bitrate 1200', update: { fps: 30, 'min-bitrate': 1000, 'max-bitrate': 1200 } }, expect: { fps: 30, kbps: { min: 1000, max: 1200 } } },
];

function judgeRate(run: RuntimeRun, label: string, w: Window, want: RateExpectation): string {
  const video = packetsIn(run, 'video', w);
  const fps = packetsPerSecond(video, 'video');
  const kbps = bitrateKbps(video, 'video');
  if (fps === null || kbps === null) fail(`${label}: too few video packets between ${describeWindow(run, w)} to measure (${video.length})`);
  const line = `${label}: ${fps.toFixed(1)} fps, ${kbps.toFixed(0)} kbps over ${video.length} packets (${describeWindow(run, w)})`;
  if (want.fps !== undefined && Math.abs(fps - want.fps) > want.fps * FPS_TOLERANCE) {
    fail(`${label}: ${fps.toFixed(1)} fps at the server, expected ${want.fps} ± ${FPS_TOLERANCE * 100} % (${describeWindow(run, w)})`);
  }
  if (want.kbps && kbps > want.kbps.max * (1 + BITRATE_SLACK)) {
    fail(`${label}: ${kbps.toFixed(0)} kbps at the server, above max-bitrate ${want.kbps.max} + ${BITRATE_SLACK * 100} % (${describeWindow(run, w)})`);
  }
  if (want.kbps && kbps < want.kbps.min * (1 - BITRATE_SLACK)) {
    fail(`${label}: ${kbps.toFixed(0)} kbps at the server, below min-bitrate ${want.kbps.min} − ${BITRATE_SLACK * 100} % (${describeWindow(run, w)})`);
  }
  return line;
}

check(
  {
    id: 'attributes/runtime/rate',
    area: 'attributes',
    feature: 'runtime update',
    story: 'fps, max-bitrate, min-bitrate',
    severity: 'critical',
    spec: 'live-pusher.zh.md 通用属性 fps, min-bitrate, max-bitrate, changed while pushing; 1006 推流动态调整码率',
    specRows: ['attribute:fps', 'attribute:min-bitrate', 'attribute:max-bitrate'],
    tolerance: `from ${RUNTIME_LIMIT_MS} ms after each update to the next: fps from video packet timestamps within ± ${FPS_TOLERANCE * 100} %, video bitrate (bytes over stream time) within [min-bitrate − ${BITRATE_SLACK * 100} %, max-bitrate + ${BITRATE_SLACK * 100} %] (an unimpaired link: min-bitrate is only visible as a floor); the server sees no unpublish`,
    requires: { attributes: ['fps', 'min-bitrate', 'max-bitrate'], rig: ['embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const run = await runSteps(ctx, RATE_START, RATE_STEPS.map((s) => s.step), { baselineMs: BASELINE_MS, stepMs: RATE_STEP_MS });
    await attachTimeline(ctx, run, (f) => `${f.width}x${f.height}`);
    expectAccepted(run);
    ctx.log(judgeRate(run, 'before the first update', baselineWindow(run), { fps: RATE_START.fps, kbps: { min: RATE_START['min-bitrate'], max: RATE_START['max-bitrate'] } }));
    for (const [i, s] of RATE_STEPS.entries()) ctx.log(judgeRate(run, `after "${s.step.name}"`, stepWindow(run, i), s.expect));
    expectSameConnection(run);
  },
);

type AudioExpectation = 'tone' | 'silent' | { sampleRate: number };

const AUDIO_STEPS: { step: RuntimeStep; expect: AudioExpectation }[] = [
  { step: { name: 'muted true', update: { muted: true } }, expect: 'silent' },
  { step: { name: 'muted false', update: { muted: false } }, expect: 'tone' },
  { step: { name: 'enable-mic false', update: { 'enable-mic': false } }, expect: 'silent' },
  { step: { name: 'enable-mic true', update: { 'enable-mic': true } }, expect: 'tone' },
  { step: { name: 'audio-quality low', update: { 'audio-quality': 'low' } }, expect: { sampleRate: 16_000 } },
];

function judgeAudio(run: RuntimeRun, label: string, w: Window, want: AudioExpectation): string {
  if (typeof want === 'object') {
    const audio = packetsIn(run, 'audio', w);
    const perSecond = packetsPerSecond(audio, 'audio');
    if (perSecond === null) fail(`${label}: too few audio packets between ${describeWindow(run, w)} to measure a sample rate`);
    const rate = perSecond * AAC_FRAME_SAMPLES;
    if (Math.abs(rate - want.sampleRate) > want.sampleRate * SAMPLE_RATE_TOLERANCE) {
      fail(`${label}: the AAC packets at the server run at ${rate.toFixed(0)} Hz (${perSecond.toFixed(1)} packets/s of ${AAC_FRAME_SAMPLES} samples), expected ${want.sampleRate} Hz ± ${SAMPLE_RATE_TOLERANCE * 100} % (${describeWindow(run, w)})`);
    }
    return `${label}: ${rate.toFixed(0)} Hz from ${audio.length} AAC packets`;
  }
  const level = audioLevelIn(run, w);
  if (want === 'silent') {
    // No audio at all is silence too: enable-mic false may close the track's source entirely.
    if (level && level.dbfs >= DEFAULT_SILENCE_THRESHOLD_DBFS) {
      fail(`${label}: the audio at the server reads ${level.dbfs.toFixed(1)} dBFS RMS, expected silence (below ${DEFAULT_SILENCE_THRESHOLD_DBFS} dBFS) (${describeWindow(run, w)})`);
    }
    return `${label}: ${level ? `${level.dbfs.toFixed(1)} dBFS over ${level.packets} packets` : 'no audio packets'}`;
  }
  if (!level) fail(`${label}: no audio packets at the server between ${describeWindow(run, w)}, expected the microphone's tone`);
  if (level.dbfs < AUDIBLE_DBFS) {
    fail(`${label}: the audio at the server reads ${level.dbfs.toFixed(1)} dBFS RMS, expected the microphone's tone (at least ${AUDIBLE_DBFS} dBFS) (${describeWindow(run, w)})`);
  }
  return `${label}: ${level.dbfs.toFixed(1)} dBFS over ${level.packets} packets`;
}

check(
  {
    id: 'attributes/runtime/audio',
    area: 'attributes',
    feature: 'runtime update',
    story: 'muted, enable-mic, audio-quality',
    severity: 'critical',
    spec: 'live-pusher.zh.md 通用属性 muted (是否静音), enable-mic (开启或关闭麦克风), audio-quality (高音质(48KHz)或低音质(16KHz)), changed while pushing',
    specRows: ['attribute:muted', 'attribute:enable-mic', 'attribute:audio-quality'],
    tolerance: `from ${RUNTIME_LIMIT_MS} ms after each update to the next: decoded audio below ${DEFAULT_SILENCE_THRESHOLD_DBFS} dBFS RMS when muted / mic off, at least ${AUDIBLE_DBFS} dBFS when on; the sample rate (AAC packets of ${AAC_FRAME_SAMPLES} samples per second of stream time) within ± ${SAMPLE_RATE_TOLERANCE * 100} %; the server sees no unpublish`,
    requires: { attributes: ['muted', 'enable-mic', 'audio-quality'], rig: ['synthetic-microphone', 'embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const run = await runSteps(ctx, { 'audio-quality': 'high' }, AUDIO_STEPS.map((s) => s.step), { baselineMs: BASELINE_MS, stepMs: STEP_MS, audio: true });
    await attachTimeline(ctx, run, (f) => `${f.width}x${f.height}`);
    expectAccepted(run);
    ctx.log(judgeAudio(run, 'before the first update', baselineWindow(run), 'tone'));
    ctx.log(judgeAudio(run, 'before the first update', baselineWindow(run), { sampleRate: 48_000 }));
    for (const [i, s] of AUDIO_STEPS.entries()) ctx.log(judgeAudio(run, `after "${s.step.name}"`, stepWindow(run, i), s.expect));
    expectSameConnection(run);
  },
);

const RED = 'ff0000';
const BLUE = '0000ff';
/** How close a waiting-image frame's mean colour must be to the image's (per channel, 0-255;
 *  H.264 and YUV 4:2:0 shift solid colours by a few steps). */
const COLOUR_TOLERANCE = 40;
const STILL_SIZE = { width: 360, height: 640 };

function colourState(f: RgbFrame): string {
  const c = meanRgb(f);
  const near = (hex: string) => {
    const want = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return want.every((v, i) => Math.abs(c[i]! - v) <= COLOUR_TOLERANCE);
  };
  if (near(RED)) return 'red';
  if (near(BLUE)) return 'blue';
  return pictureState(f);
}

check(
  {
    id: 'attributes/runtime/waiting-image',
    area: 'attributes',
    feature: 'runtime update',
    story: 'waiting-image',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 waiting-image (进入后台时推流的等待画面), changed while paused; context-api.md pause',
    specRows: ['attribute:waiting-image'],
    tolerance: `while paused, every decoded frame from ${RUNTIME_LIMIT_MS} ms after the waiting-image update is the new image (mean colour within ${COLOUR_TOLERANCE} per channel); after resume the camera again; the server sees no unpublish`,
    requires: { attributes: ['waiting-image'], methods: ['pause', 'resume'], rig: ['synthetic-cameras', 'embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const red = `${ctx.workDir}/waiting-red.png`;
    const blue = `${ctx.workDir}/waiting-blue.png`;
    await solidPng(red, RED, STILL_SIZE.width, STILL_SIZE.height);
    await solidPng(blue, BLUE, STILL_SIZE.width, STILL_SIZE.height);
    const steps: { step: RuntimeStep; expect: string }[] = [
      { step: { name: 'pause', call: 'pause' }, expect: 'red' },
      { step: { name: 'waiting-image blue', update: { 'waiting-image': blue } }, expect: 'blue' },
      { step: { name: 'resume', call: 'resume' }, expect: 'front camera, identity' },
    ];
    const run = await runSteps(ctx, { 'waiting-image': red }, steps.map((s) => s.step), { baselineMs: BASELINE_MS, stepMs: STEP_MS });
    await attachTimeline(ctx, run, colourState);
    expectAccepted(run);
    await expectSteps(ctx, run, 'front camera, identity', steps.map((s) => s.expect), colourState);
    expectSameConnection(run);
  },
);

/** Illegal values sent while pushing: each must be refused, naming attribute and value. */
const ILLEGAL_STEPS: { attribute: string; update: Record<string, unknown>; value: unknown }[] = [
  { attribute: 'fps', update: { fps: 45 }, value: 45 },
  { attribute: 'mode', update: { mode: 'UHD' }, value: 'UHD' },
  { attribute: 'remote-mirror', update: { 'remote-mirror': 'yes' }, value: 'yes' },
  { attribute: 'min-bitrate', update: { 'min-bitrate': 5000 }, value: 5000 },
];
const ILLEGAL_START = { mode: 'SD', fps: 15, 'remote-mirror': false };
const ILLEGAL_STEP_MS = 1000;

check(
  {
    id: 'attributes/runtime/illegal',
    area: 'attributes',
    feature: 'runtime update',
    story: 'illegal values while pushing',
    severity: 'critical',
    spec: 'live-pusher.zh.md 通用属性 fps (1-30), mode (QVGA/HVGA/SD/HD/FHD/RTC), remote-mirror (boolean), min-bitrate (≤ max-bitrate), sent while pushing',
    specRows: ['attribute:fps', 'attribute:mode', 'attribute:remote-mirror', 'attribute:min-bitrate'],
    tolerance: `each update refused with a message naming the attribute and the value; from ${RUNTIME_LIMIT_MS} ms after the first one to the end: size 360x640 exact, the front pattern unmirrored, fps 15 ± ${FPS_TOLERANCE * 100} %, video bitrate at most the SD preset's 800 kbps + ${BITRATE_SLACK * 100} %; the stream flows to the end, no unpublish`,
    requires: { attributes: ['fps', 'mode', 'remote-mirror', 'min-bitrate'], rig: ['synthetic-cameras', 'embedded-server'] },
    timeoutMs: TIMEOUT_MS,
  },
  async (ctx) => {
    const steps: RuntimeStep[] = ILLEGAL_STEPS.map((s) => ({ name: `${s.attribute} ${JSON.stringify(s.value)}`, update: s.update }));
    const run = await runSteps(ctx, ILLEGAL_START, steps, { baselineMs: BASELINE_MS, stepMs: ILLEGAL_STEP_MS, sizes: true });
    await attachTimeline(ctx, run, pictureState);
    for (const [i, s] of ILLEGAL_STEPS.entries()) {
      const refused = run.steps[i]!.refused;
      if (refused === null) fail(`update ${s.attribute}=${JSON.stringify(s.value)} while pushing was accepted; expected a refusal naming the attribute and the value`);
      expectTrue(`the refusal of ${s.attribute}=${JSON.stringify(s.value)} names the attribute and the value`, refused.includes(s.attribute) && refused.includes(String(s.value)), `"${refused}"`);
    }
    const after = { from: run.steps[0]!.at + RUNTIME_LIMIT_MS, to: run.lastFrameAt + 1 };
    await expectFrames(ctx, run, 'after the illegal updates', after, 'front camera, identity', pictureState);
    expectSizes(run, 'after the illegal updates', after, '360x640');
    ctx.log(judgeRate(run, 'after the illegal updates', after, { fps: ILLEGAL_START.fps, kbps: { min: 0, max: 800 } }));
    expectSameConnection(run);
  },
);
