// benchHoldStep (reference-pusher/interruption.ts): 5001 and the hold per lifecycle state, for an
// interruption and for the background.
import { describe, expect, it } from 'vitest';
import { benchHoldStep, type BenchHold } from '../../reference-pusher/interruption.ts';

const none = new Set<BenchHold>();
const by = (...h: BenchHold[]): Set<BenchHold> => new Set(h);

describe('benchHoldStep', () => {
  it('interruption begin: 5001 while a push is on; a running push is held (pause), a paused one stays as it is', () => {
    expect(benchHoldStep('interruption', 'pushing', none, 'begin')).toEqual({ report: true, call: 'pause', heldBy: by('interruption') });
    expect(benchHoldStep('interruption', 'paused', none, 'begin')).toEqual({ report: true, heldBy: none });
    expect(benchHoldStep('interruption', 'idle', none, 'begin')).toEqual({ report: false, heldBy: none });
    expect(benchHoldStep('interruption', 'previewing', none, 'begin')).toEqual({ report: false, heldBy: none });
  });

  it('end: resumes only a push the event held; no code', () => {
    expect(benchHoldStep('interruption', 'paused', by('interruption'), 'end')).toEqual({ report: false, call: 'resume', heldBy: none });
    expect(benchHoldStep('interruption', 'paused', none, 'end')).toEqual({ report: false, heldBy: none });
    expect(benchHoldStep('interruption', 'pushing', none, 'end')).toEqual({ report: false, heldBy: none });
    expect(benchHoldStep('interruption', 'idle', by('interruption'), 'end').call).toBeUndefined();
  });

  it('background: holds a running push like pause, with no code', () => {
    expect(benchHoldStep('background', 'pushing', none, 'begin')).toEqual({ report: false, call: 'pause', heldBy: by('background') });
    expect(benchHoldStep('background', 'paused', by('background'), 'end')).toEqual({ report: false, call: 'resume', heldBy: none });
    expect(benchHoldStep('background', 'paused', none, 'end')).toEqual({ report: false, heldBy: none });
  });

  it('both at once: the push resumes when the last of them ends', () => {
    const a = benchHoldStep('background', 'pushing', none, 'begin');
    const b = benchHoldStep('interruption', 'paused', a.heldBy, 'begin');
    expect(b).toEqual({ report: true, heldBy: by('background', 'interruption') });
    const c = benchHoldStep('background', 'paused', b.heldBy, 'end');
    expect(c).toEqual({ report: false, heldBy: by('interruption') });
    expect(benchHoldStep('interruption', 'paused', c.heldBy, 'end')).toEqual({ report: false, call: 'resume', heldBy: none });
  });
});
