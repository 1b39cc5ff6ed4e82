// Merging the results of a suite run in shards (README "Nightly regression"; `lpbench
// conformance --shard i/n` on several runners, then `lpbench report --merge`): the shards'
// summaries become one (tests concatenated, totals and skips recomputed, errors kept with the
// shard they came from) and their allure-results and evidence folders one folder each. Shards
// that ran different IUTs, commits, or the same check twice are errors of the merged run, never
// silently combined.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { countTotals, groupSkips, readSummary, type Summary } from './summary.ts';

export const SUMMARY_NAME = 'summary.json';
export const ALLURE_RESULTS_NAME = 'allure-results';
export const EVIDENCE_NAME = 'evidence';

export interface Shard {
  dir: string;
  summary: Summary;
}

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** Reads <dir>/summary.json of each shard; a missing or unreadable one is a MergeError naming it. */
export function readShards(dirs: readonly string[]): Shard[] {
  if (dirs.length === 0) throw new MergeError('nothing to merge: give at least one results folder');
  return dirs.map((dir) => {
    const file = join(dir, SUMMARY_NAME);
    if (!existsSync(file)) throw new MergeError(`${dir} has no ${SUMMARY_NAME} (is it a results folder of lpbench conformance?)`);
    try {
      return { dir, summary: readSummary(file) };
    } catch (err) {
      throw new MergeError(`${file} is not a readable summary: ${(err as Error).message}`);
    }
  });
}

/** One summary from the shards' summaries. */
export function mergeSummaries(shards: readonly Shard[]): Summary {
  const [first] = shards;
  if (!first) throw new MergeError('nothing to merge');
  const errors: string[] = [];
  const seen = new Map<string, string>();
  const tests: Summary['tests'] = [];
  for (const { dir, summary } of shards) {
    if (summary.iut.name !== first.summary.iut.name || summary.iut.version !== first.summary.iut.version) {
      errors.push(`shard ${dir} ran ${summary.iut.name} ${summary.iut.version}, shard ${first.dir} ran ${first.summary.iut.name} ${first.summary.iut.version}`);
    }
    if (summary.commit !== first.summary.commit) errors.push(`shard ${dir} ran commit ${summary.commit}, shard ${first.dir} ran ${first.summary.commit}`);
    for (const e of summary.errors) errors.push(`[${dir}] ${e}`);
    for (const t of summary.tests) {
      const other = seen.get(t.id);
      if (other !== undefined) {
        errors.push(`check ${t.id} ran in two shards (${other} and ${dir}); the first result is kept`);
        continue;
      }
      seen.set(t.id, dir);
      tests.push(t);
    }
  }
  const starts = shards.map((s) => Date.parse(s.summary.startedAt)).filter(Number.isFinite);
  const ends = shards.map((s) => Date.parse(s.summary.startedAt) + s.summary.durationMs).filter(Number.isFinite);
  const broken = shards.find((s) => s.summary.rigHealth && !s.summary.rigHealth.ok);
  const health = broken?.summary.rigHealth ?? first.summary.rigHealth;
  const merged: Summary = {
    iut: first.summary.iut,
    rig: first.summary.rig,
    commit: first.summary.commit,
    startedAt: starts.length ? new Date(Math.min(...starts)).toISOString() : first.summary.startedAt,
    durationMs: starts.length && ends.length ? Math.max(...ends) - Math.min(...starts) : first.summary.durationMs,
    totals: countTotals(tests),
    tests,
    errors,
    skips: groupSkips(tests),
  };
  if (health) merged.rigHealth = health;
  return merged;
}

/** Copies every shard's allure-results and evidence into `outDir` (file names are unique per result). */
export function mergeResultFolders(shards: readonly Shard[], outDir: string): void {
  const results = join(outDir, ALLURE_RESULTS_NAME);
  mkdirSync(results, { recursive: true });
  for (const { dir } of shards) {
    const from = join(dir, ALLURE_RESULTS_NAME);
    if (existsSync(from)) for (const name of readdirSync(from)) copyFileSync(join(from, name), join(results, name));
    const evidence = join(dir, EVIDENCE_NAME);
    if (existsSync(evidence)) cpSync(evidence, join(outDir, EVIDENCE_NAME), { recursive: true });
  }
}
