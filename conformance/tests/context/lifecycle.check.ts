// LivePusherContext lifecycle: start, stop, pause, resume and dispose, judged by behaviour at
// the server (switchCamera is in camera.check.ts). stop and dispose: the log of a well-behaved
// fault server (publish and unpublish commands, media, every connection with its open and close
// times). pause and resume: the decoded picture (the synthetic pattern's frame counter), the
// video packets and the decoded audio of the stream at the embedded server.
// Spec: context-api.md LivePusherContext (start, stop, pause/resume: "while paused the stream
// carries the waiting-image (or last frame)"); context-api.md "Status codes" (3 retries, 3 s
// apart: the retry slots a stopped pusher must stay quiet through); README "The driver
// protocol" (dispose: the component goes away).
import { check, type CheckContext } from '../../check.ts';
import { FaultServer } from '../../../adapters/server/fault-server.ts';
import { decodeMessage } from '../../../protocol/rtmp/messages.ts';
import { CommandName } from '../../../protocol/rtmp/commands.ts';
import type { RgbFrame } from '../../oracles/frame.ts';
import { DEFAULT_SILENCE_THRESHOLD_DBFS } from '../../oracles/audio.ts';
import { counterDelta, identifyPattern, isBlack, readFrameCounter } from '../../oracles/video.ts';
import { expectAtLeast, expectAtMost, expectEqual, expectEventually, expectTrue, fail } from '../support/expect.ts';
import { attachFrame, embeddedServer, liveTimes, pushAndObserve, PUBLISH_TIMEOUT_MS } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';
import { RETRY_INTERVAL_MS, RETRY_SPACING_TOLERANCE_MS } from '../support/codes.ts';
import { AUDIO_SLICE_MS, audioDbfsBetween, largestVideoGapMs, medianAudioDbfs } from '../support/windows.ts';

