// One push that steps through several runtime changes (the component's setData, the driver
// protocol's `update`), each judged on its own stretch of the stream at the server: the
// frames, packets and audio whose live time falls between one step's settle deadline and the
// next step. The embedded server's publish/unpublish events say whether the connection stayed.
// Spec: live-pusher.zh.md 通用属性 (attributes changed while pushing).
import type { CheckContext } from '../../check.ts';
import { IutCallError } from '../../iut-client.ts';
import type { Observation } from '../../oracles/observe.ts';
import type { Packet } from '../../oracles/packets.ts';
import type { RgbFrame } from '../../oracles/video.ts';
import { rmsDbfs } from '../../oracles/audio.ts';
import { watchFrameSizes, type FrameSize, type FrameSizeWatch } from '../../oracles/frame-sizes.ts';
import { fail } from './expect.ts';
import { embeddedServer, pushAndObserve } from './scenario.ts';
import { isSelected } from '../../selection.ts';

/** A runtime change must show at the server within this time of the update call (issue
 *  contract), reader latency included: frames are placed by an upper bound of their live time. */
export const RUNTIME_LIMIT_MS = 1500;
/** Samples per AAC-LC frame (ISO/IEC 14496-3): one audio packet decodes to this many samples. */
export const AAC_FRAME_SAMPLES = 1024;
/** Decoded frames sampled this often (ms of stream time). */
const FRAMES_EVERY_MS = 100;
/** Extra observation after the last step's window, so its last frames are read even when
 *  the steps ran late. */
const TAIL_MS = 1000;

export type RuntimeStep = (
  | { name: string; update: Record<string, unknown> }
  | { name: string; call: string; args?: Record<string, unknown> | ((done: readonly StepOutcome[]) => Record<string, unknown>) }
) & {
  /**
   * The checks that judge this step. A run that selected none of them (a `--grep` of other
   * checks) does not push it (conformance/selection.ts); untagged steps are always pushed. A
   * check that reads a step it is not listed on breaks (StepNotPushedError) instead of judging
   * a stretch that was never pushed.
   */
  for?: readonly string[];
};

export interface StepOutcome {
  step: RuntimeStep;
  /** False when the run's selected checks do not judge the step (RuntimeStep.for): it was not
   *  sent, and reading its time, refusal or result throws StepNotPushedError. */
  pushed: boolean;
  /** Wall time the update (or call) was sent. */
  at: number;
  /** The IUT's errMsg when it refused the step, else null. */
  refused: string | null;
  /** The IUT's result when it accepted the step (a call's success payload). */
  result?: unknown;
}

/** A check read a step its run did not push: the step's `for` does not list that check. An
 *  error of the suite (the check comes out broken), never a verdict on the IUT. */
export class StepNotPushedError extends Error {
  constructor(step: RuntimeStep) {
    super(`step "${step.name}" was not pushed in this run: it is pushed only for the checks ${JSON.stringify(step.for)}; a check that judges it must be listed in its \`for\``);
    this.name = 'StepNotPushedError';
  }
}

/** Whether a run pushes the step: untagged, or tagged with a selected check. */
export function stepPushed(step: RuntimeStep, selected: (checkId: string) => boolean = isSelected): boolean {
  return step.for === undefined || step.for.some(selected);
}

/** The outcome of a step its run did not push (RuntimeStep.for). */
export function notPushed(step: RuntimeStep): StepOutcome {
  const refuse = (): never => {
    throw new StepNotPushedError(step);
  };
  return Object.defineProperties({ step, pushed: false } as StepOutcome, {
    at: { get: refuse, enumerable: false },
    refused: { get: refuse, enumerable: false },
    result: { get: refuse, enumerable: false },
  });
}

export interface RuntimeRun {
  observation: Observation;
  steps: StepOutcome[];
  /** Upper bound of each decoded frame's live time at the server (wall clock, epoch ms). */
  frameTimes: number[];
  /** Times the server saw this stream unpublished during the push. */
  unpublishes: number;
  /** Wall time of the last decoded frame. */
  lastFrameAt: number;
  /** Every frame's real decoded size, read by a second reader (only with StepsOptions.sizes). */
  sizes: FrameSize[];
}

export interface StepsOptions {
  /** Stream before the first step (ms). */
  baselineMs: number;
  /** Time between steps (ms). */
  stepMs: number;
  audio?: boolean;
  /** Also read every frame's real size (a second reader on its own connection). */
  sizes?: boolean;
}

