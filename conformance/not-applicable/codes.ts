// Status codes a desk cannot cause (live-pusher.zh.md 状态码).
import { STATUS } from '../../spec/codes.ts';
import { statusKey } from '../../reports/spec-rows.ts';
import type { NotApplicableRow } from '../../reports/coverage.ts';

const ROOM_REASON =
  'ROOM protocol only (状态码 "ROOM协议特有"): the component reaches these through a vendor room service whose protocol the spec does not describe (url: 目前仅支持 `rtmp` 格式), so no RTMP server can make an IUT enter or leave a room';

export const CODES_NOT_APPLICABLE: NotApplicableRow[] = [
  ...[
    STATUS.ROOM_ENTERED,
    STATUS.ROOM_LEFT,
    STATUS.ROOM_MEMBERS_CHANGED,
    STATUS.ROOM_REENTERING,
    STATUS.ROOM_ENTER_FAILED,
    STATUS.ROOM_ANCHOR_ENTERED,
    STATUS.ROOM_ANCHOR_LEFT,
    STATUS.ROOM_ANCHOR_VIDEO,
    STATUS.ROOM_ANCHOR_AUDIO,
  ].map((code) => ({ key: statusKey(code), reason: ROOM_REASON })),
  {
    key: statusKey(STATUS.NO_ERROR),
    reason:
      '0 (无错误) names the absence of an error, not an event: no row of live-pusher.zh.md or context-api.md says when a statechange carries it (every other code is tied to a step of pushing or a fault), so no desk scenario can require it, and the spec does not forbid it either, so its absence cannot be judged as a rule',
  },
];
