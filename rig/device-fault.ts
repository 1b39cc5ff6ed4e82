// The `fault` key of a rig's camera and microphone entries (docs/driver-protocol.md "Device
// faults"): a source that never opens (missing or busy), ends, or stalls after it opened, so the
// device status codes of live-pusher.zh.md 状态码 (-1301, -1302, 1104, -1303) can be caused on
// purpose. Validation only; adapters/camera/faulty.ts and adapters/microphone/faulty.ts act on it.
import type { DeviceFault } from '../driver-protocol/types.ts';

export type { DeviceFault } from '../driver-protocol/types.ts';

export const DEVICE_FAULT_KINDS = ['never-opens', 'ends', 'stalls'] as const;
/** A microphone cannot stall on its own in the reference's capture (it would block the camera too). */
export const MICROPHONE_FAULT_KINDS = ['never-opens', 'ends'] as const;
const FAULT_KEYS = ['kind', 'afterMs', 'times'] as const;
/** afterMs: from 0 to one minute (a fault later than that is no use in a check). */
export const FAULT_AFTER_MS_RANGE = { min: 0, max: 60_000 } as const;
/** times: how many openings suffer the fault, from 1 to 100 (absent: every one). */
export const FAULT_TIMES_RANGE = { min: 1, max: 100 } as const;

/** Reports a bad key: (key path, problem, offending value). */
export type FaultProblem = (key: string, problem: string, value: unknown) => never;

function describe(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function integerIn(v: unknown, key: string, range: { min: number; max: number }, fail: FaultProblem): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
    fail(key, `${describe(v)} is not legal; must be an integer from ${range.min} to ${range.max}`, v);
  }
  return v;
}

/** Validates `raw` (the value of `<key>`, e.g. camera.front.fault) for a source of this device. */
export function validateDeviceFault(raw: unknown, key: string, device: 'camera' | 'microphone', fail: FaultProblem): DeviceFault {
  if (!isRecord(raw)) fail(key, `${describe(raw)} is not legal; must be a mapping {kind, afterMs?, times?}`, raw);
  for (const k of Object.keys(raw)) {
    if (!(FAULT_KEYS as readonly string[]).includes(k)) fail(`${key}.${k}`, `unknown key; legal keys: ${FAULT_KEYS.join(', ')}`, raw[k]);
  }
  const kinds: readonly string[] = device === 'camera' ? DEVICE_FAULT_KINDS : MICROPHONE_FAULT_KINDS;
  if (typeof raw.kind !== 'string' || !kinds.includes(raw.kind)) {
    fail(`${key}.kind`, `${describe(raw.kind)} is not legal for a ${device}; legal values: ${kinds.join(', ')}`, raw.kind);
  }
  const kind = raw.kind as DeviceFault['kind'];
  if (kind === 'never-opens' && raw.afterMs !== undefined) fail(`${key}.afterMs`, 'a source that never opens has no afterMs; give it with ends or stalls', raw.afterMs);
  return {
    kind,
    ...(raw.afterMs === undefined ? {} : { afterMs: integerIn(raw.afterMs, `${key}.afterMs`, FAULT_AFTER_MS_RANGE, fail) }),
    ...(raw.times === undefined ? {} : { times: integerIn(raw.times, `${key}.times`, FAULT_TIMES_RANGE, fail) }),
  };
}

/**
 * Splits an entry into its `fault` (validated) and the rest, so the entry's own keys are
 * validated as if the fault were not there; `withFault` puts it back on the validated entry.
 */
export function splitFault(raw: unknown, key: string, device: 'camera' | 'microphone', fail: FaultProblem): { entry: unknown; fault: DeviceFault | undefined } {
  if (!isRecord(raw) || raw.fault === undefined) return { entry: raw, fault: undefined };
  const { fault, ...entry } = raw;
  return { entry, fault: validateDeviceFault(fault, `${key}.fault`, device, fail) };
}

export function withFault<T extends object>(entry: T, fault: DeviceFault | undefined): T {
  return fault ? { ...entry, fault } : entry;
}
