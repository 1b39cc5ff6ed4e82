// Each netstatus field against what the server received, report by report, in several push
// configurations (size, fps, bitrate, audio rate, microphone off, a runtime update), so a
// netstatus that repeats the configuration or stops measuring fails where the stream differs.
// One push per configuration is shared by its field checks (support/shared.ts). A report
// speaks for the 2 s before the bench received it (IutEvent.receivedAt, never the IUT's own
// ts); the server's figures for that window come from packet live or arrival times
// (report-windows.ts).
// Spec: live-pusher.zh.md 网络状态数据（info）, bindnetstatus; context-api.md netstatus.
import { check, type CheckContext } from '../../check.ts';
import type { NetstatusKey } from '../../../spec/index.ts';
import type { IutEvent } from '../../iut-client.ts';
import type { Observation } from '../../oracles/observe.ts';
import { expectTrue, fail } from '../support/expect.ts';
import { pushAndObserve } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';
import { measuredGop, videoStream } from '../support/streams.ts';
import {
  arrivedPackets,
  caughtUpAtMs,
  figureBand,
  intervalsMs,
  liveOffsetMs,
  livePackets,
  unionBand,
  withinBand,
  type Band,
  type LivePacket,
  type WindowFigures,
} from './report-windows.ts';

const OBSERVE_MS = 12_000;
/** Reports received this long after observing began are judged (the reader has caught up). */
const STEADY_AFTER_MS = 3000;
/** The interval the bench judges reports over: the reference's (context-api.md: 2 s in the
 *  newer vendor docs); each report speaks for the 2 s before the bench received it. */
const REPORT_WINDOW_MS = 2000;
/** Each gap between reports received may differ from the interval by this much (event loop
 *  and pipe delays on a loaded 2-core machine; 1 s and 4 s cadences stay far outside). */
const INTERVAL_TOLERANCE_MS = 500;
/** The server-side window may end this far either side of the receive time (report computed
 *  before it was received, packets reach the server after they leave the encoder). */
const WINDOW_SLACK_MS = 300;
const WINDOW_STEP_MS = 50;
/** The reader has caught up with the live edge once a packet arrives this close to its live
 *  time; arrival-placed windows are used from then on. */
const CAUGHT_UP_MS = 200;
const BAND = { windowMs: REPORT_WINDOW_MS, slackMs: WINDOW_SLACK_MS, stepMs: WINDOW_STEP_MS };
/** Basis: the reference's reports came within 4 % of the server per report on a quiet machine;
 *  the rest is headroom for an encoder that stalls and bursts under load (one such report read
 *  24 % high against stream-time windows alone). Lies of x1.6 / x0.4 stay outside. */
const BITRATE_TOLERANCE = 0.2;
/** Bitrates are reported in whole kbps: a silent track's ~1.5 kbps reads 1 or 2. */
const BITRATE_RESOLUTION_KBPS = 1;
/** Basis: one frame in a 2 s window is 5 % at 10 fps; the reference came within 3.3 %. */
const FPS_TOLERANCE = 0.1;
/** Basis: a quarter of the reference's 2 s GOP; keyframe spacing is exact to a frame. */
const GOP_TOLERANCE_S = 0.5;
/** At least this many reports must fall in the judged part of each push. */
const MIN_JUDGED_REPORTS = 3;
/** On loopback with nothing impaired: the most a sane jitter figure can be. */
const UNIMPAIRED_JITTER_MAX = 200;
/** Frames queued at the sender on an unimpaired link: at most one second's worth. */
const UNIMPAIRED_CACHE_SECONDS = 1;
const AAC_FRAMES_PER_SECOND_48K = 47;
const UNIMPAIRED_NOTE =
  'on the unimpaired loopback link this range check alone cannot catch a constant figure; it is to be judged under the shaped uplink (network impairment) of a later issue';

type Info = Record<string, number>;

interface PushConfig {
  name: string;
  attrs: Record<string, unknown>;
  what: string;
  /** A runtime update this long after observing began: the truth moves, so a report that
   *  stopped measuring (or repeats the create attributes) departs from it. */
  update?: { afterMs: number; attrs: Record<string, unknown> };
}

/** After a runtime update, reports whose window reaches into this long after the update are
 *  not judged: the encoder restarts and its first GOP is under way. */
const UPDATE_SETTLE_MS = 2500;
/** Reports judged after the runtime update, at least. */
const MIN_JUDGED_AFTER_UPDATE = 2;
/** The push with a runtime update is observed this much longer (the reports it skips). */
const UPDATE_EXTRA_OBSERVE_MS = 4000;

