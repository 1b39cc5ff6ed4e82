// A vitest reporter that writes <out>/summary.json (README "Reports"; shape in
// reports/summary.ts): one entry per check with the verdict the check recorded in task.meta
// (conformance/check.ts), the IUT that answered hello, the rig and the commit. A check file
// that failed to load becomes a broken entry, so nothing disappears from the summary; an IUT
// whose hello changed between checks is an error of the run.
import { join, relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { SerializedError } from 'vitest';
import { loadRig } from '../../rig/load.ts';
import type { Rig } from '../../rig/types.ts';
import { countTotals, currentCommit, UNKNOWN, writeSummary, type Summary, type SummaryTest, type TestStatus } from '../../reports/summary.ts';
import { readConformanceEnv, REPO_ROOT } from '../env.ts';
import { inconsistentHellos } from '../core-capabilities.ts';
import { isAssertionError } from '../verdict.ts';

export const SUMMARY_FILE = 'summary.json';
const NOT_RUN = 'not run';

/** A test vitest filtered out (--grep, .only elsewhere) never started: it is not part of the run. */
function wasFilteredOut(test: TestCase): boolean {
  const result = test.result();
  if (result.state === 'pending') return test.options.mode !== 'run';
  return result.state === 'skipped' && result.note === undefined && test.meta().lpbench === undefined;
}

function firstErrorMessage(errors: ReadonlyArray<{ message?: string }> | undefined): string {
  return errors?.[0]?.message ?? '';
}

function statusOf(test: TestCase): { status: TestStatus; message: string } {
  const result = test.result();
  const meta = test.meta().lpbench;
  switch (result.state) {
    case 'passed':
      return { status: 'passed', message: '' };
    case 'skipped':
      return { status: 'skipped', message: meta?.message ?? result.note ?? 'skipped' };
    case 'pending':
      return { status: 'skipped', message: NOT_RUN };
    case 'failed': {
      const message = meta?.message ?? firstErrorMessage(result.errors);
      if (meta?.verdict === 'failed' || meta?.verdict === 'broken') return { status: meta.verdict, message };
      // No verdict from the check (abandoned on timeout, or not declared with check()): judge the error.
      return { status: isAssertionError(result.errors[0]) ? 'failed' : 'broken', message: firstErrorMessage(result.errors) };
    }
  }
}

function entryOf(test: TestCase): SummaryTest {
  const meta = test.meta().lpbench;
  const check = meta?.check;
  const { status, message } = statusOf(test);
  return {
    id: check?.id ?? test.fullName,
    title: test.name,
    area: check?.area ?? UNKNOWN,
    ...(check ? { feature: check.feature, story: check.story } : {}),
    spec: check?.spec ?? '',
    specRows: check?.specRows ?? [],
    ...(check?.tolerance ? { tolerance: check.tolerance } : {}),
    status,
    durationMs: Math.round(test.diagnostic()?.duration ?? 0),
    message,
    file: relative(REPO_ROOT, test.module.moduleId),
    attachments: meta?.attachments ?? [],
  };
}

function brokenModuleEntry(module: TestModule): SummaryTest {
  const file = relative(REPO_ROOT, module.moduleId);
  return {
    id: `module:${file}`,
    title: file,
    area: UNKNOWN,
    spec: '',
    specRows: [],
    status: 'broken',
    durationMs: Math.round(module.diagnostic().duration),
    message: module.errors().map((e) => e.message).join('\n') || 'the check file failed to load',
    file,
    attachments: [],
  };
}

export default class SummaryReporter implements Reporter {
  private startedAt = new Date();
  private readonly outDir: string;

  constructor(opts: { outDir?: string } = {}) {
    this.outDir = opts.outDir ?? readConformanceEnv().outDir;
  }

  onTestRunStart(): void {
    this.startedAt = new Date();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const env = readConformanceEnv();
    const tests: SummaryTest[] = [];
    for (const module of modules) {
      const cases = [...module.children.allTests()].filter((t) => !wasFilteredOut(t));
      for (const test of cases) tests.push(entryOf(test));
      if (cases.length === 0 && module.errors().length > 0) tests.push(brokenModuleEntry(module));
    }
    const hellos = modules
      .flatMap((m) => [...m.children.allTests()])
      .map((t) => t.meta().lpbench?.iut)
      .filter((iut) => iut !== undefined);
    const hello = hellos[0];
    const inconsistent = inconsistentHellos(hellos);
    let rig: Rig | { error: string };
    try {
      rig = loadRig(env.rigFile);
    } catch (err) {
      rig = { error: (err as Error).message };
    }
    const summary: Summary = {
      iut: { name: hello?.name ?? UNKNOWN, version: hello?.version ?? UNKNOWN, command: env.iutCommand, ...(hello?.capabilities ? { capabilities: hello.capabilities } : {}) },
      rig,
      commit: currentCommit(REPO_ROOT),
      startedAt: this.startedAt.toISOString(),
      durationMs: Date.now() - this.startedAt.getTime(),
      totals: countTotals(tests),
      tests,
      errors: [...(inconsistent ? [inconsistent] : []), ...unhandledErrors.map((e) => e.message ?? String(e))],
    };
    writeSummary(join(this.outDir, SUMMARY_FILE), summary);
  }
}
