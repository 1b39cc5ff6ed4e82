// Tests of impairment timelines (adapters/faults/timeline.ts) on a fake clock: steps are applied
// at absolute offsets (a slow action does not push later steps back), in order, the last hold is
// waited, an abort stops before the next step, and a bad timeline is refused before anything is
// applied, naming the step. The real-clock behaviour is tested through the proxy in
// impairment-proxy.test.ts. Faults for live-pusher.zh.md 状态码 1101 / 1102 / 3005.
import { describe, expect, it } from 'vitest';
import { runTimeline, validateTimeline, type Clock, type TimelineTarget } from '../../../adapters/faults/timeline.ts';
import type { Toxic } from '../../../adapters/faults/toxics.ts';

/** A clock whose time moves only when someone sleeps on it (or an action takes "time"). */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleepUntil: async (t, signal) => {
      if (signal?.aborted) return;
      now = Math.max(now, t);
    },
  };
}

function recorder(clock: Clock & { advance(ms: number): void }, downTakesMs = 0): TimelineTarget & { log: string[] } {
  const toxics = new Map<string, Toxic>();
  const log: string[] = [];
  return {
    log,
    setToxic: (name, toxic) => {
      toxics.set(name, toxic);
      log.push(`${clock.now()} set ${name}`);
    },
    removeToxic: (name) => {
      toxics.delete(name);
      log.push(`${clock.now()} remove ${name}`);
    },
    toxicNames: () => [...toxics.keys()],
    down: async () => {
      clock.advance(downTakesMs);
      log.push(`${clock.now()} down`);
    },
    up: async () => {
      log.push(`${clock.now()} up`);
    },
  };
}

const CAP: Toxic = { type: 'bandwidth', stream: 'upstream', kbps: 500 };

describe('impairment timelines', () => {
  it('"500 kbps for 10 s, then down for 4 s, then up": each step at its absolute time, a slow action shifting nothing', async () => {
    const clock = fakeClock();
    const target = recorder(clock, 700);
    const run = await runTimeline(
      target,
      [
        { apply: [{ op: 'set', name: 'cap', toxic: CAP }], holdMs: 10_000 },
        { apply: [{ op: 'remove', name: 'cap' }, { op: 'down' }], holdMs: 4000 },
        { apply: [{ op: 'up' }], holdMs: 1000 },
      ],
      undefined,
      clock,
    );
    expect(target.log).toEqual(['0 set cap', '10000 remove cap', '10700 down', '14000 up']);
    expect(run.applied.map((s) => [s.plannedMs, s.appliedMs])).toEqual([
      [0, 0],
      [10_000, 10_700],
      [14_000, 14_000],
    ]);
    expect(clock.now()).toBe(15_000); // the last hold is waited
    expect(run.aborted).toBe(false);
  });

  it('clear removes every toxic present at that point', async () => {
    const clock = fakeClock();
    const target = recorder(clock);
    await runTimeline(target, [{ apply: [{ op: 'set', name: 'a', toxic: CAP }, { op: 'set', name: 'b', toxic: CAP }, { op: 'clear' }] }], undefined, clock);
    expect(target.toxicNames()).toEqual([]);
    expect(target.log).toEqual(['0 set a', '0 set b', '0 remove a', '0 remove b']);
  });

  it('an aborted signal stops before the next step', async () => {
    const clock = fakeClock();
    const target = recorder(clock);
    const abort = new AbortController();
    abort.abort();
    const run = await runTimeline(target, [{ apply: [{ op: 'down' }] }], abort.signal, clock);
    expect(run).toMatchObject({ aborted: true, applied: [] });
    expect(target.log).toEqual([]);
  });

  it('refuses a bad timeline before applying anything, naming the step and what is wrong', async () => {
    const clock = fakeClock();
    const target = recorder(clock);
    await expect(
      runTimeline(target, [{ apply: [{ op: 'down' }], holdMs: 10 }, { apply: [{ op: 'set', name: 'x', toxic: { type: 'bandwidth', stream: 'upstream', kbps: -1 } }] }], undefined, clock),
    ).rejects.toThrow('toxic "x": kbps -1 is not legal; expected a number from 1 to 10000000');
    expect(target.log).toEqual([]);
    expect(() => validateTimeline([])).toThrow('timeline: expected a non-empty array of steps');
    expect(() => validateTimeline([{ apply: [], holdMs: -5 }])).toThrow('timeline step 0: holdMs -5 is not legal; expected a number >= 0');
    expect(() => validateTimeline([{ apply: [{ op: 'remove', name: 'cap' }] }], ['other'])).toThrow('timeline step 0: remove "cap": no toxic of that name is set at this step (set: other)');
    expect(() => validateTimeline([{ apply: [], holdMs: 3_600_001 }])).toThrow(/lasts 3600001 ms, more than the 3600000 ms allowed/);
  });
});