/**
 * An upper bound of when each frame was live at the server. A frame's arrival at the reader
 * (its packet's arrival when the observer knows it, else the decoded frame's) bounds it, and
 * so does any later frame's arrival less the stream time between them: a live source cannot
 * send a frame ahead of its capture time. Taking the smallest bound removes the
 * reader's burst of cached frames and its decode delay, and unlike one global offset it stays
 * right when the stream's timestamps fall behind the wall clock (an encoder restart).
 */
export function liveTimesFromFuture(frames: readonly RgbFrame[]): number[] {
  const out = new Array<number>(frames.length);
  let next: { at: number; pts: number } | null = null;
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i]!;
    const arrived = f.arrivedAtMs ?? f.receivedAt;
    let at = Number.isFinite(arrived) ? arrived : Number.POSITIVE_INFINITY;
    if (next && Number.isFinite(f.ptsMs)) at = Math.min(at, next.at - (next.pts - f.ptsMs));
    out[i] = at;
    if (Number.isFinite(f.ptsMs) && Number.isFinite(at)) next = { at, pts: f.ptsMs };
  }
  return out;
}

/**
 * Wall time by which the video frame at `ptsMs` had reached the reader: the arrival of the
 * first video packet at or after that presentation time (the observer logs when each
 * packet's last byte arrived). An upper bound that holds whatever the IUT's timestamps do.
 * NaN when no later packet carries an arrival time.
 */
export function arrivalOfPts(video: readonly Packet[], ptsMs: number): number {
  let best = Number.NaN;
  for (const p of video) {
    if (p.ptsMs >= ptsMs && p.arrivedAtMs !== undefined && !(p.arrivedAtMs >= best)) best = p.arrivedAtMs;
  }
  return best;
}

/** Live time of each decoded frame: by packet arrivals when the observer has them, else by
 *  liveTimesFromFuture. A sampled frame shows the source frame nearest its time, so it is
 *  bounded by the packets from half a sampling period on. */
function frameTimesOf(o: Observation, everyMs: number): number[] {
  const video = o.packets.filter((p) => p.stream === 'video');
  const fallback = liveTimesFromFuture(o.frames);
  return o.frames.map((f, i) => {
    const at = Number.isFinite(f.ptsMs) ? arrivalOfPts(video, f.ptsMs + everyMs / 2) : Number.NaN;
    return Number.isFinite(at) ? at : fallback[i]!;
  });
}

/** Pushes with `attrs`, then runs the steps while the server's stream is read. */
export async function runSteps(ctx: CheckContext, attrs: Record<string, unknown>, steps: RuntimeStep[], opts: StepsOptions): Promise<RuntimeRun> {
  const embedded = embeddedServer(ctx);
  const path = `/live/${ctx.streamName}`;
  let unpublishes = 0;
  const onUnpublish = (e: { streamPath: string }) => {
    if (e.streamPath === path) unpublishes += 1;
  };
  embedded.on('unpublish', onUnpublish);
  const outcomes: StepOutcome[] = [];
  let sizeWatch: FrameSizeWatch | undefined;
  let sizes: FrameSize[] = [];
  const unknown = [...new Set(steps.flatMap((s) => s.for ?? []))].filter((id) => !ctx.checksInFile.includes(id));
  if (unknown.length) throw new Error(`runtime steps name checks that are not in this file: ${unknown.join(', ')}`);
  const pushedCount = steps.filter((s) => stepPushed(s)).length;
  if (pushedCount < steps.length) ctx.log(`${steps.length - pushedCount} of ${steps.length} steps not pushed: no selected check judges them`);
  try {
    const { observation } = await pushAndObserve(ctx, attrs, {
      observeMs: opts.baselineMs + pushedCount * opts.stepMs + TAIL_MS,
      framesEveryMs: FRAMES_EVERY_MS,
      audio: opts.audio ?? false,
      during: async (from) => {
        if (opts.sizes) sizeWatch = await watchFrameSizes(ctx.streamUrl);
        // Each step waits a full stepMs after the previous one was sent, so a late timer on a
        // loaded machine never shortens the stretch a step is judged on.
        let due = from + opts.baselineMs;
        for (const [i, step] of steps.entries()) {
          if (!stepPushed(step)) {
            outcomes.push(notPushed(step));
            continue;
          }
          await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
          const at = Date.now();
          due = at + opts.stepMs;
          let refused: string | null = null;
          let result: unknown;
          try {
            if ('update' in step) result = await ctx.iut.update(step.update);
            else result = await ctx.iut.call(step.call, typeof step.args === 'function' ? step.args(outcomes) : step.args);
          } catch (err) {
            if (!(err instanceof IutCallError)) throw err;
            refused = err.errMsg;
          }
          outcomes.push({ step, pushed: true, at, refused, result });
          ctx.log(`step ${i + 1} "${step.name}" at +${at - from} ms: ${refused === null ? 'accepted' : `refused: ${refused}`}`);
        }
        if (sizeWatch) {
          await new Promise((r) => setTimeout(r, opts.stepMs + TAIL_MS));
          sizes = await sizeWatch.stop();
          sizeWatch = undefined;
        }
      },
    });
    const frameTimes = frameTimesOf(observation, FRAMES_EVERY_MS);
    const lastFrameAt = frameTimes.length ? frameTimes[frameTimes.length - 1]! : Number.NaN;
    return { observation, steps: outcomes, frameTimes, unpublishes, lastFrameAt, sizes };
  } finally {
    await sizeWatch?.stop();
    embedded.off('unpublish', onUnpublish);
  }
}

