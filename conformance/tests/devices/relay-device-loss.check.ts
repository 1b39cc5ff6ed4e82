// Device loss through the serial relay (issue 11 "Serial lab gear"): mid-push the bench cuts the
// front camera's power with `POWER camera-front OFF` on the relay's serial line
// (adapters/serial/line-protocol.ts), then restores it. Nothing in the IUT's rig says a fault
// will come: the camera really goes away (a lab relay cuts a real or v4l2loopback camera; the
// simulated relay of rig/default.yaml cuts a camera with a power switch the check feeds,
// adapters/lab/relay-bench.ts). Judged as the device-fault checks judge it (devices.check.ts
// status-codes/1104): 1104 after the cut and not before, the push goes on at the same reader,
// and at the server the camera's picture stops while it has no power and comes back after.
// Spec: live-pusher.zh.md:139 状态码 1104 (推流：视频编码失败, 内部会重启编码器); context-api.md:39
// (1104 non-fatal).
import { check } from '../../check.ts';
import { relayBench, RelayUnusableError, type RelayBench } from '../../../adapters/lab/relay-bench.ts';
import { STATUS } from '../../../spec/codes.ts';
import { expectCodeSequence, withoutUplinkAdaptation } from '../support/codes.ts';
import { expectAtLeast, expectAtMost, expectTrue, fail } from '../support/expect.ts';
import type { RgbFrame } from '../../oracles/frame.ts';
import type { Packet } from '../../oracles/packets.ts';
import { attachFrame, pushAndObserve, statusCodes } from '../support/scenario.ts';
import { counters, expectContinuousTimestamps, videoPackets } from './device-support.ts';

/** The camera is cut this long after the reader started (the picture is established by then). */
const CUT_AFTER_MS = 3_000;
/** 1104 is due within this of the cut: the IUT notices its camera is gone (a few frame intervals of silence, on a loaded machine). */
const CODE_WAIT_MS = 8_000;
/** Frames still in flight when the power went: the pipeline's depth, ignored after the cut. */
const DRAIN_MS = 1_500;
/** The power stays off this long after 1104 (or after CODE_WAIT_MS without one). */
const OFF_HOLD_MS = 500;
/** After the power is back, video must reach the reader again within this. */
const RESUME_MS = 5_000;
/** Frames are judged this long after the resume was due. */
const AFTER_RESUME_MS = 3_000;
const OBSERVE_MS = CUT_AFTER_MS + CODE_WAIT_MS + OFF_HOLD_MS + RESUME_MS + AFTER_RESUME_MS;
const FRAMES_EVERY_MS = 250;
/** Least readable counter values after the resume. */
const MIN_COUNTERS = 3;
/** Least readable counter values before the cut (the rig works; the reader may join late on a loaded machine). */
const MIN_COUNTERS_BEFORE = 1;
/** A decoded frame's pts may differ from its packet's by the reader's rounding. */
const PTS_SLACK_MS = 2;

/**
 * Frames whose picture arrived at the reader in [from, to) of the wall clock: a decoded frame
 * (sampled on a grid of stream time) shows the last video packet at or before its presentation
 * time, and that packet's arrival is when the picture reached the reader. Arrival, not stream
 * time: an IUT whose stream time stood still while its camera was gone puts later pictures at
 * earlier timestamps, and the reader's copies that fill a gap belong to the picture before it.
 */
function arrivedBetween(frames: readonly RgbFrame[], video: readonly Packet[], from: number, to: number): RgbFrame[] {
  const byPts = [...video].sort((a, b) => a.ptsMs - b.ptsMs);
  const arrival = (f: RgbFrame): number | undefined => {
    let shown: Packet | undefined;
    for (const p of byPts) {
      if (p.ptsMs > f.ptsMs + PTS_SLACK_MS) break;
      shown = p;
    }
    return shown?.arrivedAtMs;
  };
  return frames.filter((f) => {
    const at = Number.isFinite(f.ptsMs) ? arrival(f) : undefined;
    return at !== undefined && at >= from && at < to;
  });
}

