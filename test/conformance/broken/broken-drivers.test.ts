// Every conformance check must be able to fail (DESIGN.md: "A check that cannot fail is a
// defect"). The suite runs once against the reference driver (everything it claims passes),
// then against each deliberately broken variant limited to the checks that variant must break;
// those checks must come out *failed* (not broken, not passed), and every check that passed
// against the reference must be failed by at least one variant.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../../conformance/run.ts';
import type { Summary } from '../../../reports/summary.ts';
import { VARIANTS } from './variants.ts';

const BROKEN_DRIVER = fileURLToPath(new URL('./broken-driver.ts', import.meta.url));
const RUN_TIMEOUT_MS = 15 * 60_000;
/**
 * Checks at once inside a file for the variant runs. A variant targets a few checks that mostly
 * live in one file, which would otherwise run one after another. Each must still come out
 * *failed* (not broken by a timeout), which is asserted below. The reference run keeps the
 * default (one at a time), as `npm run conformance` does.
 */
const VARIANT_CONCURRENCY = 3;

const outRoot = mkdtempSync(join(tmpdir(), 'lpb-broken-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

function anchored(patterns: string[]): RegExp {
  return new RegExp(`^(?:${patterns.join('|')})$`);
}

let reference: Summary | undefined;
const failedBy = new Map<string, string[]>();

describe.sequential('conformance checks against good and broken drivers', () => {
  it(
    'passes everything the reference driver claims, and skips the rest with a reason',
    async () => {
      reference = await runConformance({ outDir: join(outRoot, 'reference'), html: false, quiet: true });
      const bad = reference.tests.filter((t) => t.status === 'failed' || t.status === 'broken');
      expect(bad.map((t) => `${t.id}: ${t.status}: ${t.message.split('\n')[0]}`)).toEqual([]);
      expect(reference.totals.passed).toBeGreaterThan(50);
      for (const t of reference.tests.filter((x) => x.status === 'skipped')) expect(t.message, t.id).not.toBe('');
    },
    RUN_TIMEOUT_MS,
  );

  for (const v of VARIANTS) {
    it(
      `variant ${v.name} (${v.what}) fails the checks it breaks`,
      async () => {
        const pattern = anchored(v.breaks);
        const summary = await runConformance({
          iut: `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(BROKEN_DRIVER)} ${v.name}`,
          grep: pattern.source,
          outDir: join(outRoot, v.name),
          html: false,
          quiet: true,
          concurrency: VARIANT_CONCURRENCY,
        });
        const targeted = summary.tests.filter((t) => pattern.test(t.id));
        expect(targeted.length, `checks matching ${pattern}`).toBeGreaterThan(0);
        // Recorded before the assertions, so one variant's miss does not hide what it did fail.
        for (const t of targeted.filter((x) => x.status === 'failed')) failedBy.set(t.id, [...(failedBy.get(t.id) ?? []), v.name]);
        const notFailed = targeted.filter((t) => t.status !== 'failed' && t.status !== 'skipped');
        expect(notFailed.map((t) => `${t.id}: ${t.status} ${t.message.split('\n')[0]}`)).toEqual([]);
      },
      RUN_TIMEOUT_MS,
    );
  }

  it('every check that passed against the reference is failed by some broken variant', () => {
    expect(reference, 'the reference run').toBeDefined();
    const passed = reference!.tests.filter((t) => t.status === 'passed').map((t) => t.id);
    const neverFailed = passed.filter((id) => !failedBy.has(id));
    expect(neverFailed).toEqual([]);
  });
});
