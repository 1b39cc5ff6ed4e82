// Which broken variants a run of broken-drivers.test.ts runs (LPB_VARIANTS).
//   unset / "cover": a cover — variants chosen greedily, most newly covered checks per second of
//     the reference run first, until every check the reference passed is targeted by a chosen
//     variant (a check no variant targets stays uncovered, and the final test of the file says so).
//     A variant's cost: per check file it touches, its targeted checks' reference durations, but
//     at least the file's longest check — a file whose checks share one push charges the push to
//     the check that waited for it, and a variant targeting any of them pays for the push;
//   "all": every variant;
//   "a,b,c": those variants (names checked against the list).
// Pure: the caller hands in the variants' patterns and the reference run's checks.

export type VariantSelection = { kind: 'cover' } | { kind: 'all' } | { kind: 'named'; names: string[] };

/** Costs are rounded up to this step, so that run-to-run jitter of durations rarely changes the cover. */
const COST_STEP_MS = 10_000;

export function readVariantSelection(value: string | undefined, known: string[]): VariantSelection {
  const v = (value ?? '').trim();
  if (v === '' || v === 'cover') return { kind: 'cover' };
  if (v === 'all') return { kind: 'all' };
  const names = v.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`LPB_VARIANTS=${JSON.stringify(value)}: ${unknown.length > 0 ? `no variant named ${unknown.join(', ')}` : 'no variant named'}; legal: "cover" (default), "all", or a comma list of variant names (test/conformance/broken/variants*.ts)`);
  }
  return { kind: 'named', names };
}

export interface CheckRun {
  id: string;
  passed: boolean;
  durationMs: number;
  /** The check file (checks of one file may share a push). */
  file?: string;
}

/** What running these checks costs (ms): per file, their durations, at least the file's longest check. */
function costOf(targeted: CheckRun[], longestInFile: Map<string, number>): number {
  const perFile = new Map<string, number>();
  for (const c of targeted) perFile.set(c.file ?? c.id, (perFile.get(c.file ?? c.id) ?? 0) + c.durationMs);
  let cost = 0;
  for (const [file, ms] of perFile) cost += Math.max(ms, longestInFile.get(file) ?? 0);
  return cost;
}

/** The chosen variants, name → why it runs; in the variants' own order. */
export function chooseVariants(selection: VariantSelection, variants: { name: string; pattern: RegExp }[], checks: CheckRun[]): Map<string, string> {
  if (selection.kind === 'all') return new Map(variants.map((v) => [v.name, 'LPB_VARIANTS=all']));
  if (selection.kind === 'named') return new Map(variants.filter((v) => selection.names.includes(v.name)).map((v) => [v.name, 'named in LPB_VARIANTS']));
  const longestInFile = new Map<string, number>();
  for (const c of checks) if (c.file !== undefined) longestInFile.set(c.file, Math.max(longestInFile.get(c.file) ?? 0, c.durationMs));
  const targets = variants.map((v) => ({
    name: v.name,
    ids: checks.filter((c) => c.passed && v.pattern.test(c.id)).map((c) => c.id),
    cost: Math.max(COST_STEP_MS, Math.ceil(costOf(checks.filter((c) => v.pattern.test(c.id)), longestInFile) / COST_STEP_MS) * COST_STEP_MS),
  }));
  const uncovered = new Set(checks.filter((c) => c.passed).map((c) => c.id));
  const picked = new Map<string, string>();
  for (;;) {
    let best: (typeof targets)[number] | undefined;
    let bestGain = 0;
    for (const t of targets) {
      if (picked.has(t.name)) continue;
      const gain = t.ids.filter((id) => uncovered.has(id)).length;
      // Strictly better only: ties go to the variant declared first.
      if (gain > 0 && (best === undefined || gain / t.cost > bestGain / best.cost)) {
        best = t;
        bestGain = gain;
      }
    }
    if (best === undefined) break;
    const newly = best.ids.filter((id) => uncovered.has(id));
    for (const id of newly) uncovered.delete(id);
    picked.set(best.name, `cover: chosen for ${newly.length} check(s) no variant chosen before it targets, e.g. ${newly[0]}`);
  }
  return new Map(variants.filter((v) => picked.has(v.name)).map((v) => [v.name, picked.get(v.name)!]));
}
