import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKERS, MAX_WORKERS, workersFrom } from '../../../conformance/env.ts';

describe('LPB_WORKERS', () => {
  it('defaults when unset or empty, takes 1..MAX_WORKERS', () => {
    expect(workersFrom(undefined)).toBe(DEFAULT_WORKERS);
    expect(workersFrom('')).toBe(DEFAULT_WORKERS);
    expect(workersFrom('1')).toBe(1);
    expect(workersFrom(String(MAX_WORKERS))).toBe(MAX_WORKERS);
  });

  it('refuses anything else, naming the value and what is legal', () => {
    for (const bad of ['0', String(MAX_WORKERS + 1), '2.5', 'two', '-1']) {
      expect(() => workersFrom(bad)).toThrow(new RegExp(`LPB_WORKERS=${JSON.stringify(bad).replace(/[.]/g, '\\.')} is not legal; expected an integer from 1 to ${MAX_WORKERS}`));
    }
  });
});
