// The page going to the background, told to the IUT by the bench (docs/driver-protocol.md
// "bench", event "background"). background-mute is deprecated and the component mutes in the
// background by default (进入后台时是否静音（已废弃，默认退后台静音）), so whatever the attribute
// says, the sound at the server must fall silent while the page is in the background and come
// back when it returns; the stream stays published through it (the picture held: the last frame
// or the waiting-image, 进入后台时推流的等待画面) and no code comes of it (the background is not an
// interruption: no 5001). One push: background-mute false, to the background and back; then
// background-mute true (an update), to the background and back. Judged on the decoded sound and
// the frame counter at the server.
// Spec: live-pusher.zh.md 通用属性 background-mute (已废弃，默认退后台静音), waiting-image.
import { check } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { expectCodeSequence } from '../support/codes.ts';
import { expectAtLeast, expectAtMost, expectTrue, fail } from '../support/expect.ts';
import { attachFrame, pushAndObserve, statusCodes } from '../support/scenario.ts';
import { framesArrivedBetween, largestVideoArrivalGapMs, medianAudioDbfs, medianAudioDbfsArrived } from '../support/windows.ts';
import { benchEvent, counters } from './device-support.ts';

/** Each background begins this long into its cycle and lasts this long; the page is in the foreground for the rest. */
const FOREGROUND_MS = 3500;
const BACKGROUND_MS = 4000;
const CYCLE_MS = FOREGROUND_MS + BACKGROUND_MS;
const OBSERVE_MS = 2 * CYCLE_MS + FOREGROUND_MS;
/** The change (to the background and back) shows at the reader within this. */
const SETTLE_MS = 2000;
/** Decoded sound at or below this is silence (the rig's tone peaks at -12 dBFS). */
const SILENT_DBFS = -50;
/** Before the first background the tone is heard: its median level at least this. */
const HEARD_DBFS = -30;
/** Back in the foreground, the tone's median level at most this far under its level before the
 *  first background (a capture that reopens, PulseAudio's say, takes a moment to deliver). */
const BACK_WITHIN_DB = 10;
/** The level before the first background is measured from this far into the observation. */
const LEAD_IN_MS = 500;
/** Video keeps reaching the reader in the background: no stream-time gap longer than this. */
const MAX_VIDEO_GAP_MS = 1500;
const MIN_COUNTERS = 2;

