// interruptionStep (reference-pusher/interruption.ts): 5001 and the hold per lifecycle state.
import { describe, expect, it } from 'vitest';
import { interruptionStep } from '../../reference-pusher/interruption.ts';

describe('interruptionStep', () => {
  it('begin: 5001 while a push is on; a running push is held (pause), a paused one stays as it is', () => {
    expect(interruptionStep('pushing', false, 'begin')).toEqual({ report: true, call: 'pause' });
    expect(interruptionStep('paused', false, 'begin')).toEqual({ report: true });
    expect(interruptionStep('idle', false, 'begin')).toEqual({ report: false });
    expect(interruptionStep('previewing', false, 'begin')).toEqual({ report: false });
  });

  it('end: resumes only a push the interruption held; no code', () => {
    expect(interruptionStep('paused', true, 'end')).toEqual({ report: false, call: 'resume' });
    expect(interruptionStep('paused', false, 'end')).toEqual({ report: false });
    expect(interruptionStep('pushing', false, 'end')).toEqual({ report: false });
    expect(interruptionStep('idle', true, 'end')).toEqual({ report: false });
  });
});