/** The stretch a step is judged on: from its settle deadline to the next step (or the end). */
export function stepWindow(run: RuntimeRun, index: number): { from: number; to: number } {
  const from = run.steps[index]!.at + RUNTIME_LIMIT_MS;
  const next = run.steps.slice(index + 1).find((s) => s.pushed);
  return { from, to: next ? next.at : run.lastFrameAt + 1 };
}

/** The stretch before the first step. */
export function baselineWindow(run: RuntimeRun): { from: number; to: number } {
  return { from: Number.NEGATIVE_INFINITY, to: run.steps.find((s) => s.pushed)?.at ?? run.lastFrameAt + 1 };
}

export function framesIn(run: RuntimeRun, w: { from: number; to: number }): RgbFrame[] {
  return run.observation.frames.filter((_, i) => run.frameTimes[i]! >= w.from && run.frameTimes[i]! < w.to);
}

/** Wall time of a stream timestamp: the arrival of the packets from that time on, or (when the
 *  observer logged no arrivals) the live time of the first decoded frame from that time on. */
function timeOfPts(run: RuntimeRun, video: readonly Packet[], ptsMs: number): number {
  const arrived = arrivalOfPts(video, ptsMs);
  if (Number.isFinite(arrived)) return arrived;
  const i = run.observation.frames.findIndex((f) => f.ptsMs >= ptsMs);
  return i < 0 ? Number.NaN : run.frameTimes[i]!;
}

/** The real decoded sizes (StepsOptions.sizes) of the frames live in the window. */
export function sizesIn(run: RuntimeRun, w: { from: number; to: number }): FrameSize[] {
  const video = run.observation.packets.filter((p) => p.stream === 'video');
  return run.sizes.filter((s) => {
    const at = timeOfPts(run, video, s.ptsMs);
    return at >= w.from && at < w.to;
  });
}

/** The packets of one kind that reached the reader in the window. */
export function packetsIn(run: RuntimeRun, kind: Packet['stream'], w: { from: number; to: number }): Packet[] {
  const video = run.observation.packets.filter((p) => p.stream === 'video');
  return run.observation.packets
    .filter((p) => p.stream === kind)
    .filter((p) => {
      const at = p.arrivedAtMs ?? timeOfPts(run, video, p.ptsMs);
      return at >= w.from && at < w.to;
    });
}

/**
 * RMS level (dBFS) of the decoded audio of the audio packets in a window. Each AAC packet
 * decodes to AAC_FRAME_SAMPLES samples in order, so packet k's samples are found by its index
 * (valid while the stream's sample rate is the decoded one). Null when no audio packet falls in
 * the window.
 */
export function audioLevelIn(run: RuntimeRun, w: { from: number; to: number }): { dbfs: number; packets: number } | null {
  const audio = run.observation.audio;
  if (!audio) fail('no decoded audio from the server');
  const all = run.observation.packets.filter((p) => p.stream === 'audio').sort((a, b) => a.ptsMs - b.ptsMs);
  const inside = new Set(packetsIn(run, 'audio', w));
  const indices = all.map((p, i) => (inside.has(p) ? i : -1)).filter((i) => i >= 0);
  if (indices.length === 0) return null;
  const from = indices[0]! * AAC_FRAME_SAMPLES;
  const to = Math.min(audio.samples.length, (indices[indices.length - 1]! + 1) * AAC_FRAME_SAMPLES);
  if (!(to > from)) return null;
  return { dbfs: rmsDbfs(audio.samples, from, to), packets: indices.length };
}
