// What a device fault (rig/device-fault.ts; docs/driver-protocol.md "Device faults") does to
// each opening of a source: which openings suffer it (the first `times`, or every one), counted
// per fault declaration so a pusher that reopens its camera after a fault meets a healthy one
// once `times` is spent. Shared by adapters/camera/faulty.ts and adapters/microphone/faulty.ts.
// Spec: live-pusher.zh.md 状态码 (-1301, -1302, 1104, -1303).
import type { DeviceFault } from '../../rig/device-fault.ts';

const MS_PER_S = 1000;

/** Openings counted so far, per fault object (one per rig entry, so per pusher). */
const openings = new WeakMap<DeviceFault, number>();

/** Counts one opening of the faulty source; true when this opening suffers the fault. */
export function openingIsFaulty(fault: DeviceFault): boolean {
  const n = (openings.get(fault) ?? 0) + 1;
  openings.set(fault, n);
  return fault.times === undefined || n <= fault.times;
}

/** afterMs as ffmpeg seconds (`-t`), at least one millisecond so 0 still ends at once. */
export function faultSeconds(fault: DeviceFault): string {
  return (Math.max(1, fault.afterMs ?? 0) / MS_PER_S).toFixed(3);
}

/** ffmpeg input args that end the source `afterMs` after it opened: `-t` before its own args
 *  (an input option, so it applies to the input that follows). */
export function endingInputArgs(fault: DeviceFault, args: string[]): string[] {
  return ['-t', faultSeconds(fault), ...args];
}
