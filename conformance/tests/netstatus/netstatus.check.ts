// Each netstatus field against what the server received. The IUT pushes on an unimpaired
// loopback link while the observer reads the stream back; the IUT's reports from the same
// window are compared with the measurement.
// Spec: live-pusher.zh.md 网络状态数据（info）; context-api.md netstatus.
import { check, type CheckContext } from '../../check.ts';
import type { IutEvent } from '../../iut-client.ts';
import type { Observation } from '../../oracles/observe.ts';
import { expectEqual, expectReportedWithin, expectReportedWithinRatio, expectTrue, fail } from '../support/expect.ts';
import { pushAndObserve } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';
import { measuredFps, measuredGop, measuredKbps, videoStream } from '../support/streams.ts';

const OBSERVE_MS = 8000;
/** Reports from this long after observing began are the steady state judged. */
const STEADY_AFTER_MS = 3000;
const BITRATE_TOLERANCE = 0.2;
const FPS_TOLERANCE = 0.1;
const GOP_TOLERANCE_S = 0.5;
/** On loopback with nothing impaired: the most a sane jitter figure can be. */
const UNIMPAIRED_JITTER_MAX = 200;
/** Frames queued at the sender on an unimpaired link: at most one second's worth. */
const UNIMPAIRED_CACHE_SECONDS = 1;
const AAC_FRAMES_PER_SECOND_48K = 47;

type Info = Record<string, number>;

interface Measured {
  o: Observation;
  /** Reports judged: the steady state inside the observation. */
  reports: Info[];
  /** Every report, with its time relative to the start of observing (evidence). */
  series: Array<Info & { at: number }>;
}

/** One push, observed once; every field check judges the same recording (support/shared.ts). */
const measure = sharedScenario(
  async (ctx: CheckContext): Promise<Measured> => {
    const r = await pushAndObserve(ctx, {}, { observeMs: OBSERVE_MS, framesEveryMs: false });
    // Reports from the steady state inside the observation: the first few seconds after start
    // are skipped (a GOP needs two keyframes to be measured at all), up to the end of reading.
    const all = ctx.iut.events('netstatus');
    const info = (e: IutEvent): Info => ((e.detail as { info?: Info })?.info ?? {}) as Info;
    const inWindow = all.filter((e: IutEvent) => e.receivedAt >= r.observedFrom + STEADY_AFTER_MS && e.receivedAt <= r.observedTo);
    const series = all.map((e) => ({ at: e.receivedAt - r.observedFrom, ...info(e) }));
    if (inWindow.length === 0) {
      await ctx.attach('netstatus series', 'application/json', JSON.stringify(series, null, 2));
      fail(`no netstatus report during the steady part of the ${OBSERVE_MS} ms observation (${all.length} in all)`);
    }
    return { o: r.observation, reports: inWindow.map(info), series };
  },
  async (ctx, m, reused) => {
    await ctx.attach('netstatus series', 'application/json', JSON.stringify(m.series, null, 2));
    if (reused) await ctx.attach('ffprobe output', 'application/json', m.o.probeOutput);
  },
);

function mean(reports: Info[], key: string): number {
  const values = reports.map((r) => r[key]);
  if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) fail(`${key}: not a finite number in every report (${JSON.stringify(values)})`);
  return (values as number[]).reduce((a, b) => a + b, 0) / values.length;
}

/** Every report's queued-frame count is a non-negative integer of at most `limit` frames. */
function expectCacheWithin(reports: Info[], key: 'videoCache' | 'audioCache', limit: number): void {
  for (const r of reports) {
    expectTrue(`${key} ${r[key]} is a non-negative integer`, Number.isInteger(r[key]) && r[key]! >= 0);
    expectTrue(`${key}: the IUT reported ${r[key]} frames queued, at most ${limit} expected on an unimpaired link`, r[key]! <= limit);
  }
}

interface FieldCase {
  key: string;
  meaning: string;
  tolerance: string;
  judge: (ctx: CheckContext, m: Measured) => void;
}

