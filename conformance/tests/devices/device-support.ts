// Helpers of the device-fault checks (devices.check.ts, interruption.check.ts): the rig with a
// fault on one source (rig/device-fault.ts), the codes of a start that failed on a device, and
// what the stream at the server says about a restart (frames again, timestamps continuing).
// Spec: live-pusher.zh.md 状态码 (-1301, -1302, 1104, -1303, 5001).
import type { CheckContext } from '../../check.ts';
import { IutCallError } from '../../iut-client.ts';
import type { Observation } from '../../oracles/observe.ts';
import type { Packet } from '../../oracles/packets.ts';
import { readFrameCounter, type RgbFrame } from '../../oracles/video.ts';
import type { DeviceFault } from '../../../rig/device-fault.ts';
import type { Rig } from '../../../rig/types.ts';
import { withMaterializedFault } from '../../../adapters/sources/materialize.ts';
import { STATUS } from '../../../spec/codes.ts';
import { describeCode } from '../support/codes.ts';
import { fail } from '../support/expect.ts';

/** The check's rig with `fault` on the front camera (a materialized source that never opens
 *  points where nothing opens: adapters/sources/materialize.ts). */
export function withCameraFault(ctx: CheckContext, fault: DeviceFault): Rig {
  return { ...ctx.rig, camera: { ...ctx.rig.camera, front: withMaterializedFault({ ...ctx.rig.camera.front, fault }) } } as Rig;
}

/** The check's rig with `fault` on the microphone (as withCameraFault). */
export function withMicrophoneFault(ctx: CheckContext, fault: DeviceFault): Rig {
  return { ...ctx.rig, microphone: withMaterializedFault({ ...ctx.rig.microphone, fault }) } as Rig;
}

/**
 * Waits for the start's failure: the first negative (fatal) status code within `timeoutMs`. It
 * must be `failure`; another one fails at once (the start has failed with the wrong code: waiting
 * on for the right one would only cost the rest of the timeout).
 */
export async function waitForStartFailure(ctx: CheckContext, failure: number, timeoutMs: number): Promise<void> {
  const codeOf = (detail: unknown): number | undefined => {
    const c = (detail as { code?: unknown } | null)?.code;
    return typeof c === 'number' ? c : undefined;
  };
  const e = await ctx.iut.waitForEvent('statechange', (ev) => (codeOf(ev.detail) ?? 0) < 0, timeoutMs).catch(() => {
    fail(`${describeCode(failure)} was not reported within ${timeoutMs / 1000} s of start (no failure code at all)`);
  });
  const got = codeOf(e.detail)!;
  if (got !== failure) fail(`the start failed with ${describeCode(got)}, expected ${describeCode(failure)}`);
}

/** Codes that may precede a device failure at start: the devices that did open before it. */
export const OPENED_BEFORE_MIC = [STATUS.CAMERA_OPENED, STATUS.FIRST_FRAME] as const;

/**
 * A start that failed on a device: `failure` reported once, after nothing but codes of
 * `mayPrecede` (each at most once, in the spec's order), and nothing after it (no connection,
 * no push, no second failure).
 */
export function expectFailedStart(what: string, reported: readonly number[], failure: number, mayPrecede: readonly number[]): void {
  const at = reported.indexOf(failure);
  const all = `reported ${reported.length === 0 ? 'none' : reported.join(' ')}`;
  if (at < 0) fail(`${what}: ${describeCode(failure)} was not reported (${all})`);
  const before = reported.slice(0, at);
  const allowed = mayPrecede.filter((c) => before.includes(c));
  if (before.join(' ') !== allowed.join(' ')) {
    const stray = before.find((c) => !mayPrecede.includes(c));
    fail(`${what}: ${stray === undefined ? 'codes before the failure repeat or are out of order' : `${describeCode(stray)} came before the failure`}; only ${mayPrecede.length ? mayPrecede.join(' ') : 'nothing'} may precede ${failure} (${all})`);
  }
  const after = reported.slice(at + 1);
  if (after.length > 0) fail(`${what}: ${describeCode(after[0]!)} came after ${failure}, which ends the start (${all})`);
}

