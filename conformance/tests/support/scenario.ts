// The push-and-observe scenario most checks share: create the IUT with attributes, start it,
// wait until the server itself sees the publish, then read the stream back from the server
// with the independent observer (conformance/oracles). Evidence is attached as it is gathered.
import type { EmbeddedServer } from '../../../adapters/server/embedded.ts';
import type { CheckContext } from '../../check.ts';
import { AssertionError } from 'node:assert';
import type { IutEvent } from '../../iut-client.ts';
import { observeStream, type Observation } from '../../oracles/observe.ts';
import { writePng, type RgbFrame } from '../../oracles/video.ts';
import { liveOffset } from './windows.ts';

/** How long the server may take to see the publish after start (encoder + connect). */
export const PUBLISH_TIMEOUT_MS = 15_000;
/** Default observation window. */
export const OBSERVE_MS = 4_000;

export interface PushOptions {
  /** Observation window in ms. */
  observeMs?: number;
  /** Decoded frames every N ms; 'all': every frame, scaled down (frame counters); false: none. */
  framesEveryMs?: number | 'all' | false;
  audio?: boolean;
  /** Don't call start (autopush). */
  noStart?: boolean;
  /** Replaces the rig passed to create. */
  rig?: unknown;
  /** Runs while the observer reads (e.g. a runtime update at some point). */
  during?: (startedObservingAt: number) => Promise<void>;
}

export interface PushResult {
  observation: Observation;
  /** Wall time start() was called. */
  startedAt: number;
  /** Wall time the server saw the publish. */
  publishedAt: number;
  /** Wall times the observer started and finished reading. */
  observedFrom: number;
  observedTo: number;
}

export async function pushAndObserve(ctx: CheckContext, attrs: Record<string, unknown>, opts: PushOptions = {}): Promise<PushResult> {
  await ctx.iut.create({ url: ctx.streamUrl, ...attrs }, opts.rig ?? ctx.rig);
  const startedAt = Date.now();
  const published = expectPublish(ctx, PUBLISH_TIMEOUT_MS);
  if (!opts.noStart) await ctx.iut.call('start');
  await published;
  const publishedAt = Date.now();
  ctx.log(`publish seen by the server ${publishedAt - startedAt} ms after start`);
  const observing = observeStream(ctx.streamUrl, {
    durationMs: opts.observeMs ?? OBSERVE_MS,
    frames: opts.framesEveryMs === false ? false : opts.framesEveryMs === 'all' ? { all: true } : { everyMs: opts.framesEveryMs ?? 500 },
    audio: opts.audio ?? false,
    workDir: ctx.workDir,
  });
  const observedFrom = Date.now();
  const during = opts.during ? opts.during(observedFrom) : Promise.resolve();
  const [observation] = await Promise.all([observing, during]);
  const observedTo = Date.now();
  await ctx.attach('ffprobe output', 'application/json', observation.probeOutput);
  return { observation, startedAt, publishedAt, observedFrom, observedTo };
}

/** Attaches a decoded frame as PNG evidence. */
export async function attachFrame(ctx: CheckContext, name: string, frame: RgbFrame | undefined): Promise<void> {
  if (!frame) return;
  const path = `${ctx.workDir}/${name.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`;
  await writePng(frame, path);
  await ctx.attachFile(name, path, 'image/png');
}

/** The frame in the middle of the observation (past any start-up frames). */
export function middleFrame(o: Observation): RgbFrame | undefined {
  return o.frames[Math.floor(o.frames.length / 2)];
}

/** Status codes the IUT reported, in order. */
export function statusCodes(events: IutEvent[]): number[] {
  return events.filter((e) => e.event === 'statechange').map((e) => Number((e.detail as { code?: unknown })?.code));
}

/** The server sees the stream published within the time; not seeing it is the IUT's failure. */
export async function expectPublish(ctx: CheckContext, timeoutMs: number): Promise<void> {
  try {
    await ctx.server.waitForPublish(ctx.streamName, timeoutMs);
  } catch (err) {
    if (!/timed out|within|timeout/i.test((err as Error).message)) throw err;
    const codes = statusCodes(ctx.iut.events());
    throw new AssertionError({
      message: `the server did not see ${ctx.streamName} published within ${timeoutMs} ms (IUT status codes: ${codes.join(', ') || 'none'})`,
    });
  }
}

/** The embedded server (its publish events are the truth some checks need). A check that calls
 *  this declares requires.rig 'embedded-server' (conformance/requirements.ts), so it never runs
 *  on another server; reaching here without it is a bug of the check (broken, not skipped). */
export function embeddedServer(ctx: CheckContext): EmbeddedServer {
  const embedded = ctx.server.embedded;
  if (!embedded) throw new Error(`${ctx.meta.id} uses the embedded server but does not declare requires.rig 'embedded-server'`);
  return embedded;
}

/**
 * When each decoded frame was live at the server, on the wall clock. The reader receives the
 * server's cached GOP in a burst and decodes with some delay, so arrival times alone misplace
 * the first frames; presentation times do not. The smallest (arrival − pts) over the
 * observation is the live edge: frames that arrived as soon as they were sent. A frame's live
 * time is its pts plus that offset — an upper bound on when it left the IUT by the reader's own
 * latency (the allowance runtime checks state).
 */
