// Which checks this run selected (`lpbench conformance --grep`), as seen from inside a check
// file. A shared push that steps through many changes (tests/support/runtime-steps.ts) pushes
// only the steps some selected check judges, so a run of a few checks (a broken variant, a
// developer's --grep) does not replay the whole stepped push. The full run selects everything.
// The pattern reaches the forked workers through vitest's provide/inject (conformance/run.ts).
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The --grep pattern of the run ('' or absent: every check). */
    lpbSelect: string;
  }
}

/** Pattern source → compiled pattern; '' → null (everything selected). */
export function selectionPattern(source: string | undefined): RegExp | null {
  return source ? new RegExp(source) : null;
}

let cached: { pattern: RegExp | null } | undefined;

/** True when the run selected the check `checkId` (matched as vitest matches test names). */
export function isSelected(checkId: string): boolean {
  cached ??= { pattern: selectionPattern(inject('lpbSelect')) };
  return cached.pattern === null || cached.pattern.test(checkId);
}
