// A push whose rig asks for a hardware H.264 encoder (rig hardwareEncoder; docs/driver-protocol.md
// "Hardware encoder"). On a desk the device named is one that does not exist, so no hardware
// encoder can start: 1103 (硬编码启动失败, 采用软编码) once, before 1008 (the encoder that started is
// the software one), nothing else beside the usual start, and the software stream at the server
// is H.264 that decodes, at the fps asked for. A lab rig that names its own render node keeps it;
// where the bench's own trial encode (VAAPI, adapters/encoder/hardware-trial.ts) works on it, the
// machine has a working hardware encoder and 1103 must NOT be reported (an IUT reaching the
// hardware through another API than VAAPI on such a machine is still held to "no 1103").
// Spec: live-pusher.zh.md 状态码 1103 (推流：硬编码启动失败, 采用软编码), 1008 (编码器启动成功).
import { check } from '../../check.ts';
import { fps } from '../../oracles/packets.ts';
import { STATUS } from '../../../spec/codes.ts';
import { tryHardwareEncoder } from '../../../adapters/encoder/hardware-trial.ts';
import { expectCodeSequence } from '../support/codes.ts';
import { expectAtLeast, expectEqual, expectTrue, expectWithinRatio, fail } from '../support/expect.ts';
import { pushAndObserve, statusCodes } from '../support/scenario.ts';

/** Where a desk rig's hardware encoder points: no such device, so none can start. */
export const MISSING_HW_DEVICE = '/dev/dri/lpb-no-such-render-node';
const FPS = 15;
/** Allowed error of the stream's frame rate. */
const FPS_RATIO = 0.1;
const OBSERVE_MS = 3000;
const FRAMES_EVERY_MS = 500;
/** Least number of decoded frames in the window: the H.264 decodes. */
const MIN_DECODED = 4;

check(
  {
    id: 'status-codes/1103',
    area: 'status-codes',
    feature: '1103',
    story: 'hardware encoder asked for but unavailable: software encoder used',
    severity: 'normal',
    spec: 'live-pusher.zh.md 状态码 1103 (推流：硬编码启动失败, 采用软编码)',
    specRows: ['status:1103'],
    tolerance: `rig hardwareEncoder.device ${MISSING_HW_DEVICE} (a lab rig's own device where it names one); where the bench's VAAPI trial encode fails on it: 1103 exactly once, before 1008, and otherwise the sequence 1003 1007 1008 beside 1001 1002; where it works: no 1103. Either way the stream at the server is H.264, at least ${MIN_DECODED} frames decode (one per ${FRAMES_EVERY_MS} ms over ${OBSERVE_MS / 1000} s), at ${FPS} fps ± ${FPS_RATIO * 100} % by its timestamps`,
    requires: { methods: ['start'], events: ['statechange'] },
    timeoutMs: 40_000,
  },
  async (ctx) => {
    const device = ctx.rig.hardwareEncoder?.device ?? MISSING_HW_DEVICE;
    const trial = await tryHardwareEncoder(device);
    ctx.log(trial.ok ? `the bench's trial encode works on ${device}: a hardware encoder is there, 1103 is not due` : `no hardware encoder: ${trial.reason}`);
    const { observation: o } = await pushAndObserve(ctx, { fps: FPS }, { rig: { ...ctx.rig, hardwareEncoder: { device } }, observeMs: OBSERVE_MS, framesEveryMs: FRAMES_EVERY_MS });
    const codes = statusCodes(ctx.iut.events());
    const fallbacks = codes.filter((c) => c === STATUS.HW_ENCODER_FALLBACK).length;
    if (trial.ok) {
      expectEqual('1103 reports where the hardware encoder works', fallbacks, 0);
    } else {
      expectEqual('1103 reports for a hardware encoder that cannot start', fallbacks, 1);
      const at = codes.indexOf(STATUS.HW_ENCODER_FALLBACK);
      const started = codes.indexOf(STATUS.ENCODER_STARTED);
      expectTrue('1103 comes before 1008 (the encoder that started is the software one)', started < 0 || at < started, `reported ${codes.join(' ')}`);
    }
    expectCodeSequence('codes beside 1103', codes.filter((c) => c !== STATUS.HW_ENCODER_FALLBACK), [STATUS.CONNECTED, STATUS.PUSH_BEGIN]);
    const video = o.streams.find((s) => s.type === 'video');
    if (!video) fail('no video stream at the server');
    expectEqual('video codec at the server', video.codec, 'h264');
    expectAtLeast(`decoded frames in ${OBSERVE_MS} ms`, o.frames.length, MIN_DECODED);
    const rate = fps(o.packets.filter((p) => p.stream === 'video'));
    if (rate === null) fail('too few video packets to read a frame rate');
    expectWithinRatio('video fps by the stream timestamps', rate, FPS, FPS_RATIO);
  },
);
