// A microphone whose samples end each time it is opened: the audio of every encoder generation
// stops while the camera goes on. The pusher may restart its encoder (no code names an audio
// restart; 1104 names the video encoder), and reports -1304 (音频编码失败) once it gives up; the
// push then ends, as after -1303. Judged by the codes, the server's unpublish, and the stream the
// server carried: audio had stopped reaching it before -1304 (the failure was real), and the push
// ended after it. Apart from devices.check.ts so the files share the workers. Rig fault:
// rig/device-fault.ts (microphone ends).
// Spec: live-pusher.zh.md 状态码 -1304 (推流：音频编码失败); 1104 (推流：视频编码失败, 内部会重启编码器)
// is the video encoder's, so it is not due here.
import { check } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { CONFORMANCE_APP } from '../../server.ts';
import { expectCodeSequence } from '../support/codes.ts';
import { expectAtLeast, expectAtMost, expectEqual, fail } from '../support/expect.ts';
import { embeddedServer, pushAndObserve, statusCodes } from '../support/scenario.ts';
import { withMicrophoneFault } from './device-support.ts';

/** The microphone's samples end this long after every opening: every restart fails again. */
const ENDS_EVERY_TIME_AFTER_MS = 500;
/** -1304 is due within this of the publish: a few restarts, each stall noticed within seconds
 *  (the reference: 3 restarts, each after 3 s without audio, -1304 about 15 s after start, also
 *  on a machine loaded 7-fold). */
const GIVE_UP_WAIT_MS = 20_000;
/** The reader reads this long after the publish, past the give-up (it may not notice the
 *  unpublish at once, and its last audio must be read up to -1304). */
const OBSERVE_MS = GIVE_UP_WAIT_MS + 1000;
/** After -1304 the server must see the stream unpublished within this. */
const UNPUBLISH_WAIT_MS = 5000;
/** Before -1304, no audio may have reached the reader for at least this long: the audio had failed. */
const AUDIO_GONE_MS = 1000;
/** After -1304, further codes still count for this long. */
const SETTLE_MS = 1000;

check(
  {
    id: 'status-codes/-1304',
    area: 'status-codes',
    feature: '-1304',
    story: 'microphone samples end at every opening: audio encoding given up',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 -1304 (推流：音频编码失败)',
    specRows: ['status:-1304'],
    tolerance: `the microphone's samples end ${ENDS_EVERY_TIME_AFTER_MS} ms after every opening; -1304 within ${GIVE_UP_WAIT_MS / 1000} s of the publish, once; the whole sequence 1003 1007 1008 beside 1001 1002 -1304 (no 1104 or -1303: the video encoder did not fail; nothing after -1304); at the reader, audio arrived, then none for at least ${AUDIO_GONE_MS} ms before -1304 (audio arrival is judged: the reader's remuxer holds video back while it waits for audio, so video arrival and stream time past the audio cannot be read); the server sees the stream unpublished within ${UNPUBLISH_WAIT_MS / 1000} s of -1304`,
    requires: { methods: ['start'], events: ['statechange'], rig: ['embedded-server'] },
    timeoutMs: 60_000,
  },
  async (ctx) => {
    const server = embeddedServer(ctx);
    let gaveUpAt = 0;
    let unpublishedAt = 0;
    const { observation: o } = await pushAndObserve(ctx, {}, {
      rig: withMicrophoneFault(ctx, { kind: 'ends', afterMs: ENDS_EVERY_TIME_AFTER_MS }),
      observeMs: OBSERVE_MS,
      framesEveryMs: false,
      during: async () => {
        gaveUpAt = (await ctx.iut.waitForStatus(STATUS.AUDIO_ENCODE_FAILED, GIVE_UP_WAIT_MS)).receivedAt;
        await server.waitForUnpublish(`/${CONFORMANCE_APP}/${ctx.streamName}`, UNPUBLISH_WAIT_MS).catch(() => {
          fail(`the server still saw ${ctx.streamName} published ${UNPUBLISH_WAIT_MS} ms after -1304: the push did not end`);
        });
        unpublishedAt = Date.now();
      },
    });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const codes = statusCodes(ctx.iut.events());
    expectCodeSequence('codes for a microphone whose samples end at every opening', codes, [STATUS.CONNECTED, STATUS.PUSH_BEGIN, STATUS.AUDIO_ENCODE_FAILED]);
    expectEqual('-1304 reported once', codes.filter((c) => c === STATUS.AUDIO_ENCODE_FAILED).length, 1);
    expectAtMost('ms from -1304 to the unpublish at the server', Math.max(0, unpublishedAt - gaveUpAt), UNPUBLISH_WAIT_MS, ' ms');
    const read = o.packets.filter((p) => p.arrivedAtMs !== undefined);
    const audio = read.filter((p) => p.stream === 'audio');
    const lastAudio = audio[audio.length - 1];
    if (!lastAudio) fail(`no audio reached the reader (${read.length} packets read): the microphone's first samples were not pushed`);
    const silentMs = gaveUpAt - lastAudio.arrivedAtMs!;
    ctx.log(`${audio.length} audio packets; the last arrived ${Math.round(silentMs)} ms before -1304, stream time ${Math.round(lastAudio.dtsMs)} ms`);
    expectAtLeast('ms without audio at the reader before -1304', silentMs, AUDIO_GONE_MS, ' ms');
  },
);