/** Time allowed for a change to show at the reader (1 s to take effect + reader latency). */
const SETTLE_MS = 1500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** How long the stop reply may precede the unpublish (or the connection's close) at the server. */
const UNPUBLISH_WAIT_MS = 5000;
/** A stopped pusher stays quiet through two retry slots (vendor: 3 s apart, ± the retry tolerance). */
const NO_REPUBLISH_MS = 2 * (RETRY_INTERVAL_MS + RETRY_SPACING_TOLERANCE_MS);
/** Media already on the wire when the unpublish left may still land this long after it. */
const MEDIA_DRAIN_MS = 500;
/** Media flows this long before stop / dispose, so there is a publish to end. */
const PUSH_BEFORE_MS = 1000;
/** The server sees the connection close within this of the dispose reply. */
const DISPOSE_CLOSE_MS = 2000;
const UNPUBLISH_COMMANDS: ReadonlySet<string> = new Set([CommandName.FcUnpublish, CommandName.DeleteStream]);

interface ServerLog {
  /** Wall time of every audio/video message received. */
  media: number[];
  /** First FCUnpublish or deleteStream received. */
  unpublishAt: number | undefined;
}

/** A well-behaved publish server, logging what the IUT does on it. */
async function loggingServer(): Promise<{ server: FaultServer; log: ServerLog }> {
  const server = await FaultServer.start({ kind: 'accept' });
  const log: ServerLog = { media: [], unpublishAt: undefined };
  server.on('media', () => log.media.push(Date.now()));
  server.on('message', (msg) => {
    const m = decodeMessage(msg);
    if (m.kind === 'command' && UNPUBLISH_COMMANDS.has(m.command.name)) log.unpublishAt ??= Date.now();
  });
  return { server, log };
}

async function startPushing(ctx: CheckContext, server: FaultServer, log: ServerLog): Promise<void> {
  await ctx.iut.create({ url: server.url('live', ctx.streamName) }, ctx.rig);
  await ctx.iut.call('start');
  await expectEventually('the server saw the publish and its media', () => server.stats.publishes > 0 && log.media.length > 0, PUBLISH_TIMEOUT_MS);
  await sleep(PUSH_BEFORE_MS);
}

check(
  {
    id: 'context/stop',
    area: 'context',
    feature: 'stop',
    story: 'unpublishes and stays down',
    severity: 'critical',
    spec: 'context-api.md LivePusherContext.stop (stop pushing and the preview); context-api.md "Status codes" (retries 3 s apart: a stopped pusher must not come back in a retry slot)',
    specRows: ['method:stop'],
    tolerance:
      `within ${UNPUBLISH_WAIT_MS / 1000} s of the stop reply the server sees FCUnpublish/deleteStream or the connection close; ` +
      `then for ${NO_REPUBLISH_MS / 1000} s (two retry slots) no new connection, no publish, and no media later than ${MEDIA_DRAIN_MS} ms after the unpublish`,
    requires: { methods: ['start', 'stop'] },
  },
  async (ctx) => {
    const { server, log } = await loggingServer();
    try {
      await startPushing(ctx, server, log);
      const connectionsBefore = server.stats.connections;
      const publishesBefore = server.stats.publishes;
      await ctx.iut.call('stop');
      const stoppedAt = Date.now();
      const endedAt = () => Math.min(log.unpublishAt ?? Infinity, ...server.attempts().map((a) => a.closedAt ?? Infinity));
      await expectEventually('the server saw the publish end (FCUnpublish/deleteStream or the connection closed) after stop', () => Number.isFinite(endedAt()), UNPUBLISH_WAIT_MS);
      const unpublishedAt = endedAt();
      ctx.log(`stop replied; the publish ended at the server ${unpublishedAt - stoppedAt} ms later`);
      await sleep(NO_REPUBLISH_MS);
      const late = log.media.filter((t) => t > unpublishedAt + MEDIA_DRAIN_MS);
      const rel = (t: number | undefined) => (t === undefined ? null : t - stoppedAt);
      ctx.log(`connections (ms after stop): ${JSON.stringify(server.attempts().map((a) => ({ opened: rel(a.openedAt), published: rel(a.publishedAt), closed: rel(a.closedAt) })))}`);
      expectEqual(`new connections in the ${NO_REPUBLISH_MS} ms after the unpublish`, server.stats.connections - connectionsBefore, 0);
      expectEqual(`new publishes in the ${NO_REPUBLISH_MS} ms after the unpublish`, server.stats.publishes - publishesBefore, 0);
      expectEqual(`media messages later than ${MEDIA_DRAIN_MS} ms after the unpublish`, late.length, 0);
    } finally {
      await server.close();
    }
  },
);

check(
  {
    id: 'context/dispose',
    area: 'context',
    feature: 'dispose',
    story: 'closes the connection',
    severity: 'critical',
    spec: 'README "The driver protocol" (dispose: the component is destroyed); context-api.md LivePusherContext.stop (pushing ends with the component)',
    tolerance: `the server sees the publishing connection closed within ${DISPOSE_CLOSE_MS} ms of the dispose reply (while the driver may still run)`,
    requires: { methods: ['start'] },
  },
  async (ctx) => {
    const { server, log } = await loggingServer();
    try {
      await startPushing(ctx, server, log);
      await ctx.iut.request('dispose');
      const repliedAt = Date.now();
      const open = () => server.attempts().filter((a) => a.closedAt === undefined).map((a) => a.index);
      await expectEventually(`the server saw every connection closed after the dispose reply (still open: ${JSON.stringify(open())})`, () => open().length === 0, DISPOSE_CLOSE_MS);
      const closedAt = Math.max(...server.attempts().map((a) => a.closedAt ?? repliedAt));
      ctx.log(`dispose replied; the last connection closed ${closedAt - repliedAt} ms later`);
    } finally {
      await server.close();
    }
  },
);

const PAUSE_AT_MS = 2000;
const RESUME_AT_MS = 6000;
const PAUSE_OBSERVE_MS = 9500;
const FRAME_EVERY_MS = 250;
/** While paused, consecutive video packets (stream time) are at most this far apart: the stream goes on. */
const PAUSED_MAX_PACKET_GAP_MS = 1000;
/** A window with the synthetic tone (700 ms on / 300 ms off, -12 dBFS peak) is louder than this. */
const TONE_PRESENT_DBFS = -40;
/**
 * How much older than the newest frame the reader saw before pause the still may be. "The last
 * frame" is the picture the pusher held when it paused; a pusher keeps it from a preview or tap
 * that lags the encoder a little, and the reader samples frames every FRAME_EVERY_MS. A frame
 * from seconds earlier (a cached keyframe) is not the last frame.
 */
const STILL_MAX_AGE_MS = 1000;

function counters(frames: RgbFrame[]): (number | null)[] {
  return frames.map((f) => readFrameCounter(f, identifyPattern(f).transform ?? 'identity'));
}

/** The counter moves between the first and last frame of the window (the picture is live). */
function advancing(frames: RgbFrame[]): boolean {
  const c = counters(frames).filter((x): x is number => x !== null);
  return c.length >= 2 && c[c.length - 1] !== c[0];
}

/** The last readable counter of a window, its live time, and the counter's pace (steps per ms) over the window. */
function counterPace(w: PauseWindow): { last: number; at: number; perMs: number } | null {
  const readable = counters(w.frames)
    .map((c, i) => ({ c, at: w.times[i]! }))
    .filter((x): x is { c: number; at: number } => x.c !== null);
  if (readable.length < 2) return null;
  const first = readable[0]!;
  const last = readable[readable.length - 1]!;
  if (last.at <= first.at) return null;
  return { last: last.c, at: last.at, perMs: counterDelta(first.c, last.c) / (last.at - first.at) };
}

interface PauseWindow {
  frames: RgbFrame[];
  /** Live time (wall clock) of each frame. */
  times: number[];
  /** Median RMS (dBFS) of the window's audio slices; null when none was decoded. */
  audioDbfs: number | null;
  video: { gapMs: number; packets: number };
}

interface PauseRun {
  pausedAt: number;
  before: PauseWindow;
  paused: PauseWindow;
  after: PauseWindow;
  unpublished: boolean;
  timeline: string;
}

async function runPause(ctx: CheckContext): Promise<PauseRun> {
  const embedded = embeddedServer(ctx);
  let unpublished = false;
  const onUnpublish = (e: { streamPath: string }) => {
    if (e.streamPath === `/live/${ctx.streamName}`) unpublished = true;
  };
  embedded.on('unpublish', onUnpublish);
  let pausedAt = 0;
  let resumedAt = 0;
  try {
    const { observation: o, observedFrom, observedTo } = await pushAndObserve(ctx, {}, {
      observeMs: PAUSE_OBSERVE_MS,
      framesEveryMs: FRAME_EVERY_MS,
      audio: true,
      during: async (from) => {
        await sleep(PAUSE_AT_MS - (Date.now() - from));
        pausedAt = Date.now();
        await ctx.iut.call('pause');
        await sleep(RESUME_AT_MS - (Date.now() - from));
        resumedAt = Date.now();
        await ctx.iut.call('resume');
      },
    });
    const live = liveTimes(o.frames);
    const inWindow = (from: number, to: number) => o.frames.map((_, i) => i).filter((i) => live[i]! >= from && live[i]! < to);
    const window = (from: number, to: number): PauseWindow => ({
      frames: inWindow(from, to).map((i) => o.frames[i]!),
      times: inWindow(from, to).map((i) => live[i]!),
      audioDbfs: medianAudioDbfs(o, from, to),
      video: largestVideoGapMs(o, from, to),
    });
    const audioLevels: { at: number; dbfs: number | null }[] = [];
    for (let at = observedFrom; at + AUDIO_SLICE_MS <= observedTo; at += AUDIO_SLICE_MS) {
      audioLevels.push({ at: at - pausedAt, dbfs: audioDbfsBetween(o, at, at + AUDIO_SLICE_MS) });
    }
    const timeline = JSON.stringify(
      {
        resumedAt: resumedAt - pausedAt,
        frames: live.map((at, i) => ({ at: at - pausedAt, counter: counters([o.frames[i]!])[0], i })),
        audioLevels,
      },
      null,
      2,
    );
    return {
      pausedAt,
      before: window(observedFrom, pausedAt),
      paused: window(pausedAt + SETTLE_MS, resumedAt),
      after: window(resumedAt + SETTLE_MS, observedTo),
      unpublished,
      timeline,
    };
  } finally {
    embedded.off('unpublish', onUnpublish);
  }
}

const middle = (frames: RgbFrame[]) => frames[Math.floor(frames.length / 2)];

/** One pause/resume push, judged by context/pause and context/resume. */
const pauseScenario = sharedScenario(runPause, async (ctx, r) => {
  await ctx.attach('frame counters and audio levels (ms after pause)', 'application/json', r.timeline);
  const summary = (w: PauseWindow) => ({ frames: w.frames.length, counters: counters(w.frames), audioDbfs: w.audioDbfs, video: w.video });
  await ctx.attach('windows before / paused / after: counters, audio RMS (dBFS), largest video packet gap', 'application/json', JSON.stringify({ before: summary(r.before), paused: summary(r.paused), after: summary(r.after) }, null, 2));
  await attachFrame(ctx, 'frame while paused', middle(r.paused.frames));
  await attachFrame(ctx, 'frame after resume', middle(r.after.frames));
});

function expectTone(what: string, dbfs: number | null): void {
  if (dbfs === null) fail(`${what}: no ${AUDIO_SLICE_MS} ms of audio decoded to judge`);
  expectAtLeast(`${what}: median audio level of ${AUDIO_SLICE_MS} ms slices (the synthetic tone is on)`, dbfs, TONE_PRESENT_DBFS, ' dBFS');
}

check(
  {
    id: 'context/pause',
    area: 'context',
    feature: 'pause',
    story: 'still picture, silence, connection kept',
    severity: 'critical',
    spec: 'context-api.md pause / resume (while paused the stream carries the waiting-image (or last frame)); README "The reference pusher" (audio is silent while paused)',
    specRows: ['method:pause'],
    tolerance:
      `from ${SETTLE_MS} ms after pause until resume: every frame shows the camera's last picture (the front pattern, not black) with one and the same frame counter, ` +
      `at most ${STILL_MAX_AGE_MS} ms older than the last live frame and no newer than the camera's pace allows until ${SETTLE_MS} ms after the pause call; ` +
      `video packets keep coming (no gap over ${PAUSED_MAX_PACKET_GAP_MS} ms of stream time); the median level of its ${AUDIO_SLICE_MS} ms audio slices below ${DEFAULT_SILENCE_THRESHOLD_DBFS} dBFS (the tone above ${TONE_PRESENT_DBFS} dBFS before); the stream stays published`,
    requires: { methods: ['start', 'pause', 'resume'], rig: ['synthetic-camera', 'embedded-server'] },
  },
  async (ctx) => {
    const s = await pauseScenario(ctx);
    expectTrue('frames before pause', s.before.frames.length >= 2);
    expectTrue(`the picture is live before pause (counters ${JSON.stringify(counters(s.before.frames))})`, advancing(s.before.frames));
    expectTone('before pause', s.before.audioDbfs);
    expectTrue('frames while paused', s.paused.frames.length >= 2);
    expectTrue('no black frame while paused (the last frame, not a blank)', !s.paused.frames.some((f) => isBlack(f)));
    const cameras = s.paused.frames.map((f) => identifyPattern(f).camera);
    expectTrue(`every paused frame shows the camera's last picture (patterns ${JSON.stringify(cameras)})`, cameras.every((c) => c === 'front'));
    const c = counters(s.paused.frames);
    expectTrue(`one still picture while paused: every frame counter readable and equal (${JSON.stringify(c)})`, c.every((x) => x !== null && x === c[0]));
    const pace = counterPace(s.before);
    if (!pace) fail('too few readable frame counters before pause to know the last frame');
    const horizonMs = s.pausedAt + SETTLE_MS - pace.at;
    const newest = Math.ceil(pace.perMs * horizonMs) + 1;
    const oldest = Math.ceil(pace.perMs * STILL_MAX_AGE_MS) + 1;
    const ahead = counterDelta(pace.last, c[0]!);
    const behind = counterDelta(c[0]!, pace.last);
    expectTrue(
      `the still is the last frame: its counter ${c[0]} against the last live one ${pace.last}: ` +
        (ahead <= behind ? `${ahead} frames after it, at most ${newest} allowed (the camera's pace over the ${Math.round(horizonMs)} ms until the pause must have shown)` : `${behind} frames before it, at most ${oldest} allowed (${STILL_MAX_AGE_MS} ms at the camera's pace)`),
      ahead <= behind ? ahead <= newest : behind <= oldest,
    );
    expectAtMost('largest gap between video packets while paused (stream time)', s.paused.video.gapMs, PAUSED_MAX_PACKET_GAP_MS, ' ms');
    if (s.paused.audioDbfs === null) fail(`no ${AUDIO_SLICE_MS} ms of audio decoded while paused to judge`);
    expectAtMost(`median audio level of ${AUDIO_SLICE_MS} ms slices while paused (silence)`, s.paused.audioDbfs, DEFAULT_SILENCE_THRESHOLD_DBFS, ' dBFS');
    expectTrue('still published while paused', !s.unpublished);
  },
);

check(
  {
    id: 'context/resume',
    area: 'context',
    feature: 'resume',
    story: 'live picture and sound again',
    severity: 'critical',
    spec: 'context-api.md pause / resume',
    specRows: ['method:resume'],
    tolerance: `from ${SETTLE_MS} ms after resume the front camera pattern is back, its frame counter moves, and the tone is back (median level of ${AUDIO_SLICE_MS} ms slices above ${TONE_PRESENT_DBFS} dBFS)`,
    requires: { methods: ['start', 'pause', 'resume'], rig: ['synthetic-camera', 'embedded-server'] },
  },
  async (ctx) => {
    const s = await pauseScenario(ctx);
    expectTrue('frames after resume', s.after.frames.length >= 2);
    expectEqual('camera after resume', identifyPattern(s.after.frames[s.after.frames.length - 1]!).camera, 'front');
    expectTrue(`the picture is live after resume (counters ${JSON.stringify(counters(s.after.frames))})`, advancing(s.after.frames));
    expectTone('after resume', s.after.audioDbfs);
    expectTrue('still published', !s.unpublished);
  },
);