/** Video packets in arrival order (those read live). */
export function videoPackets(o: Observation): Packet[] {
  return o.packets.filter((p) => p.stream === 'video' && p.arrivedAtMs !== undefined);
}

/** How much a video timestamp may run ahead of the wall clock across an outage (a leap forward). */
export const TIMESTAMP_LEAP_TOLERANCE_MS = 1000;

/**
 * Timestamps continue across a restart: video dts always advances (a restarted encoder's
 * timestamps do not start over; the reader's remuxer clamps timestamps that go back to the last
 * one, so going back shows as video packets sharing a dts) and never leaps ahead of the wall
 * time between arrivals by more than TIMESTAMP_LEAP_TOLERANCE_MS.
 */
export function expectContinuousTimestamps(what: string, packets: readonly Packet[]): void {
  for (let i = 1; i < packets.length; i++) {
    const a = packets[i - 1]!;
    const b = packets[i]!;
    const dts = b.dtsMs - a.dtsMs;
    if (dts <= 0) {
      const stuck = packets.filter((p) => p.dtsMs === a.dtsMs).length;
      fail(`${what}: video dts did not advance (from ${Math.round(a.dtsMs)} to ${Math.round(b.dtsMs)} ms at packet ${i} of ${packets.length}; ${stuck} packets share ${Math.round(a.dtsMs)} ms): timestamps went back or stood still`);
    }
    const wall = (b.arrivedAtMs ?? 0) - (a.arrivedAtMs ?? 0);
    if (dts > wall + TIMESTAMP_LEAP_TOLERANCE_MS) {
      fail(`${what}: video dts leapt ${Math.round(dts)} ms ahead while ${Math.round(wall)} ms passed at the reader (allowed ${TIMESTAMP_LEAP_TOLERANCE_MS} ms more), at packet ${i} of ${packets.length}`);
    }
  }
}

/** Least share of the wall time between two video packets that their stream time must span. */
export const MIN_PACE = 0.8;

/**
 * Stream time keeps pace with the wall clock over these packets (e.g. those after a restart):
 * their dts span is at least MIN_PACE of the time between their arrivals. A restarted encoder
 * whose timestamps started over reaches the reader clamped by its remuxer into a stream whose
 * time hardly moves, which fails here.
 */
export function expectStreamTimeKeepsPace(what: string, packets: readonly Packet[]): { streamMs: number; wallMs: number } {
  if (packets.length < 2) fail(`${what}: ${packets.length} video packets, at least 2 are needed to judge`);
  const first = packets[0]!;
  const last = packets[packets.length - 1]!;
  const wall = (last.arrivedAtMs ?? 0) - (first.arrivedAtMs ?? 0);
  const stream = last.dtsMs - first.dtsMs;
  if (stream < MIN_PACE * wall) {
    fail(`${what}: stream time advanced ${Math.round(stream)} ms while ${Math.round(wall)} ms passed at the reader (at least ${MIN_PACE * 100} % of it is needed)`);
  }
  return { streamMs: stream, wallMs: wall };
}

/** The readable frame counters of these frames, in order. */
export function counters(frames: readonly RgbFrame[]): number[] {
  return frames.map((f) => readFrameCounter(f)).filter((c): c is number => c !== null);
}

/** Tells the IUT a bench event's phase (docs/driver-protocol.md "bench"); a driver that refuses
 *  it cannot be judged on it: not applicable, with its answer. */
export async function benchEvent(ctx: CheckContext, event: 'interruption' | 'background', phase: 'begin' | 'end'): Promise<void> {
  try {
    await ctx.iut.request('bench', { event, phase });
  } catch (err) {
    if (err instanceof IutCallError) ctx.notApplicable(`the driver refused the bench ${event} ${phase} (${err.errMsg}): it cannot ${event === 'interruption' ? 'be interrupted' : 'be sent to the background'}`);
    throw err;
  }
}
