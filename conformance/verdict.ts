// How a check ends (docs/architecture.md "House style": infrastructure failures are *broken*,
// assertion failures are *failed*): an assertion or an IUT fail payload the check did not expect is the IUT's
// failure; a not-applicable marker is a skip with its reason; anything else (driver broken,
// server down, a process that would not start, a bug in the check) is broken.
import { IutCallError } from './iut-client.ts';

export type Verdict = 'passed' | 'failed' | 'broken' | 'skipped';

/** Thrown by CheckContext.notApplicable(): the check does not apply to this IUT or rig. */
export class NotApplicableError extends Error {
  constructor(readonly reason: string) {
    super(`not applicable: ${reason}`);
    this.name = 'NotApplicableError';
  }
}

const ASSERTION_NAMES = new Set(['AssertionError', 'JestAssertionError', 'ExpectationFailed']);

/** True for errors thrown by assertions (vitest expect / chai / node:assert), serialized or not. */
export function isAssertionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; constructor?: { name?: unknown } };
  if (typeof e.name === 'string' && ASSERTION_NAMES.has(e.name)) return true;
  if (typeof e.constructor?.name === 'string' && ASSERTION_NAMES.has(e.constructor.name)) return true;
  return 'matcherResult' in err;
}

export function classifyError(err: unknown): Exclude<Verdict, 'passed'> {
  if (err instanceof NotApplicableError) return 'skipped';
  if (err instanceof IutCallError) return 'failed';
  if (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'IutCallError') return 'failed';
  return isAssertionError(err) ? 'failed' : 'broken';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
