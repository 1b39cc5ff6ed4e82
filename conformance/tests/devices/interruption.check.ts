// An interruption (a system or WeChat call) told to the IUT by the bench (docs/driver-protocol.md
// "bench"): its begin must bring 5001 and hold the push as pause does (the stream stays
// published, the picture frozen, the sound silent), its end must let the push go on (the frame
// counter moves again) on the same connection. Judged at the server by the frame counter and
// the decoded sound; the codes as a whole sequence.
// Spec: live-pusher.zh.md 状态码 5001 (系统电话打断或者微信音视频电话打断); context-api.md pause/resume.
import { check } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { expectCodeSequence } from '../support/codes.ts';
import { expectAtLeast, expectAtMost, expectTrue, fail } from '../support/expect.ts';
import { attachFrame, framesBetween, pushAndObserve, statusCodes } from '../support/scenario.ts';
import { medianAudioDbfs } from '../support/windows.ts';
import { benchEvent, counters, videoPackets } from './device-support.ts';

/** The interruption begins this long after observing began, and lasts this long. */
const BEGIN_AT_MS = 2000;
const HELD_MS = 3500;
const OBSERVE_MS = 9000;
/** 5001 is due within this of the begin. */
const CODE_WAIT_MS = 1500;
/** The hold (and the end of it) shows at the reader within this. */
const SETTLE_MS = 1500;
/** Decoded sound at or below this while held is silence (the rig's tone peaks at -12 dBFS). */
const SILENT_DBFS = -50;
/** While held, video still reaches the reader: no gap between video packets longer than this. */
const MAX_HELD_VIDEO_GAP_MS = 1500;
const MIN_COUNTERS = 3;


check(
  {
    id: 'status-codes/5001',
    area: 'status-codes',
    feature: '5001',
    story: 'interrupted by a call, then resumed',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 5001 (系统电话打断或者微信音视频电话打断); context-api.md pause/resume',
    specRows: ['status:5001'],
    tolerance: `5001 within ${CODE_WAIT_MS} ms of the interruption's begin; the whole sequence 1003 1007 1008 beside 1001 1002 5001 (nothing else); from ${SETTLE_MS} ms after the begin to its end (${HELD_MS} ms later) every readable frame counter is the same, video still arrives (no gap over ${MAX_HELD_VIDEO_GAP_MS} ms) and the median sound is at or below ${SILENT_DBFS} dBFS; from ${SETTLE_MS} ms after the end the counter advances again (at least ${MIN_COUNTERS} readings), on the same connection`,
    requires: { methods: ['start'], events: ['statechange'], rig: ['synthetic-camera', 'synthetic-microphone'] },
    timeoutMs: 60_000,
  },
  async (ctx) => {
    let begunAt = 0;
    let endedAt = 0;
    let codeAt = 0;
    const { observation: o, observedTo } = await pushAndObserve(ctx, {}, {
      observeMs: OBSERVE_MS,
      framesEveryMs: 250,
      audio: true,
      during: async (from) => {
        await new Promise((r) => setTimeout(r, BEGIN_AT_MS - (Date.now() - from)));
        begunAt = Date.now();
        await benchEvent(ctx, 'interruption', 'begin');
        codeAt = (await ctx.iut.waitForStatus(STATUS.INTERRUPTED, CODE_WAIT_MS + SETTLE_MS)).receivedAt;
        await new Promise((r) => setTimeout(r, HELD_MS - (Date.now() - begunAt)));
        endedAt = Date.now();
        await benchEvent(ctx, 'interruption', 'end');
      },
    });
    expectAtMost('ms from the begin to 5001', codeAt - begunAt, CODE_WAIT_MS, ' ms');
    expectCodeSequence('codes of an interrupted push', statusCodes(ctx.iut.events()), [STATUS.CONNECTED, STATUS.PUSH_BEGIN, STATUS.INTERRUPTED]);
    expectTrue('the reader stayed connected through the interruption', !o.endedEarly, `the stream ended after ${Math.round(o.observedMs)} ms`);

    const held = framesBetween(o.frames, begunAt + SETTLE_MS, endedAt);
    await attachFrame(ctx, 'a frame while interrupted', held[held.length - 1]);
    const heldCounters = counters(held);
    ctx.log(`held: ${held.length} frames, counters ${heldCounters.join(' ')}`);
    expectAtLeast(`readable frame counters while interrupted (of ${held.length} frames)`, heldCounters.length, MIN_COUNTERS);
    expectTrue('the picture is frozen while interrupted', new Set(heldCounters).size === 1, `counters ${heldCounters.join(' ')}`);
    const heldArrivals = videoPackets(o).map((p) => p.arrivedAtMs!).filter((t) => t >= begunAt + SETTLE_MS && t < endedAt);
    const edges = [begunAt + SETTLE_MS, ...heldArrivals, endedAt];
    const gap = Math.max(...edges.slice(1).map((t, i) => t - edges[i]!));
    expectAtMost('largest gap between video packets while interrupted (the push stays up)', gap, MAX_HELD_VIDEO_GAP_MS, ' ms');
    const level = medianAudioDbfs(o, begunAt + SETTLE_MS, endedAt);
    if (level === null) fail('no sound decoded while interrupted: the audio track must go on, silent');
    ctx.log(`held: median sound ${level.toFixed(1)} dBFS`);
    expectAtMost('median sound while interrupted', level, SILENT_DBFS, ' dBFS');

    const after = framesBetween(o.frames, endedAt + SETTLE_MS, observedTo);
    const afterCounters = counters(after);
    ctx.log(`after the end: ${after.length} frames, counters ${afterCounters.join(' ')}`);
    expectAtLeast(`readable frame counters after the interruption ended (of ${after.length} frames)`, afterCounters.length, MIN_COUNTERS);
    expectTrue('the frame counter advances after the interruption ended', afterCounters[afterCounters.length - 1]! > afterCounters[0]!, `counters ${afterCounters.join(' ')}`);
  },
);
