// Small assertion helpers for checks: each states its tolerance in the failure message, so the
// report says what was measured, what was expected and how close it had to be.
import { AssertionError } from 'node:assert';

export function fail(message: string): never {
  throw new AssertionError({ message });
}

/** Not a number, or further than `tolerance` from `reference`. */
function outside(value: number, reference: number, tolerance: number): boolean {
  return !Number.isFinite(value) || Math.abs(value - reference) > tolerance;
}

/** |measured - expected| <= tolerance * expected. */
export function expectWithinRatio(what: string, measured: number, expected: number, ratio: number): void {
  if (outside(measured, expected, ratio * Math.abs(expected))) {
    fail(`${what}: measured ${round(measured)}, expected ${round(expected)} ± ${Math.round(ratio * 100)} %`);
  }
}

/** |measured - expected| <= tolerance. */
export function expectWithin(what: string, measured: number, expected: number, tolerance: number, unit = ''): void {
  if (outside(measured, expected, tolerance)) {
    fail(`${what}: measured ${round(measured)}${unit}, expected ${round(expected)}${unit} ± ${tolerance}${unit}`);
  }
}

/**
 * A figure the IUT reported (e.g. the mean of its netstatus reports) against the same figure
 * measured at the server: |reported - server| <= ratio * server.
 */
export function expectReportedWithinRatio(what: string, reported: number, server: number, ratio: number): void {
  if (outside(reported, server, ratio * Math.abs(server))) {
    fail(`${what}: the IUT reported ${round(reported)}, the server measured ${round(server)}; allowed ± ${Math.round(ratio * 100)} %`);
  }
}

export function expectAtMost(what: string, measured: number, limit: number, unit = ''): void {
  if (!Number.isFinite(measured) || measured > limit) fail(`${what}: measured ${round(measured)}${unit}, expected at most ${round(limit)}${unit}`);
}

export function expectAtLeast(what: string, measured: number, limit: number, unit = ''): void {
  if (!Number.isFinite(measured) || measured < limit) fail(`${what}: measured ${round(measured)}${unit}, expected at least ${round(limit)}${unit}`);
}

export function expectEqual<T>(what: string, measured: T, expected: T): void {
  if (JSON.stringify(measured) !== JSON.stringify(expected)) fail(`${what}: got ${JSON.stringify(measured)}, expected ${JSON.stringify(expected)}`);
}

export function expectTrue(what: string, ok: boolean, detail = ''): void {
  if (!ok) fail(`${what}${detail ? `: ${detail}` : ''}`);
}

/** How often expectEventually looks at its condition. */
const EVENTUALLY_POLL_MS = 50;

/** Waits until `cond` holds; fails with "<what> within <timeoutMs> ms" when it does not in time. */
export async function expectEventually(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) fail(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, EVENTUALLY_POLL_MS));
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