/** The longest run of strictly rising values once repeats are dropped (gap-fill copies repeat). */
function longestRisingRun(values: readonly number[]): number[] {
  const distinct = values.filter((v, i) => i === 0 || v !== values[i - 1]);
  let best: number[] = [];
  let run: number[] = [];
  for (const v of distinct) {
    run = run.length > 0 && v > run[run.length - 1]! ? [...run, v] : [v];
    if (run.length > best.length) best = run;
  }
  return best;
}

check(
  {
    id: 'status-codes/1104/relay',
    area: 'status-codes',
    feature: '1104',
    story: 'camera power cut through the serial relay mid-push',
    severity: 'critical',
    spec: 'live-pusher.zh.md:139 状态码 1104 (推流：视频编码失败, 内部会重启编码器); context-api.md:39 (1104 non-fatal)',
    specRows: ['status:1104'],
    tolerance: `the relay cuts the front camera's power ${CUT_AFTER_MS / 1000} s into the push (POWER camera-front OFF) and restores it ${OFF_HOLD_MS} ms after 1104; no 1104 before the cut, 1104 within ${CODE_WAIT_MS / 1000} s after it, and the codes 1003 1007 1008 beside 1001 1002 1104 (nothing else but the uplink's 1006 / 1101); the reader stays connected; from ${DRAIN_MS} ms after the cut until the power is back no frame whose packet arrived then (decoded one per ${FRAMES_EVERY_MS} ms) shows the camera's counter rising through ${MIN_COUNTERS} values (the picture of a camera without power does not go on); video reaches the reader within ${RESUME_MS / 1000} s of the power coming back, the frames decoded in the ${AFTER_RESUME_MS} ms after that carry the counter rising (at least ${MIN_COUNTERS} values, repeats of the reader's gap fill dropped, where the camera shows the pattern); video dts always advances and never leaps ahead of the wall clock`,
    requires: { methods: ['start'], events: ['statechange'], rig: ['serial-relay'] },
    timeoutMs: 60_000,
  },
  async (ctx) => {
    let bench: RelayBench;
    try {
      bench = await relayBench(ctx.rig);
    } catch (err) {
      if (err instanceof RelayUnusableError) ctx.notApplicable(`rig: ${err.message}`);
      throw err;
    }
    try {
      for (const note of bench.notes) ctx.log(`relay: ${note}`);
      let cutAt = 0;
      let restoredAt = 0;
      let codeAt: number | undefined;
      const { observation: o, observedTo } = await pushAndObserve(ctx, {}, {
        rig: bench.rig,
        observeMs: OBSERVE_MS,
        framesEveryMs: FRAMES_EVERY_MS,
        during: async () => {
          await new Promise((r) => setTimeout(r, CUT_AFTER_MS));
          cutAt = Date.now();
          await bench.power('camera-front', false);
          ctx.log(`POWER camera-front OFF answered ${Date.now() - cutAt} ms after it was sent`);
          const restart = await ctx.iut.waitForEvent('statechange', (e) => (e.detail as { code?: unknown })?.code === STATUS.VIDEO_ENCODER_RESTART && e.receivedAt >= cutAt, CODE_WAIT_MS).catch(() => undefined);
          codeAt = restart?.receivedAt;
          await new Promise((r) => setTimeout(r, OFF_HOLD_MS));
          restoredAt = Date.now();
          await bench.power('camera-front', true);
          ctx.log(`POWER camera-front ON ${restoredAt - cutAt} ms after the cut`);
        },
      });
      const codes = statusCodes(ctx.iut.events());
      const video = videoPackets(o);

      // The rig: the picture was there before the cut.
      const before = arrivedBetween(o.frames, video, 0, cutAt);
      await attachFrame(ctx, 'a frame before the cut', before[before.length - 1]);
      if (bench.patternOnFront && counters(before).length < MIN_COUNTERS_BEFORE) {
        throw new Error(`the camera's counter was read in ${counters(before).length} of ${before.length} frames before the cut (at least ${MIN_COUNTERS_BEFORE} needed): the rig's front camera does not show the pattern`);
      }
      if (!video.some((p) => p.arrivedAtMs! < cutAt)) throw new Error('no video reached the reader before the power was cut: the push never started properly');

      // While the camera has no power, its picture does not go on.
      const dark = arrivedBetween(o.frames, video, cutAt + DRAIN_MS, restoredAt);
      const darkCounters = counters(dark);
      await attachFrame(ctx, 'a frame while the camera had no power', dark[dark.length - 1]);
      ctx.log(`while the camera had no power: ${dark.length} frames, counters ${darkCounters.join(' ') || 'none'}`);
      if (bench.patternOnFront && longestRisingRun(darkCounters).length >= MIN_COUNTERS) {
        fail(`the camera's frame counter went on (${darkCounters.join(' ')}) while the relay had cut its power: the push does not show the rig's camera`);
      }

      // The codes: 1104 for the loss, after it and not before.
      const early = ctx.iut.events().find((e) => e.event === 'statechange' && (e.detail as { code?: unknown })?.code === STATUS.VIDEO_ENCODER_RESTART && e.receivedAt < cutAt);
      if (early) fail(`1104 was reported ${cutAt - early.receivedAt} ms before the relay cut the camera (codes ${codes.join(' ')})`);
      if (codeAt === undefined) fail(`1104 was not reported within ${CODE_WAIT_MS / 1000} s of the relay cutting the camera's power (codes ${codes.join(' ') || 'none'})`);
      ctx.log(`1104 ${codeAt - cutAt} ms after the cut`);
      // The uplink's own adaptation (1006 bitrate adjusted, 1101 network insufficient) may come at
      // any time on a loaded machine; it says nothing about the camera and is left out here.
      const judged = withoutUplinkAdaptation(codes);
      expectCodeSequence('codes for a camera whose power was cut and restored (uplink adaptation codes left out)', judged, [STATUS.CONNECTED, STATUS.PUSH_BEGIN, STATUS.VIDEO_ENCODER_RESTART]);
      expectTrue('the reader stayed connected through the loss', !o.endedEarly, `the stream ended after ${Math.round(o.observedMs)} ms: the push did not go on`);

      // The camera is back: so is its picture.
      const back = video.find((p) => p.arrivedAtMs! > restoredAt);
      if (!back) fail(`no video reached the reader after the power came back (${video.length} video packets before)`);
      ctx.log(`video at the reader again ${Math.round(back.arrivedAtMs! - restoredAt)} ms after the power came back`);
      expectAtMost('ms from the power coming back to video at the reader', back.arrivedAtMs! - restoredAt, RESUME_MS, ' ms');
      const due = back.arrivedAtMs!;
      if (observedTo < due + AFTER_RESUME_MS) throw new Error(`the observation ended ${Math.round(due + AFTER_RESUME_MS - observedTo)} ms before the frames after the resume could be judged`);
      const resumed = arrivedBetween(o.frames, video, due, due + AFTER_RESUME_MS);
      await attachFrame(ctx, 'a frame after the power came back', resumed[resumed.length - 1]);
      if (bench.patternOnFront) {
        const seen = counters(resumed);
        const rising = longestRisingRun(seen);
        ctx.log(`after the power came back: ${resumed.length} frames, counters ${seen.join(' ')}`);
        expectAtLeast(`frame counters rising after the power came back (of ${resumed.length} frames: ${seen.join(' ') || 'none readable'})`, rising.length, MIN_COUNTERS);
      } else {
        expectAtLeast('decoded frames after the power came back', resumed.length, MIN_COUNTERS);
      }
      expectContinuousTimestamps('timestamps across the loss', video);
    } finally {
      await bench.close();
    }
  },
);