/** Different size, fps, bitrate and audio each; none is what a naive echo of the attributes
 *  (defaults 360x640, 15 fps, max-bitrate 1000, 48 kHz microphone) would report for all. */
const CONFIGS: PushConfig[] = [
  { name: 'defaults', attrs: {}, what: 'attribute defaults: 360x640, 15 fps, 200-1000 kbps, microphone at 48 kHz' },
  { name: 'hd-20fps-16k', attrs: { mode: 'HD', fps: 20, 'audio-quality': 'low' }, what: 'mode HD (540x960, 600-1500 kbps), 20 fps, 16 kHz audio' },
  {
    name: 'hvga-mic-off-10-then-20fps',
    attrs: { 'video-width': 320, 'video-height': 480, fps: 10, 'min-bitrate': 150, 'max-bitrate': 400, 'enable-mic': false },
    what: '320x480, microphone off (silent audio track), 10 fps at 150-400 kbps, then updated at runtime to 20 fps at 150-800 kbps',
    update: { afterMs: 6000, attrs: { fps: 20, 'max-bitrate': 800 } },
  },
];

interface Judged {
  /** The event as received. */
  at: number;
  info: Info;
}

interface Measured {
  o: Observation;
  /** Packets at their live time (stream time + live-edge offset). */
  live: LivePacket[];
  /** Packets at their arrival time, and when the reader had caught up with the live edge. */
  arrived: LivePacket[];
  caughtUpAt: number;
  /** Reports judged field by field: received in the steady part, windows inside the stream. */
  reports: Judged[];
  /** Receive times of every report from start() to the end of observing. */
  receivedAt: number[];
  /** Every report, with its time relative to the start of observing (evidence). */
  series: Array<Info & { at: number }>;
}

function infoOf(e: IutEvent): Info {
  return ((e.detail as { info?: Info })?.info ?? {}) as Info;
}

function measureConfig(config: PushConfig): (ctx: CheckContext) => Promise<Measured> {
  return sharedScenario(
    async (ctx: CheckContext): Promise<Measured> => {
      ctx.log(`configuration ${config.name}: ${config.what}`);
      const update = config.update;
      const observeMs = OBSERVE_MS + (update ? UPDATE_EXTRA_OBSERVE_MS : 0);
      let updatedAt: number | null = null;
      const r = await pushAndObserve(ctx, config.attrs, {
        observeMs,
        framesEveryMs: false,
        during: async (from) => {
          if (!update) return;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, from + update.afterMs - Date.now())));
          updatedAt = Date.now();
          await ctx.iut.update(update.attrs);
          ctx.log(`runtime update ${JSON.stringify(update.attrs)} at +${updatedAt - from} ms`);
        },
      });
      const o = r.observation;
      const all = ctx.iut.events('netstatus').filter((e) => e.receivedAt >= r.startedAt && e.receivedAt <= r.observedTo);
      const series = all.map((e) => ({ at: e.receivedAt - r.observedFrom, ...infoOf(e) }));
      const offset = liveOffsetMs(o.packets);
      if (offset === null) fail('no packet read live from the server: no wall-clock times to place the report windows');
      const live = livePackets(o.packets, offset);
      const caughtUpAt = caughtUpAtMs(o.packets, offset, CAUGHT_UP_MS) ?? Infinity;
      const first = live[0]!.liveAtMs;
      const last = live[live.length - 1]!.liveAtMs;
      const windowFrom = (e: IutEvent): number => e.receivedAt - REPORT_WINDOW_MS - WINDOW_SLACK_MS;
      const windowTo = (e: IutEvent): number => e.receivedAt + WINDOW_SLACK_MS;
      const settling = (e: IutEvent): boolean => updatedAt !== null && windowTo(e) > updatedAt && windowFrom(e) < updatedAt + UPDATE_SETTLE_MS;
      const judged = all.filter((e) => e.receivedAt >= r.observedFrom + STEADY_AFTER_MS && windowFrom(e) >= first && windowTo(e) <= last && !settling(e));
      ctx.log(`stream live ${Math.round(first - r.observedFrom)}..${Math.round(last - r.observedFrom)} ms after observing began, reader caught up ${Math.round(caughtUpAt - r.observedFrom)} ms after; ${judged.length} of ${all.length} reports judged`);
      if (judged.length < MIN_JUDGED_REPORTS) {
        await ctx.attach('netstatus series', 'application/json', JSON.stringify(series, null, 2));
        fail(`${judged.length} netstatus reports received in the judged part of the ${observeMs} ms observation (${all.length} in all); at least ${MIN_JUDGED_REPORTS} expected at one per ${REPORT_WINDOW_MS} ms`);
      }
      if (updatedAt !== null) {
        const after = judged.filter((e) => windowFrom(e) >= updatedAt!).length;
        ctx.log(`${after} judged reports speak for the stream after the runtime update (their windows begin ${UPDATE_SETTLE_MS} ms or more after it)`);
        if (after < MIN_JUDGED_AFTER_UPDATE) {
          await ctx.attach('netstatus series', 'application/json', JSON.stringify(series, null, 2));
          fail(`${after} netstatus reports judged after the runtime update; at least ${MIN_JUDGED_AFTER_UPDATE} expected at one per ${REPORT_WINDOW_MS} ms`);
        }
      }
      return { o, live, arrived: arrivedPackets(o.packets), caughtUpAt, reports: judged.map((e) => ({ at: e.receivedAt, info: infoOf(e) })), receivedAt: all.map((e) => e.receivedAt), series };
    },
    async (ctx, m, reused) => {
      await ctx.attach('netstatus series', 'application/json', JSON.stringify(m.series, null, 2));
      if (reused) await ctx.attach('ffprobe output', 'application/json', m.o.probeOutput);
    },
  );
}

