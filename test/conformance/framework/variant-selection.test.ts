// The choice of broken variants a run of broken-drivers.test.ts makes (LPB_VARIANTS).
import { describe, expect, it } from 'vitest';
import { chooseVariants, readVariantSelection, type CheckRun } from '../broken/variant-selection.ts';

const check = (id: string, durationMs: number, passed = true): CheckRun => ({ id, durationMs, passed });
const variant = (name: string, pattern: string) => ({ name, pattern: new RegExp(`^(?:${pattern})$`) });

describe('LPB_VARIANTS', () => {
  it('is a cover when unset, "all", or a list of known names; anything else names what is legal', () => {
    expect(readVariantSelection(undefined, ['a'])).toEqual({ kind: 'cover' });
    expect(readVariantSelection(' cover ', ['a'])).toEqual({ kind: 'cover' });
    expect(readVariantSelection('all', ['a'])).toEqual({ kind: 'all' });
    expect(readVariantSelection('a, b', ['a', 'b'])).toEqual({ kind: 'named', names: ['a', 'b'] });
    expect(() => readVariantSelection('a,nope', ['a'])).toThrow(/LPB_VARIANTS="a,nope": no variant named nope; legal: "cover" \(default\), "all"/);
    expect(() => readVariantSelection(',', ['a'])).toThrow(/no variant named; legal/);
  });
});

describe('the cover of the reference run', () => {
  const checks = [check('x/1', 5_000), check('x/2', 5_000), check('y/1', 40_000), check('z/1', 3_000, false)];

  it('targets every check the reference passed, the most checks per second first, and leaves redundant variants out', () => {
    const variants = [
      variant('broad-and-slow', 'x/.*|y/1'),
      variant('x-only', 'x/.*'),
      variant('y-only', 'y/1'),
      variant('x1-again', 'x/1'),
      variant('z-only', 'z/1'),
    ];
    // x-only: 2 checks for 10 s; then y-only (1 for 40 s) beats broad-and-slow (1 new for 50 s).
    const chosen = chooseVariants({ kind: 'cover' }, variants, checks);
    expect([...chosen.keys()]).toEqual(['x-only', 'y-only']);
    expect(chosen.get('x-only')).toMatch(/^cover: chosen for 2 check\(s\)/);
  });

  it('takes one broad variant over several narrow ones when it costs less per check', () => {
    const four = ['a/1', 'a/2', 'a/3', 'a/4'].map((id) => check(id, 5_000));
    const variants = [variant('a1', 'a/1'), variant('a2', 'a/2'), variant('broad', 'a/.*'), variant('a3', 'a/3'), variant('a4', 'a/4')];
    expect([...chooseVariants({ kind: 'cover' }, variants, four).keys()]).toEqual(['broad']);
  });

  it('charges a shared push to every variant that touches its file: one variant for the whole file beats one per step', () => {
    // A stepped push: the first check waited 60 s for it, the others only judge (1 s each).
    const stepped = [check('s/1', 60_000), check('s/2', 1_000), check('s/3', 1_000)].map((c) => ({ ...c, file: 'stepped.check.ts' }));
    const variants = [variant('s2-only', 's/2'), variant('s3-only', 's/3'), variant('s1-only', 's/1'), variant('all-steps', 's/.*')];
    expect([...chooseVariants({ kind: 'cover' }, variants, stepped).keys()]).toEqual(['all-steps']);
  });

  it('chooses none for a check the reference did not pass', () => {
    expect([...chooseVariants({ kind: 'cover' }, [variant('z-only', 'z/1')], checks).keys()]).toEqual([]);
  });

  it('breaks ties by the order the variants are declared in', () => {
    const variants = [variant('first', 'x/1'), variant('second', 'x/1')];
    expect([...chooseVariants({ kind: 'cover' }, variants, [check('x/1', 1)]).keys()]).toEqual(['first']);
  });

  it('"all" and a named list ignore the reference run', () => {
    const variants = [variant('a', 'x/1'), variant('b', 'x/1')];
    expect([...chooseVariants({ kind: 'all' }, variants, []).keys()]).toEqual(['a', 'b']);
    expect([...chooseVariants({ kind: 'named', names: ['b'] }, variants, []).keys()]).toEqual(['b']);
  });
});
