// The `fault` key of a rig's camera and microphone entries (docs/driver-protocol.md "Device
// faults"): a source that never opens (missing or busy), ends, or stalls after it opened, or a
// microphone that opens but delivers no samples, so the device status codes of live-pusher.zh.md
// 状态码 (-1301, -1302, 1104, -1303, -1304, -1311) can be caused on purpose; and what a source can give (a camera's maxResolution, a microphone's sampleRates:
// -1305, -1306). Validation only; adapters/camera/faulty.ts and adapters/microphone/faulty.ts
// act on the fault, reference-pusher/source-limits.ts on the limits.
import type { DeviceFault as CameraFault } from '../driver-protocol/types.ts';

/** A camera's fault (driver-protocol DeviceFault) or a microphone's (also `no-samples`). */
export type DeviceFault = Omit<CameraFault, 'kind'> & { kind: CameraFault['kind'] | 'no-samples' };

export const DEVICE_FAULT_KINDS = ['never-opens', 'ends', 'stalls'] as const;
/** A microphone does not `stall` after it delivered (after samples, it `ends`); `no-samples`: it
 *  opens and never delivers a sample (状态码 -1311: Mic打开成功，但是录不到音频数据). */
export const MICROPHONE_FAULT_KINDS = ['never-opens', 'ends', 'no-samples'] as const;
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
  if ((kind === 'never-opens' || kind === 'no-samples') && raw.afterMs !== undefined) {
    fail(`${key}.afterMs`, `a source that ${kind === 'never-opens' ? 'never opens' : 'delivers no samples'} has no afterMs; give it with ends or stalls`, raw.afterMs);
  }
  return {
    kind,
    ...(raw.afterMs === undefined ? {} : { afterMs: integerIn(raw.afterMs, `${key}.afterMs`, FAULT_AFTER_MS_RANGE, fail) }),
    ...(raw.times === undefined ? {} : { times: integerIn(raw.times, `${key}.times`, FAULT_TIMES_RANGE, fail) }),
  };
}

/** What a source can give (maxResolution of a camera, sampleRates of a microphone). */
export interface SourceLimits {
  maxResolution?: { width: number; height: number };
  sampleRates?: number[];
}

/** A camera's maxResolution sides: from 2 to 8192 pixels. */
export const RESOLUTION_SIDE_RANGE = { min: 2, max: 8192 } as const;
/** A microphone's sample rates: from 8000 to 192000 Hz. */
export const SAMPLE_RATE_RANGE = { min: 8000, max: 192_000 } as const;

function limits(raw: Record<string, unknown>, key: string, device: 'camera' | 'microphone', fail: FaultProblem): SourceLimits {
  const out: SourceLimits = {};
  if (device === 'camera' && raw.maxResolution !== undefined) {
    const r = raw.maxResolution;
    const k = `${key}.maxResolution`;
    if (!isRecord(r)) fail(k, `${describe(r)} is not legal; must be a mapping {width, height}`, r);
    for (const name of Object.keys(r)) if (name !== 'width' && name !== 'height') fail(`${k}.${name}`, 'unknown key; legal keys: width, height', r[name]);
    out.maxResolution = { width: integerIn(r.width, `${k}.width`, RESOLUTION_SIDE_RANGE, fail), height: integerIn(r.height, `${k}.height`, RESOLUTION_SIDE_RANGE, fail) };
  }
  if (device === 'microphone' && raw.sampleRates !== undefined) {
    const r = raw.sampleRates;
    const k = `${key}.sampleRates`;
    if (!Array.isArray(r) || r.length === 0) fail(k, `${describe(r)} is not legal; must be a non-empty list of sample rates in Hz`, r);
    out.sampleRates = r.map((v, i) => integerIn(v, `${k}.${i}`, SAMPLE_RATE_RANGE, fail));
  }
  return out;
}

/** The keys a source entry may carry beside its own: its fault and what it can give. */
const EXTRA_KEYS = { camera: ['fault', 'maxResolution'], microphone: ['fault', 'sampleRates'] } as const;

/**
 * Splits an entry into its `fault` and limits (validated) and the rest, so the entry's own keys
 * are validated as if these were not there; `withFault` puts them back on the validated entry.
 */
export function splitFault(
  raw: unknown,
  key: string,
  device: 'camera' | 'microphone',
  fail: FaultProblem,
): { entry: unknown; fault: DeviceFault | undefined; limits: SourceLimits } {
  if (!isRecord(raw)) return { entry: raw, fault: undefined, limits: {} };
  const entry = Object.fromEntries(Object.entries(raw).filter(([k]) => !(EXTRA_KEYS[device] as readonly string[]).includes(k)));
  const fault = raw.fault === undefined ? undefined : validateDeviceFault(raw.fault, `${key}.fault`, device, fail);
  return { entry, fault, limits: limits(raw, key, device, fail) };
}

export function withFault<T extends object>(entry: T, fault: DeviceFault | undefined, sourceLimits: SourceLimits = {}): T {
  return { ...entry, ...(fault ? { fault } : {}), ...sourceLimits };
}