function value(r: Judged, key: string): number {
  const v = r.info[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${key}: the report received at ${r.at} has ${JSON.stringify(v)}, not a finite number`);
  return v;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Every report within ± ratio of the server's figure over its own window (a band of window
 *  ends ± WINDOW_SLACK_MS around its receive time, packets placed by live time or, once the
 *  reader caught up, by arrival). Failures list every report. */
function expectEachInWindow(
  ctx: CheckContext,
  m: Measured,
  key: string,
  unit: string,
  tolerance: { ratio: number; atLeast?: number },
  figure: (w: WindowFigures) => number,
): void {
  const bad: string[] = [];
  for (const r of m.reports) {
    const reported = value(r, key);
    const byLiveTime = figureBand(m.live, r.at, BAND, figure);
    const arrivalWindowClean = r.at - REPORT_WINDOW_MS - WINDOW_SLACK_MS >= m.caughtUpAt;
    const band: Band = arrivalWindowClean ? unionBand(byLiveTime, figureBand(m.arrived, r.at, BAND, figure)) : byLiveTime;
    const line = `received ${r.at - m.reports[0]!.at} ms after the first judged: the IUT reported ${round(reported)}${unit}, the server received ${round(band.min)}-${round(band.max)}${unit}`;
    ctx.log(`${key}: ${line}`);
    if (!withinBand(reported, band, tolerance.ratio, tolerance.atLeast)) bad.push(line);
  }
  if (bad.length > 0) {
    const allowed = `± ${Math.round(tolerance.ratio * 100)} %${tolerance.atLeast ? ` (at least ± ${tolerance.atLeast}${unit})` : ''}`;
    fail(`${key}: ${bad.length} of ${m.reports.length} reports outside ${allowed} of the server's figure over the ${REPORT_WINDOW_MS} ms before receipt (window end ± ${WINDOW_SLACK_MS} ms, by live time or arrival): ${bad.join('; ')}`);
  }
}

/** Every report's queued-frame count is a non-negative integer of at most `limit` frames. */
function expectCacheWithin(ctx: CheckContext, m: Measured, key: 'videoCache' | 'audioCache', limit: number): void {
  ctx.log(`${key}: ${UNIMPAIRED_NOTE}`);
  for (const r of m.reports) {
    const v = value(r, key);
    expectTrue(`${key} ${v} is a non-negative integer`, Number.isInteger(v) && v >= 0);
    expectTrue(`${key}: the IUT reported ${v} frames queued, at most ${limit} expected on an unimpaired link`, v <= limit);
  }
}

interface FieldCase {
  key: NetstatusKey;
  meaning: string;
  tolerance: string;
  judge: (ctx: CheckContext, m: Measured) => void;
}

