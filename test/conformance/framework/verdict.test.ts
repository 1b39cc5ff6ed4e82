// Verdicts: which errors are failed, broken or skipped; the Allure listener applying them;
// capability requirements.
import { describe, expect, it } from 'vitest';
import { AssertionError } from 'node:assert';
import { Status, type TestResult } from 'allure-js-commons';
import { classifyError, isAssertionError, NotApplicableError } from '../../../conformance/verdict.ts';
import { IutBrokenError, IutCallError } from '../../../conformance/iut-client.ts';
import { ProcessStartError } from '../../../adapters/process/supervised.ts';
import { applyVerdict } from '../../../conformance/reporter/allure-verdict.ts';
import { missingCapabilities } from '../../../conformance/check.ts';
import { REASON_LABEL, VERDICT_LABEL } from '../../../conformance/task-meta.ts';

function thrownBy(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('classifyError', () => {
  it('assertions and unexpected fail payloads are failed', () => {
    expect(classifyError(thrownBy(() => expect(1).toBe(2)))).toBe('failed');
    expect(classifyError(new AssertionError({ message: 'x' }))).toBe('failed');
    expect(classifyError(new IutCallError('call', 'start:fail', -1))).toBe('failed');
    expect(classifyError({ name: 'IutCallError', message: 'serialized' })).toBe('failed');
  });

  it('infrastructure errors and bugs are broken, even when the message says "assert"', () => {
    expect(classifyError(new IutBrokenError('the driver died'))).toBe('broken');
    expect(classifyError(new ProcessStartError('ffmpeg', 'Assertion failed in libx264', ''))).toBe('broken');
    expect(classifyError(new TypeError('x is undefined'))).toBe('broken');
    expect(classifyError('a string')).toBe('broken');
  });

  it('not applicable is skipped', () => {
    expect(classifyError(new NotApplicableError('no camera'))).toBe('skipped');
  });

  it('recognises serialized assertion errors', () => {
    expect(isAssertionError({ name: 'AssertionError', message: 'm' })).toBe(true);
    expect(isAssertionError({ name: 'Error', message: 'm' })).toBe(false);
    expect(isAssertionError(null)).toBe(false);
  });
});

describe('applyVerdict (Allure listener)', () => {
  const result = (status: Status, verdict?: string, reason?: string): TestResult =>
    ({
      status,
      statusDetails: {},
      labels: [
        { name: 'epic', value: 'attributes' },
        ...(verdict ? [{ name: VERDICT_LABEL, value: verdict }] : []),
        ...(reason ? [{ name: REASON_LABEL, value: reason }] : []),
      ],
    }) as unknown as TestResult;

  it('turns a guessed status into the check verdict and removes the helper labels', () => {
    const r = result(Status.BROKEN, 'failed', 'errCode -1');
    applyVerdict(r);
    expect(r.status).toBe(Status.FAILED);
    expect(r.labels).toEqual([{ name: 'epic', value: 'attributes' }]);
    const b = result(Status.FAILED, 'broken');
    applyVerdict(b);
    expect(b.status).toBe(Status.BROKEN);
  });

  it('puts the skip reason into statusDetails', () => {
    const r = result(Status.SKIPPED, 'skipped', 'IUT lacks methods snapshot');
    applyVerdict(r);
    expect(r.status).toBe(Status.SKIPPED);
    expect(r.statusDetails.message).toBe('IUT lacks methods snapshot');
  });

  it('never touches a passed test or one without a verdict', () => {
    const p = result(Status.PASSED, 'broken');
    applyVerdict(p);
    expect(p.status).toBe(Status.PASSED);
    const n = result(Status.BROKEN);
    applyVerdict(n);
    expect(n.status).toBe(Status.BROKEN);
  });
});

describe('missingCapabilities', () => {
  const caps = { attributes: ['url', 'mirror'], methods: ['start'], events: ['statechange'] };
  it('names what is missing, by kind', () => {
    expect(missingCapabilities({ attributes: ['mirror', 'zoom'], methods: ['start', 'snapshot', 'setZoom'], events: ['bgmstart'] }, caps)).toBe(
      'attributes zoom; methods snapshot, setZoom; events bgmstart',
    );
  });
  it('is empty when everything is claimed or nothing is required', () => {
    expect(missingCapabilities({ attributes: ['url'], events: ['statechange'] }, caps)).toBe('');
    expect(missingCapabilities(undefined, caps)).toBe('');
  });
});