const sleepUntil = (at: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

check(
  {
    id: 'attributes/background-mute/background',
    area: 'attributes',
    feature: 'background-mute',
    story: 'to the background and back, with background-mute false then true: silent in the background either way, the tone back in the foreground',
    severity: 'normal',
    spec: 'live-pusher.zh.md 通用属性 background-mute (进入后台时是否静音（已废弃，默认退后台静音）); waiting-image (进入后台时推流的等待画面)',
    specRows: ['attribute:background-mute', 'attribute:background-mute=false', 'attribute:background-mute=true'],
    tolerance:
      `two cycles of ${FOREGROUND_MS} ms in the foreground then ${BACKGROUND_MS} ms in the background (the first with background-mute false, the second after an update to true), then ${FOREGROUND_MS} ms in the foreground: ` +
      `from ${SETTLE_MS} ms into each background to its end the median sound at or below ${SILENT_DBFS} dBFS and video still arriving (no stream gap over ${MAX_VIDEO_GAP_MS} ms); ` +
      `before the first background the median sound at least ${HEARD_DBFS} dBFS; from ${SETTLE_MS} ms after each return the median sound within ${BACK_WITHIN_DB} dB of it and the frame counter advancing (${MIN_COUNTERS} readings or more); the codes 1003 1007 1008 beside 1001 1002 and nothing else (no 5001); ` +
      `from the first background on, sound and frames are placed by when their packets arrived (a stream clock that leaves out restart time would otherwise place them early)`,
    requires: { methods: ['start'], events: ['statechange'], attributes: ['background-mute'], rig: ['synthetic-camera', 'synthetic-microphone'] },
    timeoutMs: 60_000,
  },
  async (ctx) => {
    const cycles: { value: boolean; begunAt: number; endedAt: number }[] = [];
    const { observation: o, observedFrom, observedTo } = await pushAndObserve(ctx, { 'background-mute': false }, {
      observeMs: OBSERVE_MS,
      framesEveryMs: 250,
      audio: true,
      during: async (from) => {
        for (const value of [false, true]) {
          if (value) await ctx.iut.update({ 'background-mute': true });
          const start = from + cycles.length * CYCLE_MS;
          await sleepUntil(start + FOREGROUND_MS);
          const begunAt = Date.now();
          await benchEvent(ctx, 'background', 'begin');
          await sleepUntil(begunAt + BACKGROUND_MS);
          const endedAt = Date.now();
          await benchEvent(ctx, 'background', 'end');
          cycles.push({ value, begunAt, endedAt });
        }
      },
    });
    expectTrue('the reader stayed connected through the background', !o.endedEarly, `the stream ended after ${Math.round(o.observedMs)} ms`);
    expectCodeSequence('codes of a push sent to the background and back', statusCodes(ctx.iut.events()), [STATUS.CONNECTED, STATUS.PUSH_BEGIN]);
    if (cycles.length === 0) fail('the push ended before the first background');
    const before = medianAudioDbfs(o, observedFrom + LEAD_IN_MS, cycles[0]!.begunAt);
    ctx.log(`before the first background: median sound ${before === null ? 'none' : before.toFixed(1)} dBFS`);
    expectAtLeast('median sound before the first background (the tone heard)', before ?? -Infinity, HEARD_DBFS, ' dBFS');
    // After the first background everything is placed by arrival (windows.ts): a push whose
    // stream time leaves out its restarts' durations is placed seconds early at the live edge.
    for (const [i, c] of cycles.entries()) {
      const name = `background ${i + 1} (background-mute ${c.value})`;
      const quiet = medianAudioDbfsArrived(o, c.begunAt + SETTLE_MS, c.endedAt);
      if (quiet === null) fail(`${name}: no sound decoded: the audio track must go on, silent`);
      ctx.log(`${name}: median sound ${quiet.toFixed(1)} dBFS`);
      expectAtMost(`${name}: median sound`, quiet, SILENT_DBFS, ' dBFS');
      const gap = largestVideoArrivalGapMs(o, c.begunAt + SETTLE_MS, c.endedAt);
      expectAtMost(`${name}: largest gap between video packets arriving (the push stays up, the picture held)`, gap.gapMs, MAX_VIDEO_GAP_MS, ' ms');
      const held = framesArrivedBetween(o, c.begunAt + SETTLE_MS, c.endedAt);
      await attachFrame(ctx, `a frame in ${name}`, held[held.length - 1]);

      const backTo = i + 1 < cycles.length ? cycles[i + 1]!.begunAt : observedTo;
      const heard = medianAudioDbfsArrived(o, c.endedAt + SETTLE_MS, backTo);
      ctx.log(`back from ${name}: median sound ${heard === null ? 'none' : heard.toFixed(1)} dBFS`);
      expectAtLeast(`back from ${name}: median sound (within ${BACK_WITHIN_DB} dB of ${before!.toFixed(1)} dBFS before the first background)`, heard ?? -Infinity, before! - BACK_WITHIN_DB, ' dBFS');
      const after = counters(framesArrivedBetween(o, c.endedAt + SETTLE_MS, backTo));
      ctx.log(`back from ${name}: counters ${after.join(' ')}`);
      expectAtLeast(`back from ${name}: readable frame counters`, after.length, MIN_COUNTERS);
      expectTrue(`back from ${name}: the frame counter advances`, after[after.length - 1]! > after[0]!, `counters ${after.join(' ')}`);
    }
  },
);