const BITRATE = { ratio: BITRATE_TOLERANCE, atLeast: BITRATE_RESOLUTION_KBPS };
const BITRATE_WORDS = `± ${BITRATE_TOLERANCE * 100} % (at least ± ${BITRATE_RESOLUTION_KBPS} kbps, the reporting unit)`;
const BITRATE_BASIS = 'basis: the reference came within 4 % per report on a quiet machine, the rest is headroom for an encoder that stalls and bursts under load';
const WINDOW_WORDS = `over the ${REPORT_WINDOW_MS} ms before the bench received it (window end ± ${WINDOW_SLACK_MS} ms; packets placed by live time or by arrival)`;

const FIELDS: FieldCase[] = [
  {
    key: 'videoBitrate',
    meaning: '当前视频编/码器输出的比特率，单位 kbps',
    tolerance: `every report within ${BITRATE_WORDS} of the video bitrate the server received ${WINDOW_WORDS}; ${BITRATE_BASIS}`,
    judge: (ctx, m) => expectEachInWindow(ctx, m, 'videoBitrate', ' kbps', BITRATE, (w) => w.videoKbps),
  },
  {
    key: 'audioBitrate',
    meaning: '当前音频编/码器输出的比特率，单位 kbps',
    tolerance: `every report within ${BITRATE_WORDS} of the audio bitrate the server received ${WINDOW_WORDS}; ${BITRATE_BASIS}`,
    judge: (ctx, m) => expectEachInWindow(ctx, m, 'audioBitrate', ' kbps', BITRATE, (w) => w.audioKbps),
  },
  {
    key: 'videoFPS',
    meaning: '当前视频帧率',
    tolerance: `every report within ± ${FPS_TOLERANCE * 100} % of the video frames per second the server received ${WINDOW_WORDS}; basis: one frame in a 2 s window is 5 % at 10 fps, the reference came within 3.3 %`,
    judge: (ctx, m) => expectEachInWindow(ctx, m, 'videoFPS', ' fps', { ratio: FPS_TOLERANCE }, (w) => w.fps),
  },
  {
    key: 'videoGOP',
    meaning: '当前视频 GOP,也就是每两个关键帧(I帧)间隔时长，单位 s',
    tolerance: `every report within ± ${GOP_TOLERANCE_S} s of the mean keyframe interval at the server; basis: a quarter of a 2 s GOP, keyframe spacing is exact to a frame`,
    judge: (ctx, m) => {
      const gop = measuredGop(m.o);
      const bad = m.reports.map((r) => value(r, 'videoGOP')).filter((v) => Math.abs(v - gop) > GOP_TOLERANCE_S);
      expectTrue(`videoGOP: the IUT reported ${JSON.stringify(bad)} s, the server measured ${round(gop)} s; allowed ± ${GOP_TOLERANCE_S} s for every report`, bad.length === 0);
    },
  },
  {
    key: 'netSpeed',
    meaning: '当前的发送/接收速度',
    tolerance: `every report within ${BITRATE_WORDS} of audio + video bitrate the server received ${WINDOW_WORDS} (nothing is lost on loopback); ${BITRATE_BASIS}`,
    judge: (ctx, m) => expectEachInWindow(ctx, m, 'netSpeed', ' kbps', BITRATE, (w) => w.totalKbps),
  },
  {
    key: 'netJitter',
    meaning: '网络抖动情况，抖动越大，网络越不稳定',
    tolerance: `every report a finite number in [0, ${UNIMPAIRED_JITTER_MAX}] on an unimpaired loopback link; ${UNIMPAIRED_NOTE}`,
    judge: (ctx, m) => {
      ctx.log(`netJitter: ${UNIMPAIRED_NOTE}`);
      for (const r of m.reports) {
        const v = value(r, 'netJitter');
        expectTrue(`netJitter: the IUT reported ${v}, at most ${UNIMPAIRED_JITTER_MAX} expected (and not below 0) on an unimpaired link`, v >= 0 && v <= UNIMPAIRED_JITTER_MAX);
      }
    },
  },
  {
    key: 'netQualityLevel',
    meaning: '网络质量：0：未定义 1：最好 2：好 3：一般 4：差 5：很差 6：不可用',
    tolerance: `every report 1 (best) or 2 (good) while the server receives the whole stream on an unimpaired link; ${UNIMPAIRED_NOTE}`,
    judge: (ctx, m) => {
      ctx.log(`netQualityLevel: ${UNIMPAIRED_NOTE}`);
      for (const r of m.reports) {
        const v = value(r, 'netQualityLevel');
        expectTrue(`netQualityLevel: the IUT reported ${v}, 1 or 2 expected while the server receives the whole stream`, v === 1 || v === 2);
      }
    },
  },
  {
    key: 'videoWidth',
    meaning: '视频画面的宽度',
    tolerance: 'every report equal to the width the server decodes (exact: the size is in the stream\'s SPS)',
    judge: (ctx, m) => {
      const w = videoStream(m.o).width;
      const bad = m.reports.map((r) => value(r, 'videoWidth')).filter((v) => v !== w);
      expectTrue(`videoWidth: the IUT reported ${JSON.stringify(bad)}, the server decodes ${w}`, bad.length === 0);
    },
  },
  {
    key: 'videoHeight',
    meaning: '视频画面的高度',
    tolerance: 'every report equal to the height the server decodes (exact: the size is in the stream\'s SPS)',
    judge: (ctx, m) => {
      const h = videoStream(m.o).height;
      const bad = m.reports.map((r) => value(r, 'videoHeight')).filter((v) => v !== h);
      expectTrue(`videoHeight: the IUT reported ${JSON.stringify(bad)}, the server decodes ${h}`, bad.length === 0);
    },
  },
  {
    key: 'videoCache',
    meaning: '主播端堆积的视频帧数',
    tolerance: `every report an integer in [0, ${UNIMPAIRED_CACHE_SECONDS} s of the received fps in frames] while the server receives the stream in real time; ${UNIMPAIRED_NOTE}`,
    judge: (ctx, m) => expectCacheWithin(ctx, m, 'videoCache', Math.ceil(receivedFps(m) * UNIMPAIRED_CACHE_SECONDS)),
  },
  {
    key: 'audioCache',
    meaning: '主播端堆积的音频帧数',
    tolerance: `every report an integer in [0, ${UNIMPAIRED_CACHE_SECONDS} s of AAC frames (${AAC_FRAMES_PER_SECOND_48K})] on an unimpaired link; ${UNIMPAIRED_NOTE}`,
    judge: (ctx, m) => expectCacheWithin(ctx, m, 'audioCache', AAC_FRAMES_PER_SECOND_48K * UNIMPAIRED_CACHE_SECONDS),
  },
];

