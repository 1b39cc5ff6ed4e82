// Frame rate and bitrate bounds, judged on the wall clock at the reader, never on the IUT's
// own timestamps: fps counts the synthetic camera's distinct frame counters per wall-clock
// second, the stream's clock must keep pace with the wall clock, and bitrates are bytes that
// arrived per wall-clock second (conformance/oracles/wire-clock.ts).
// Spec: live-pusher.zh.md 通用属性 fps (帧率，有效值为 1~30), min-bitrate (最小码率),
// max-bitrate (最大码率); context-api.md (bitrate stays within [min-bitrate, max-bitrate]).
import { check, type CheckContext } from '../../check.ts';
import type { Packet } from '../../oracles/packets.ts';
import { readFrameCounter } from '../../oracles/video.ts';
import { LIVE_SETTLE_MS, MIN_PAIR_SPAN_MS } from '../../oracles/wire-clock.ts';
import { expectAtLeast, expectAtMost, expectWithinRatio, fail } from '../support/expect.ts';
import { pushAndObserve, type PushResult } from '../support/scenario.ts';
import { sharedScenario } from '../support/shared.ts';
import { MAX_UNREADABLE_COUNTER_SHARE, measuredCounterRate, measuredDrift, measuredWireKbps, measuredWireWindows } from '../support/streams.ts';

const FPS_VALUES = [5, 15, 30];
const FPS_TOLERANCE = 0.1;
/** Stream time may run at most this much faster or slower than the wall clock of arrival. */
const MAX_CLOCK_DRIFT = 0.02;
/** Each push is read this long (the first LIVE_SETTLE_MS are the server's cached burst). */
const RATE_OBSERVE_MS = 5_000;
const BITRATE_WINDOW_MS = 1_000;
/** Whole windows needed: with the reference's 2 s GOP, at least one holds a keyframe. */
const MIN_BITRATE_WINDOWS = 3;
const MAX_BITRATE_SLACK = 0.15;
const MIN_BITRATE_SLACK = 0.15;
const MAX_BITRATE_VALUES = [300, 800, 1200];
/** The min-bitrate push: min close to max, so an encoder that targets quality on the nearly
 *  static pattern (and ignores min-bitrate) lands far below min. Also judged for max-bitrate. */
const MIN_BITRATE_PUSH = { min: 600, max: 800 };
/** min-bitrate of the other max-bitrate pushes (below every max judged). */
const LOW_MIN_BITRATE = 100;

const LIVE_NOTE = `judged on packets that arrived at least ${LIVE_SETTLE_MS} ms after the first (the server's cached-GOP burst on connect is left out)`;

/** Each packet's arrival (ms after the first), stream time, size and keyframe flag: the
 *  evidence every rate here is computed from. */
function arrivalsCsv(packets: readonly Packet[]): string {
  const first = Math.min(...packets.map((p) => p.arrivedAtMs ?? Number.POSITIVE_INFINITY));
  const rows = packets.map((p) => [p.stream, p.arrivedAtMs === undefined ? '' : Math.round(p.arrivedAtMs - first), p.dtsMs, p.size, p.keyframe ? 1 : 0].join(','));
  return ['stream,arrived_ms,dts_ms,size,keyframe', ...rows].join('\n');
}

function sharedPush(attrs: Record<string, unknown>, framesEveryMs: 'all' | false): (ctx: CheckContext) => Promise<PushResult> {
  return sharedScenario(
    (ctx) => pushAndObserve(ctx, attrs, { framesEveryMs, observeMs: RATE_OBSERVE_MS }),
    async (ctx, r, reused) => {
      if (reused) await ctx.attach('ffprobe output', 'application/json', r.observation.probeOutput);
      await ctx.attach('packet arrivals at the reader (csv)', 'text/csv', arrivalsCsv(r.observation.packets));
    },
  );
}

