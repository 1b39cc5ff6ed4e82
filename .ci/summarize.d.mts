// Types of .ci/summarize.mjs for the TypeScript tests (test/ci/summarize.test.ts).
export interface CiSummary {
  found: boolean;
  passed: number;
  failed: number;
  skipped: number;
  /** "N passed, N failed" with ", N skipped" when any were skipped or todo. */
  line: string;
}
export function summarize(output: string, exitStatus?: number): CiSummary;