/** Frames per second the server received over the whole observation (the cache bound). */
function receivedFps(m: Measured): number {
  const video = m.live.filter((p) => p.stream === 'video');
  const span = video[video.length - 1]!.liveAtMs - video[0]!.liveAtMs;
  return span > 0 ? ((video.length - 1) * 1000) / span : 0;
}

for (const config of CONFIGS) {
  const measure = measureConfig(config);
  const requires = { events: ['netstatus'], attributes: [...new Set([...Object.keys(config.attrs), ...Object.keys(config.update?.attrs ?? {})])] };
  for (const f of FIELDS) {
    check(
      {
        id: `netstatus/${f.key}/${config.name}`,
        area: 'netstatus',
        feature: f.key,
        story: config.what,
        severity: 'normal',
        spec: `live-pusher.zh.md 网络状态数据 ${f.key} (${f.meaning})`,
        specRows: [`netstatus:${f.key}`],
        tolerance: f.tolerance,
        requires,
      },
      async (ctx) => {
        const m = await measure(ctx);
        f.judge(ctx, m);
      },
    );
  }
  check(
    {
      id: `netstatus/interval/${config.name}`,
      area: 'netstatus',
      feature: 'interval',
      story: config.what,
      severity: 'normal',
      spec: 'live-pusher.zh.md bindnetstatus (网络状态通知); context-api.md netstatus (interval 1 s or 2 s in the vendor docs; the bench judges each report over 2 s)',
      specRows: ['event:netstatus'],
      tolerance: `every gap between reports, timed by the bench's receive time, ${REPORT_WINDOW_MS} ± ${INTERVAL_TOLERANCE_MS} ms (the reference's gaps were within ± 5 ms; the rest is headroom for event-loop and pipe delays under load)`,
      requires,
    },
    async (ctx) => {
      const m = await measure(ctx);
      const gaps = intervalsMs(m.receivedAt);
      ctx.log(`gaps between reports (bench receive time): ${gaps.join(', ')} ms`);
      const bad = gaps.filter((g) => Math.abs(g - REPORT_WINDOW_MS) > INTERVAL_TOLERANCE_MS);
      expectTrue(
        `netstatus interval: ${bad.length} of ${gaps.length} gaps between reports outside ${REPORT_WINDOW_MS} ± ${INTERVAL_TOLERANCE_MS} ms (${bad.join(', ')} ms)`,
        bad.length === 0,
      );
    },
  );
}