for (const fps of FPS_VALUES) {
  const push = sharedPush({ fps }, 'all');
  const requires = { attributes: ['fps'] };

  check(
    {
      id: `attributes/fps/${fps}`,
      area: 'attributes',
      feature: 'fps',
      story: String(fps),
      severity: 'critical',
      spec: 'live-pusher.zh.md 通用属性 fps (帧率，有效值为 1~30; default 15)',
      specRows: ['attribute:fps'],
      tolerance:
        `captured frames per wall-clock second (the median pace, over pairs ≥ ${MIN_PAIR_SPAN_MS} ms apart, at which new values of the synthetic camera's frame counter arrive at the reader) within ± ${FPS_TOLERANCE * 100} %; ` +
        `a repeated picture is no frame; counter unreadable in at most ${MAX_UNREADABLE_COUNTER_SHARE * 100} % of frames; ${LIVE_NOTE}`,
      requires: { ...requires, rig: ['synthetic-camera'] },
    },
    async (ctx) => {
      const { observation: o } = await push(ctx);
      const first = Math.min(...o.frames.map((f) => f.arrivedAtMs ?? Number.POSITIVE_INFINITY));
      const rows = o.frames.map((f) => [f.arrivedAtMs === undefined ? '' : Math.round(f.arrivedAtMs - first), f.ptsMs, readFrameCounter(f) ?? ''].join(','));
      await ctx.attach('decoded frame counters (csv)', 'text/csv', ['arrived_ms,pts_ms,counter', ...rows].join('\n'));
      const rate = measuredCounterRate(o);
      ctx.log(`${rate.distinct} distinct counters in ${rate.frames} live frames (${rate.unreadable} unreadable) over ${Math.round(rate.spanMs)} ms: ${rate.fps.toFixed(2)} captured fps`);
      expectWithinRatio('captured frames per wall-clock second (fps)', rate.fps, fps, FPS_TOLERANCE);
    },
  );

  check(
    {
      id: `attributes/fps/${fps}/stream-clock`,
      area: 'attributes',
      feature: 'fps',
      story: `${fps}: stream time keeps wall-clock pace`,
      severity: 'critical',
      spec: 'live-pusher.zh.md 通用属性 fps (帧率，有效值为 1~30): frames per second of real time, so the stream timestamps advance with the wall clock',
      specRows: ['attribute:fps'],
      tolerance: `median slope of video (and audio) timestamps over packet arrival time, over packet pairs ≥ ${MIN_PAIR_SPAN_MS} ms apart (a passing stall and catch-up bend few pairs), within 1 ± ${MAX_CLOCK_DRIFT * 100} %; ${LIVE_NOTE}`,
      requires,
    },
    async (ctx) => {
      const { observation: o } = await push(ctx);
      const kinds = o.streams.some((s) => s.type === 'audio') ? (['video', 'audio'] as const) : (['video'] as const);
      for (const kind of kinds) {
        const d = measuredDrift(o, kind);
        ctx.log(`${kind}: stream time runs ${(d.slope * 100).toFixed(2)} % of wall time over ${d.packets} live packets, ${Math.round(d.spanMs)} ms`);
        if (Math.abs(d.drift) > MAX_CLOCK_DRIFT) {
          fail(`${kind} timestamps advance ${(d.slope * 100).toFixed(1)} ms per 100 ms of arrival time over ${Math.round(d.spanMs)} ms (drift ${(d.drift * 100).toFixed(1)} %, allowed ± ${MAX_CLOCK_DRIFT * 100} %)`);
        }
      }
    },
  );
}

/** No wall-clock window of video above max-bitrate + slack, keyframe windows included (a window
 *  that delivered more than its second of stream, a backlog draining, paced by that stream
 *  time), and the wall-clock mean within it too (so a stream clock stretched to pace the windows
 *  down still fails). */