const FIELDS: FieldCase[] = [
  {
    key: 'videoBitrate',
    meaning: '当前视频编/码器输出的比特率，单位 kbps',
    tolerance: `mean of the reports within ± ${BITRATE_TOLERANCE * 100} % of the video bitrate measured at the server`,
    judge: (ctx, { o, reports }) => expectReportedWithinRatio('videoBitrate (kbps)', mean(reports, 'videoBitrate'), measuredKbps(o, 'video'), BITRATE_TOLERANCE),
  },
  {
    key: 'audioBitrate',
    meaning: '当前音频编/码器输出的比特率，单位 kbps',
    tolerance: `mean of the reports within ± ${BITRATE_TOLERANCE * 100} % of the audio bitrate measured at the server`,
    judge: (ctx, { o, reports }) => expectReportedWithinRatio('audioBitrate (kbps)', mean(reports, 'audioBitrate'), measuredKbps(o, 'audio'), BITRATE_TOLERANCE),
  },
  {
    key: 'videoFPS',
    meaning: '当前视频帧率',
    tolerance: `mean of the reports within ± ${FPS_TOLERANCE * 100} % of the frame rate from packet timestamps`,
    judge: (ctx, { o, reports }) => expectReportedWithinRatio('videoFPS', mean(reports, 'videoFPS'), measuredFps(o), FPS_TOLERANCE),
  },
  {
    key: 'videoGOP',
    meaning: '当前视频 GOP,也就是每两个关键帧(I帧)间隔时长，单位 s',
    tolerance: `mean of the reports within ± ${GOP_TOLERANCE_S} s of the keyframe interval at the server`,
    judge: (ctx, { o, reports }) => expectReportedWithin('videoGOP (s)', mean(reports, 'videoGOP'), measuredGop(o), GOP_TOLERANCE_S, ' s'),
  },
  {
    key: 'netSpeed',
    meaning: '当前的发送/接收速度',
    tolerance: `mean of the reports within ± ${BITRATE_TOLERANCE * 100} % of audio + video bitrate at the server (nothing is lost on loopback)`,
    judge: (ctx, { o, reports }) =>
      expectReportedWithinRatio('netSpeed (kbps)', mean(reports, 'netSpeed'), measuredKbps(o, 'video') + measuredKbps(o, 'audio'), BITRATE_TOLERANCE),
  },
  {
    key: 'netJitter',
    meaning: '网络抖动情况，抖动越大，网络越不稳定',
    tolerance: `every report a finite number in [0, ${UNIMPAIRED_JITTER_MAX}] on an unimpaired loopback link`,
    judge: (ctx, { reports }) => {
      mean(reports, 'netJitter');
      for (const r of reports) expectTrue(`netJitter ${r['netJitter']} in [0, ${UNIMPAIRED_JITTER_MAX}]`, r['netJitter']! >= 0 && r['netJitter']! <= UNIMPAIRED_JITTER_MAX);
    },
  },
  {
    key: 'netQualityLevel',
    meaning: '网络质量：0：未定义 1：最好 2：好 3：一般 4：差 5：很差 6：不可用',
    tolerance: 'every report 1 (best) or 2 (good) while the server receives the whole stream on an unimpaired link',
    judge: (ctx, { reports }) => {
      for (const r of reports) expectTrue(`netQualityLevel ${r['netQualityLevel']} is 1 or 2`, r['netQualityLevel'] === 1 || r['netQualityLevel'] === 2);
    },
  },
  {
    key: 'videoWidth',
    meaning: '视频画面的宽度',
    tolerance: 'every report equal to the decoded width',
    judge: (ctx, { o, reports }) => {
      const w = videoStream(o).width;
      for (const r of reports) expectEqual('videoWidth', r['videoWidth'], w);
    },
  },
  {
    key: 'videoHeight',
    meaning: '视频画面的高度',
    tolerance: 'every report equal to the decoded height',
    judge: (ctx, { o, reports }) => {
      const h = videoStream(o).height;
      for (const r of reports) expectEqual('videoHeight', r['videoHeight'], h);
    },
  },
  {
    key: 'videoCache',
    meaning: '主播端堆积的视频帧数',
    tolerance: `every report an integer in [0, ${UNIMPAIRED_CACHE_SECONDS} s of frames] while the server receives the stream in real time`,
    judge: (ctx, { o, reports }) => expectCacheWithin(reports, 'videoCache', Math.ceil(measuredFps(o) * UNIMPAIRED_CACHE_SECONDS)),
  },
  {
    key: 'audioCache',
    meaning: '主播端堆积的音频帧数',
    tolerance: `every report an integer in [0, ${UNIMPAIRED_CACHE_SECONDS} s of AAC frames (${AAC_FRAMES_PER_SECOND_48K})] on an unimpaired link`,
    judge: (ctx, { reports }) => expectCacheWithin(reports, 'audioCache', AAC_FRAMES_PER_SECOND_48K * UNIMPAIRED_CACHE_SECONDS),
  },
];

for (const f of FIELDS) {
  check(
    {
      id: `netstatus/${f.key}`,
      area: 'netstatus',
      feature: f.key,
      story: 'unimpaired loopback',
      severity: 'normal',
      spec: `live-pusher.zh.md 网络状态数据 ${f.key} (${f.meaning})`,
      specRows: [`netstatus:${f.key}`],
      tolerance: f.tolerance,
      requires: { events: ['netstatus'] },
    },
    async (ctx) => {
      const m = await measure(ctx);
      f.judge(ctx, m);
    },
  );
}
