// Device status codes a desk cannot cause honestly (live-pusher.zh.md 状态码 1004, -1308, -1309,
// -1310, -1312: screen capture), each with the reason and what rig would make it testable. The
// device codes a desk can cause are judged in conformance/tests/devices/.
import { STATUS } from '../../spec/codes.ts';
import { statusKey } from '../../reports/spec-rows.ts';
import type { NotApplicableRow } from '../../reports/coverage.ts';

/** What every screen-capture code lacks: a way to ask for screen capture, and a screen. */
const NO_SCREEN_CAPTURE =
  'the live-pusher component has no attribute or LivePusherContext method that starts screen capture (录屏): its picture is the camera (通用属性 device-position, enable-camera), so no IUT can be asked to record its screen; and this bench machine has no X display (no Xvfb) for an x11grab screen source. Testable on a rig with a virtual display (Xvfb + x11grab) and a driver protocol extension that starts screen capture';

export const DEVICES_NOT_APPLICABLE: NotApplicableRow[] = [
  { key: statusKey(STATUS.SCREEN_CAPTURE_STARTED), reason: `${NO_SCREEN_CAPTURE} (1004: 录屏启动成功)` },
  {
    key: statusKey(STATUS.SCREEN_CAPTURE_FAILED),
    reason: `${NO_SCREEN_CAPTURE}; -1308 (开始录屏失败，可能是被用户拒绝) also needs the OS screen-recording consent dialog, which a desk has no honest way to answer`,
  },
  {
    key: statusKey(STATUS.SCREEN_CAPTURE_OS_UNSUPPORTED),
    reason: `${NO_SCREEN_CAPTURE}; -1309 (需要5.0以上的系统) is about the phone's Android version, which a desk IUT cannot be below`,
  },
  {
    key: statusKey(STATUS.SCREEN_CAPTURE_INTERRUPTED),
    reason: `${NO_SCREEN_CAPTURE}; -1310 (录屏被其他应用打断了) also needs another app taking the screen recorder away`,
  },
  {
    key: statusKey(STATUS.SCREEN_CAPTURE_ROTATE_FAILED),
    reason: `${NO_SCREEN_CAPTURE}; -1312 (录屏动态切横竖屏失败) also needs the screen turned between portrait and landscape while recording`,
  },
];