function expectWindowsWithinMax(ctx: CheckContext, r: PushResult, maxKbps: number): void {
  const windows = measuredWireWindows(r.observation, 'video', BITRATE_WINDOW_MS);
  ctx.log(`video per ${BITRATE_WINDOW_MS} ms window: ${windows.map((w) => `${Math.round(w.kbps)}${w.keyframe ? 'K' : ''}${w.pacedKbps < w.kbps ? ` (${Math.round(w.pacedKbps)} over ${Math.round(w.streamMs)} ms of stream)` : ''}`).join(', ')} kbps (K: keyframe window)`);
  if (windows.length < MIN_BITRATE_WINDOWS) fail(`only ${windows.length} whole ${BITRATE_WINDOW_MS} ms windows of live video; ${MIN_BITRATE_WINDOWS} are needed`);
  const worst = windows.reduce((a, b) => (b.pacedKbps > a.pacedKbps ? b : a));
  expectAtMost(`video received in the worst ${BITRATE_WINDOW_MS} ms window${worst.keyframe ? ' (with a keyframe)' : ''}${worst.pacedKbps < worst.kbps ? `, paced by the ${Math.round(worst.streamMs)} ms of stream it delivered` : ''} (kbps)`, worst.pacedKbps, maxKbps * (1 + MAX_BITRATE_SLACK));
  const mean = measuredWireKbps(r.observation, 'video');
  ctx.log(`video ${mean.toFixed(0)} kbps received live on the wall clock`);
  expectAtMost('video bytes received per wall-clock second over the live push (kbps)', mean, maxKbps * (1 + MAX_BITRATE_SLACK));
}

const maxTolerance =
  `video bytes received in consecutive wall-clock ${BITRATE_WINDOW_MS} ms windows (at least ${MIN_BITRATE_WINDOWS}): none above max-bitrate + ${MAX_BITRATE_SLACK * 100} %, ` +
  `keyframe windows included (the slack absorbs a frame or two crossing a window edge under load); a window that delivered more than ${BITRATE_WINDOW_MS} ms of stream (a backlog draining after a stall) is paced by that stream time, ` +
  `and the mean over the whole live push on the wall clock is held to the same bound; ${LIVE_NOTE}`;
const minBitratePush = sharedPush({ 'min-bitrate': MIN_BITRATE_PUSH.min, 'max-bitrate': MIN_BITRATE_PUSH.max }, false);

for (const max of MAX_BITRATE_VALUES) {
  const push = max === MIN_BITRATE_PUSH.max ? minBitratePush : sharedPush({ 'min-bitrate': LOW_MIN_BITRATE, 'max-bitrate': max }, false);
  const min = max === MIN_BITRATE_PUSH.max ? MIN_BITRATE_PUSH.min : LOW_MIN_BITRATE;
  check(
    {
      id: `attributes/max-bitrate/${max}`,
      area: 'attributes',
      feature: 'max-bitrate',
      story: `${max} (min ${min})`,
      severity: 'critical',
      spec: 'live-pusher.zh.md 通用属性 max-bitrate (最大码率; default 1000)',
      specRows: ['attribute:max-bitrate'],
      tolerance: maxTolerance,
      requires: { attributes: ['min-bitrate', 'max-bitrate'] },
    },
    async (ctx) => {
      expectWindowsWithinMax(ctx, await push(ctx), max);
    },
  );
}

check(
  {
    id: `attributes/min-bitrate/${MIN_BITRATE_PUSH.min}`,
    area: 'attributes',
    feature: 'min-bitrate',
    story: `${MIN_BITRATE_PUSH.min} (max ${MIN_BITRATE_PUSH.max})`,
    severity: 'critical',
    spec: 'live-pusher.zh.md 通用属性 min-bitrate (最小码率; default 200)',
    specRows: ['attribute:min-bitrate'],
    tolerance:
      `on an unimpaired link the mean video bytes received per wall-clock second stay within [min-bitrate − ${MIN_BITRATE_SLACK * 100} %, max-bitrate + ${MAX_BITRATE_SLACK * 100} %] ` +
      `(the synthetic pattern is nearly static, so only an encoder holding min-bitrate reaches it); ${LIVE_NOTE}`,
    requires: { attributes: ['min-bitrate', 'max-bitrate'] },
  },
  async (ctx) => {
    const { observation: o } = await minBitratePush(ctx);
    const kbps = measuredWireKbps(o, 'video');
    ctx.log(`video ${kbps.toFixed(0)} kbps received live`);
    expectAtLeast('video bytes received per second (kbps)', kbps, MIN_BITRATE_PUSH.min * (1 - MIN_BITRATE_SLACK));
    expectAtMost('video bytes received per second (kbps)', kbps, MIN_BITRATE_PUSH.max * (1 + MAX_BITRATE_SLACK));
  },
);
