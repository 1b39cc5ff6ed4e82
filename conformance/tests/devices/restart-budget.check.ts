// A camera whose frames end each time it is opened: the pusher restarts its encoder (1104) until
// the restarts are spent, then reports -1303 and ends the push, judged by the server's unpublish
// and the whole code sequence (rig fault: rig/device-fault.ts). Apart from devices.check.ts so
// the two files share the workers.
// Spec: live-pusher.zh.md 状态码 -1303 (推流：视频编码失败) after 1104 (视频编码失败, 内部会重启编码器).
import { check } from '../../check.ts';
import { STATUS } from '../../../spec/codes.ts';
import { CONFORMANCE_APP } from '../../server.ts';
import { expectCodeSequence, withoutUplinkAdaptation } from '../support/codes.ts';
import { expectAtLeast, expectAtMost, expectEqual, fail } from '../support/expect.ts';
import { PUBLISH_TIMEOUT_MS, embeddedServer, expectPublish, statusCodes } from '../support/scenario.ts';
import { withCameraFault } from './device-support.ts';

/** After -1303, further codes still count for this long. */
const SETTLE_MS = 1000;

/** The camera ends this long after each opening: every restart fails again. */
const ENDS_EVERY_TIME_AFTER_MS = 500;
/** -1303 is due within this of start: the restarts allowed, each noticed by the pusher. */
const GIVE_UP_WAIT_MS = 40_000;
/** After -1303 the server must see the stream unpublished within this. */
const UNPUBLISH_WAIT_MS = 5000;
/** Least number of restarts (1104) before giving up: the spec's 内部会重启编码器. */
const MIN_RESTARTS = 1;

check(
  {
    id: 'status-codes/-1303',
    area: 'status-codes',
    feature: '-1303',
    story: 'camera ends at every opening: restarts spent',
    severity: 'critical',
    spec: 'live-pusher.zh.md 状态码 -1303 (推流：视频编码失败) after 1104 (内部会重启编码器)',
    specRows: ['status:-1303', 'status:1104'],
    tolerance: `front camera's frames end ${ENDS_EVERY_TIME_AFTER_MS} ms after every opening; -1303 within ${GIVE_UP_WAIT_MS / 1000} s of start, after at least ${MIN_RESTARTS} 1104; the whole sequence 1003 1007 1008 beside 1001 1002, 1104 × n, -1303 (nothing else but the uplink's adaptation codes 1006 / 1101, judged by the uplink checks; nothing after -1303); the server sees the stream unpublished within ${UNPUBLISH_WAIT_MS / 1000} s of -1303`,
    requires: { methods: ['start'], events: ['statechange'], rig: ['embedded-server'] },
    timeoutMs: 70_000,
  },
  async (ctx) => {
    const server = embeddedServer(ctx);
    await ctx.iut.create({ url: ctx.streamUrl }, withCameraFault(ctx, { kind: 'ends', afterMs: ENDS_EVERY_TIME_AFTER_MS }));
    const published = expectPublish(ctx, PUBLISH_TIMEOUT_MS);
    await ctx.iut.call('start');
    await published;
    const gaveUp = await ctx.iut.waitForStatus(STATUS.VIDEO_ENCODE_FAILED, GIVE_UP_WAIT_MS);
    await server.waitForUnpublish(`/${CONFORMANCE_APP}/${ctx.streamName}`, UNPUBLISH_WAIT_MS).catch(() => {
      fail(`the server still saw ${ctx.streamName} published ${UNPUBLISH_WAIT_MS} ms after -1303: the push did not end`);
    });
    const unpublishedAt = Date.now();
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const codes = statusCodes(ctx.iut.events());
    const restarts = codes.filter((c) => c === STATUS.VIDEO_ENCODER_RESTART).length;
    expectAtLeast('1104 restarts before -1303', restarts, MIN_RESTARTS);
    expectCodeSequence('codes for a camera that ends at every opening (uplink adaptation codes left out)', withoutUplinkAdaptation(codes), [
      STATUS.CONNECTED,
      STATUS.PUSH_BEGIN,
      ...Array<number>(restarts).fill(STATUS.VIDEO_ENCODER_RESTART),
      STATUS.VIDEO_ENCODE_FAILED,
    ]);
    expectAtMost('ms from -1303 to the unpublish at the server', Math.max(0, unpublishedAt - gaveUp.receivedAt), UNPUBLISH_WAIT_MS, ' ms');
    expectEqual('-1303 reported once', codes.filter((c) => c === STATUS.VIDEO_ENCODE_FAILED).length, 1);
  },
);
