// Status codes only one platform's component emits, as data: live-pusher.zh.md 状态码 4998
// (Mic状态切换的时候，enable-mic触发(iOS特有)) and 4999 (mute状态切换的时候，muted 触发(iOS特有)).
// The reference runs as whatever platform the driver emulates (docs/driver-protocol.md "hello",
// LPB_DRIVER_PLATFORM): on 'ios' an update that toggles enable-mic or muted is followed by its
// code, once per toggle; elsewhere never. Pure.
import { STATUS } from '../spec/codes.ts';

/** The attribute whose toggle each platform-specific code reports, per platform. */
export const PLATFORM_TOGGLE_CODES: Readonly<Record<string, readonly { attribute: string; code: number; message: string }[]>> = {
  ios: [
    { attribute: 'enable-mic', code: STATUS.MIC_STATE_SWITCHED, message: 'Mic状态切换 (enable-mic)' },
    { attribute: 'muted', code: STATUS.MUTE_STATE_SWITCHED, message: 'mute状态切换 (muted)' },
  ],
};

/** Platforms the driver can emulate (LPB_DRIVER_PLATFORM). */
export const EMULATED_PLATFORMS = Object.keys(PLATFORM_TOGGLE_CODES);

/** The codes an update from `before` to `after` gives on `platform`, in the table's order. */
export function toggleCodes(platform: string, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): { code: number; message: string }[] {
  return (PLATFORM_TOGGLE_CODES[platform] ?? [])
    .filter((row) => row.attribute in after && after[row.attribute] !== before[row.attribute])
    .map(({ code, message }) => ({ code, message }));
}