export function liveTimes(frames: RgbFrame[]): number[] {
  const offset = liveOffset(frames);
  if (offset === null) return frames.map((f) => f.receivedAt);
  return frames.map((f) => (Number.isFinite(f.ptsMs) ? f.ptsMs + offset : f.receivedAt));
}

/** Frames whose live time is in [from, to). */
export function framesBetween(frames: RgbFrame[], from: number, to: number): RgbFrame[] {
  const at = liveTimes(frames);
  return frames.filter((_, i) => at[i]! >= from && at[i]! < to);
}

/** Picture checks judge every decoded frame of the window, sampled this often (stream time),
 *  so a fault present only part of the time is caught. */
export const PICTURE_FRAMES_EVERY_MS = 250;
/** The observation of a check that judges only the picture (every frame, one per
 *  PICTURE_FRAMES_EVERY_MS): ten frames over 2.5 s. A fault present part of the time still
 *  shows (the mirror-some-frames variant, flipped 40 % of each second, has about four wrong). */
export const PICTURE_OBSERVE_MS = 2_500;
/** The observation of a check that needs only the stream's headers and some packets (its
 *  url, its sample rate, that it flows). */
export const HEADERS_OBSERVE_MS = 2_000;

/** Pushes `attrs` and observes the picture only: PICTURE_OBSERVE_MS at PICTURE_FRAMES_EVERY_MS. */
export function pushForPicture(ctx: CheckContext, attrs: Record<string, unknown>): Promise<PushResult> {
  return pushAndObserve(ctx, attrs, { framesEveryMs: PICTURE_FRAMES_EVERY_MS, observeMs: PICTURE_OBSERVE_MS });
}

/** Least number of judged frames, and the least share of the window they must span. */
export const MIN_JUDGED_FRAMES = 5;
export const MIN_JUDGED_SPAN = 0.5;
/** The tolerance phrase for checks that judge frames this way. */
export const EVERY_FRAME_TOLERANCE = `every decoded frame (one per ${PICTURE_FRAMES_EVERY_MS} ms, at least ${MIN_JUDGED_FRAMES} spanning at least ${MIN_JUDGED_SPAN * 100} % of the window)`;

/**
 * Every frame must pass `problem` (which returns what is wrong with a frame, or null). Fails
 * when fewer than MIN_JUDGED_FRAMES frames spanning MIN_JUDGED_SPAN of `windowMs` were decoded,
 * or when any frame is wrong, naming how many and the first (attached as evidence).
 */
export async function expectEveryFrame(
  ctx: CheckContext,
  what: string,
  frames: RgbFrame[],
  windowMs: number,
  problem: (frame: RgbFrame) => string | null,
): Promise<void> {
  const pts = frames.map((f) => f.ptsMs).filter(Number.isFinite);
  const span = pts.length > 1 ? Math.max(...pts) - Math.min(...pts) : 0;
  if (frames.length < MIN_JUDGED_FRAMES || span < MIN_JUDGED_SPAN * windowMs) {
    throw new AssertionError({
      message: `${what}: ${frames.length} decoded frames spanning ${Math.round(span)} ms; at least ${MIN_JUDGED_FRAMES} spanning ${MIN_JUDGED_SPAN * windowMs} ms are needed to judge`,
    });
  }
  const wrong = frames.map((f, i) => ({ i, f, why: problem(f) })).filter((x) => x.why !== null);
  ctx.log(`${what}: ${frames.length - wrong.length} of ${frames.length} frames right`);
  if (wrong.length === 0) return;
  const first = wrong[0]!;
  await attachFrame(ctx, `first wrong frame (${what})`, first.f);
  const t0 = Math.min(...pts);
  throw new AssertionError({
    message: `${what}: ${wrong.length} of ${frames.length} judged frames wrong; first at +${Math.round(first.f.ptsMs - t0)} ms: ${first.why}`,
  });
}

/** Reads whatever the IUT publishes at its url (nothing, if nothing comes within startTimeoutMs:
 *  an empty observation), for checks where not publishing is a legal outcome. */
export async function observeWhateverArrives(
  ctx: CheckContext,
  opts: { durationMs: number; startTimeoutMs: number; framesEveryMs?: number | false; audio?: boolean },
): Promise<Observation> {
  const o = await observeStream(ctx.streamUrl, {
    durationMs: opts.durationMs,
    startTimeoutMs: opts.startTimeoutMs,
    frames: opts.framesEveryMs === false || opts.framesEveryMs === undefined ? false : { everyMs: opts.framesEveryMs },
    audio: opts.audio ?? false,
    workDir: ctx.workDir,
  });
  if (o.probeOutput) await ctx.attach('ffprobe output', 'application/json', o.probeOutput);
  ctx.log(o.firstPacketAtMs === null ? `nothing reached the server within ${opts.startTimeoutMs} ms` : `stream bytes ${Math.round(o.firstPacketAtMs)} ms after observing began`);
  return o;
}
