// Each netstatus field against what the server received, report by report, in several push
// configurations (size, fps, bitrate, audio rate, microphone off), so a netstatus that repeats
// the configuration instead of measuring fails where the stream differs from it. One push per
// configuration is shared by its field checks (support/shared.ts). A report speaks for the 2 s
// before the bench received it (IutEvent.receivedAt, never the IUT's own ts); the server's
// figures for that window come from packet live times (report-windows.ts).
// Spec: live-pusher.zh.md 网络状态数据（info）, bindnetstatus; context-api.md netstatus.
import { check, type CheckContext } from '../../check.ts';
import type { IutEvent } from '../../iut-client.ts';
import type { Observation } from '../../oracles/observe.ts';
import { expectTrue, fail } from '../support/expect.ts';
import { pushAndObserve } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';
import { measuredGop, videoStream } from '../support/streams.ts';
import { figureBand, intervalsMs, liveOffsetMs, livePackets, withinBand, type Band, type LivePacket, type WindowFigures } from './report-windows.ts';

const OBSERVE_MS = 10_000;
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
const BAND = { windowMs: REPORT_WINDOW_MS, slackMs: WINDOW_SLACK_MS, stepMs: WINDOW_STEP_MS };
const BITRATE_TOLERANCE = 0.2;
/** Bitrates are reported in whole kbps: a silent track's ~1.5 kbps reads 1 or 2. */
const BITRATE_RESOLUTION_KBPS = 1;
const FPS_TOLERANCE = 0.1;
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
}

/** Different size, fps, bitrate and audio each; none is what a naive echo of the attributes
 *  (defaults 360x640, 15 fps, max-bitrate 1000, 48 kHz microphone) would report for all. */
const CONFIGS: PushConfig[] = [
  { name: 'defaults', attrs: {}, what: 'attribute defaults: 360x640, 15 fps, 200-1000 kbps, microphone at 48 kHz' },
  { name: 'hd-20fps-16k', attrs: { mode: 'HD', fps: 20, 'audio-quality': 'low' }, what: 'mode HD (540x960, 600-1500 kbps), 20 fps, 16 kHz audio' },
  {
    name: 'hvga-10fps-mic-off',
    attrs: { 'video-width': 320, 'video-height': 480, fps: 10, 'min-bitrate': 150, 'max-bitrate': 400, 'enable-mic': false },
    what: '320x480, 10 fps, 150-400 kbps, microphone off (silent audio track)',
  },
];

interface Judged {
  /** The event as received. */
  at: number;
  info: Info;
}

interface Measured {
  o: Observation;
  live: LivePacket[];
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
      const r = await pushAndObserve(ctx, config.attrs, { observeMs: OBSERVE_MS, framesEveryMs: false });
      const o = r.observation;
      const all = ctx.iut.events('netstatus').filter((e) => e.receivedAt >= r.startedAt && e.receivedAt <= r.observedTo);
      const series = all.map((e) => ({ at: e.receivedAt - r.observedFrom, ...infoOf(e) }));
      const offset = liveOffsetMs(o.packets);
      if (offset === null) fail('no packet read live from the server: no wall-clock times to place the report windows');
      const live = livePackets(o.packets, offset);
      const first = live[0]!.liveAtMs;
      const last = live[live.length - 1]!.liveAtMs;
      const judged = all.filter(
        (e) => e.receivedAt >= r.observedFrom + STEADY_AFTER_MS && e.receivedAt - REPORT_WINDOW_MS - WINDOW_SLACK_MS >= first && e.receivedAt + WINDOW_SLACK_MS <= last,
      );
      ctx.log(`stream live ${Math.round(first - r.observedFrom)}..${Math.round(last - r.observedFrom)} ms after observing began; ${judged.length} of ${all.length} reports judged`);
      if (judged.length < MIN_JUDGED_REPORTS) {
        await ctx.attach('netstatus series', 'application/json', JSON.stringify(series, null, 2));
        fail(`${judged.length} netstatus reports received in the judged part of the ${OBSERVE_MS} ms observation (${all.length} in all); at least ${MIN_JUDGED_REPORTS} expected at one per ${REPORT_WINDOW_MS} ms`);
      }
      return { o, live, reports: judged.map((e) => ({ at: e.receivedAt, info: infoOf(e) })), receivedAt: all.map((e) => e.receivedAt), series };
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
 *  ends ± WINDOW_SLACK_MS around its receive time). Failures list every report. */
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
    const band: Band = figureBand(m.live, r.at, BAND, figure);
    const line = `received ${r.at - m.reports[0]!.at} ms after the first judged: the IUT reported ${round(reported)}${unit}, the server received ${round(band.min)}-${round(band.max)}${unit}`;
    ctx.log(`${key}: ${line}`);
    if (!withinBand(reported, band, tolerance.ratio, tolerance.atLeast)) bad.push(line);
  }
  if (bad.length > 0) {
    const allowed = `± ${Math.round(tolerance.ratio * 100)} %${tolerance.atLeast ? ` (at least ± ${tolerance.atLeast}${unit})` : ''}`;
    fail(`${key}: ${bad.length} of ${m.reports.length} reports outside ${allowed} of the server's figure over the ${REPORT_WINDOW_MS} ms before receipt (window end ± ${WINDOW_SLACK_MS} ms): ${bad.join('; ')}`);
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
  key: string;
  meaning: string;
  tolerance: string;
  judge: (ctx: CheckContext, m: Measured) => void;
}

