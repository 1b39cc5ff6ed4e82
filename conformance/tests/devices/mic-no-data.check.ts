// A microphone that opens but never delivers a sample (rig fault no-samples: rig/device-fault.ts;
// the reference's device is a FIFO held open and never written, adapters/microphone/silent-device.ts).
// -1311 is a failure of the microphone like -1302, so the push ends as a microphone that cannot
// be opened does: -1311 once, only the camera's own codes (1003 1007) may come before it, nothing
// after it, and nothing reaches the server (no push with silence in place of the microphone).
// Apart from devices.check.ts so the files share the workers.
// Spec: live-pusher.zh.md 状态码 -1311 (推流：Android Mic打开成功，但是录不到音频数据); -1302
// (推流：打开麦克风失败) for what follows a microphone failure at start.
import { check } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { expectTrue } from '../support/expect.ts';
import { observeWhateverArrives, statusCodes } from '../support/scenario.ts';
import { OPENED_BEFORE_MIC, expectFailedStart, waitForStartFailure, withMicrophoneFault } from './device-support.ts';

/** -1311 is due within this of start: the capture gives nothing, the pusher notices. */
const FAILURE_WAIT_MS = 20_000;
/** After -1311, the server is watched this long for anything published. */
const NOTHING_PUBLISHED_MS = 2000;
/** After -1311, further codes still count for this long. */
const SETTLE_MS = 1000;

check(
  {
    id: 'status-codes/-1311',
    area: 'status-codes',
    feature: '-1311',
    story: 'microphone opens but delivers no samples',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 -1311 (推流：Android Mic打开成功，但是录不到音频数据)',
    specRows: ['status:-1311'],
    tolerance: `-1311 within ${FAILURE_WAIT_MS / 1000} s of start for a microphone whose rig fault is no-samples (it opens, no sample ever comes); before it at most ${OPENED_BEFORE_MIC.join(' ')} (the camera opened), none in the ${SETTLE_MS} ms after it; nothing published within ${NOTHING_PUBLISHED_MS / 1000} s of it (the push ends as for -1302, no silence in place of the microphone)`,
    requires: { methods: ['start'], events: ['statechange'] },
    timeoutMs: 60_000,
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl }, withMicrophoneFault(ctx, { kind: 'no-samples' }));
    await ctx.iut.call('start').catch((err: unknown) => ctx.log(`start answered: ${(err as Error).message}`));
    await waitForStartFailure(ctx, STATUS.MIC_NO_DATA, FAILURE_WAIT_MS);
    const o = await observeWhateverArrives(ctx, { durationMs: SETTLE_MS, startTimeoutMs: NOTHING_PUBLISHED_MS });
    const codes = statusCodes(ctx.iut.events());
    expectFailedStart('codes for a microphone that opens but delivers no samples', codes, STATUS.MIC_NO_DATA, OPENED_BEFORE_MIC);
    expectTrue('nothing reaches the server with -1311', o.firstPacketAtMs === null, 'stream bytes arrived: the IUT pushed without its microphone\'s samples');
  },
);
