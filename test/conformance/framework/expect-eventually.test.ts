// expectEventually (conformance/tests/support/expect.ts): resolves once its condition holds, and
// fails as an assertion (the IUT's failure, not the bench's) naming what and how long.
import { describe, expect, it } from 'vitest';
import { AssertionError } from 'node:assert';
import { expectEventually } from '../../../conformance/tests/support/expect.ts';

const BECOMES_TRUE_AFTER_MS = 120;
const TIMEOUT_MS = 2000;
const SHORT_TIMEOUT_MS = 100;

describe('expectEventually', () => {
  it('resolves when the condition comes true in time', async () => {
    const at = Date.now() + BECOMES_TRUE_AFTER_MS;
    await expect(expectEventually('the flag', () => Date.now() >= at, TIMEOUT_MS)).resolves.toBeUndefined();
  });

  it('fails with an AssertionError naming what and the time allowed', async () => {
    const err = await expectEventually('the flag', () => false, SHORT_TIMEOUT_MS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssertionError);
    expect((err as Error).message).toBe(`the flag within ${SHORT_TIMEOUT_MS} ms`);
  });
});