const BITRATE = { ratio: BITRATE_TOLERANCE, atLeast: BITRATE_RESOLUTION_KBPS };
const BITRATE_WORDS = `± ${BITRATE_TOLERANCE * 100} % (at least ± ${BITRATE_RESOLUTION_KBPS} kbps, the reporting unit)`;
const WINDOW_WORDS = `over the ${REPORT_WINDOW_MS} ms before the bench received it (window end ± ${WINDOW_SLACK_MS} ms)`;

const FIELDS: FieldCase[] = [
  {
    key: 'videoBitrate',
    meaning: '当前视频编/码器输出的比特率，单位 kbps',
    tolerance: `every report within ${BITRATE_WORDS} of the video bitrate the server received ${WINDOW_WORDS}`,
    judge: (ctx, m) => expectEachInWindow(ctx, m, 'videoBitrate', ' kbps', BITRATE, (w) => w.videoKbps),
  },
  {
    key: 'audioBitrate',
    meaning: '当前音频编/码器输出的比特率，单位 kbps',
    tolerance: `every report within ${BITRATE_WORDS} of the audio bitrate the server received ${WINDOW_WORDS}`,
    judge: (ctx, m) => expectEachInWindow(ctx, m, 'audioBitrate', ' kbps', BITRATE, (w) => w.audioKbps),
  },
  {
    key: 'videoFPS',
    meaning: '当前视频帧率',
    tolerance: `every report within ± ${FPS_TOLERANCE * 100} % of the video frames per second the server received ${WINDOW_WORDS}`,
    judge: (ctx, m) => expectEachInWindow(ctx, m, 'videoFPS', ' fps', { ratio: FPS_TOLERANCE }, (w) => w.fps),
  },
  {
    key: 'videoGOP',
    meaning: '当前视频 GOP,也就是每两个关键帧(I帧)间隔时长，单位 s',
    tolerance: `every report within ± ${GOP_TOLERANCE_S} s of the mean keyframe interval at the server`,
    judge: (ctx, m) => {
      const gop = measuredGop(m.o);
      const bad = m.reports.map((r) => value(r, 'videoGOP')).filter((v) => Math.abs(v - gop) > GOP_TOLERANCE_S);
      expectTrue(`videoGOP: the IUT reported ${JSON.stringify(bad)} s, the server measured ${round(gop)} s; allowed ± ${GOP_TOLERANCE_S} s for every report`, bad.length === 0);
    },
  },
  {
    key: 'netSpeed',
    meaning: '当前的发送/接收速度',
    tolerance: `every report within ${BITRATE_WORDS} of audio + video bitrate the server received ${WINDOW_WORDS} (nothing is lost on loopback)`,
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
    tolerance: 'every report equal to the width the server decodes',
    judge: (ctx, m) => {
      const w = videoStream(m.o).width;
      const bad = m.reports.map((r) => value(r, 'videoWidth')).filter((v) => v !== w);
      expectTrue(`videoWidth: the IUT reported ${JSON.stringify(bad)}, the server decodes ${w}`, bad.length === 0);
    },
  },
  {
    key: 'videoHeight',
    meaning: '视频画面的高度',
    tolerance: 'every report equal to the height the server decodes',
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
  const requires = { events: ['netstatus'], attributes: Object.keys(config.attrs) };
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
      tolerance: `every gap between reports, timed by the bench's receive time, ${REPORT_WINDOW_MS} ± ${INTERVAL_TOLERANCE_MS} ms`,
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
