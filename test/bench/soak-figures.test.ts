// The soak benchmark's judgements (bench/perf/soak-figures.ts) on inputs with known answers: a
// whole reconnect sequence, each part of it missing, a pusher that gave up, a server that never
// saw the re-publish, a give-up that is right because the server stayed away longer than the retries; memory figures of a flat, a growing and a noisy series (slope exact on a
// straight line); `lpbench bench --minutes` refusing what is not a number of minutes.
import { describe, expect, it } from 'vitest';
import { expectationFor, judgeOutage, memoryFigures, slope } from '../../bench/perf/soak-figures.ts';
import { STATUS } from '../../spec/codes.ts';
import { run as runBench } from '../../bench/commands/bench.ts';

const at = (codes: number[], from = 1000) => codes.map((code, i) => ({ code, at: from + i * 100 }));
const WHOLE = [STATUS.SERVER_CLOSED, STATUS.RECONNECTING, STATUS.CONNECT_FAILED, STATUS.RECONNECTING, STATUS.CONNECTED, STATUS.PUSH_BEGIN];

describe('judgeOutage', () => {
  it('accepts the whole sequence and stops at the first 1002 after 1001', () => {
    const v = judgeOutage([...at([STATUS.PUSH_BEGIN], 0), ...at([...WHOLE, STATUS.BITRATE_CHANGED])], 1000, 10_000, true);
    expect(v).toEqual({ complete: true, expected: 'reconnect', codes: WHOLE, problems: [] });
  });

  it.each([
    ['the failure', [STATUS.RECONNECTING, STATUS.CONNECTED, STATUS.PUSH_BEGIN], 'no connection failure code'],
    ['1102', [STATUS.SERVER_CLOSED, STATUS.CONNECTED, STATUS.PUSH_BEGIN], `no ${STATUS.RECONNECTING}`],
    ['1001', [STATUS.SERVER_CLOSED, STATUS.RECONNECTING, STATUS.PUSH_BEGIN], `no ${STATUS.CONNECTED}`],
    ['1002', [STATUS.SERVER_CLOSED, STATUS.RECONNECTING, STATUS.CONNECTED], `no ${STATUS.PUSH_BEGIN}`],
  ])('finds %s missing', (_what, codes, problem) => {
    const v = judgeOutage(at(codes), 1000, 10_000, true);
    expect(v.complete).toBe(false);
    expect(v.problems.join('; ')).toContain(problem);
  });

  it('fails a pusher that gave up and a stream the server never saw again', () => {
    const gaveUp = judgeOutage(at([STATUS.SERVER_CLOSED, STATUS.RECONNECTING, STATUS.RECONNECT_EXHAUSTED]), 1000, 10_000, false);
    expect(gaveUp.problems).toEqual([`no ${STATUS.CONNECTED} after ${STATUS.RECONNECTING}`, `${STATUS.RECONNECT_EXHAUSTED}: the pusher gave up`, 'the server never saw the stream published again']);
    expect(judgeOutage(at(WHOLE), 1000, 10_000, false).problems).toEqual(['the server never saw the stream published again']);
  });

  const GAVE_UP = [STATUS.SERVER_CLOSED, STATUS.RECONNECTING, STATUS.CONNECT_FAILED, STATUS.RECONNECTING, STATUS.CONNECT_FAILED, STATUS.RECONNECTING, STATUS.CONNECT_FAILED, STATUS.RECONNECT_EXHAUSTED];

  it('a server away longer than the retries: the failure, 1102 and -1307 are the whole sequence', () => {
    expect(judgeOutage(at(GAVE_UP), 1000, 10_000, false, 'give-up')).toEqual({ complete: true, expected: 'give-up', codes: GAVE_UP, problems: [] });
    expect(judgeOutage(at(WHOLE), 1000, 10_000, true, 'give-up').problems).toEqual([`no ${STATUS.RECONNECT_EXHAUSTED} though the server was away longer than the retries`]);
    expect(judgeOutage(at([STATUS.SERVER_CLOSED, STATUS.RECONNECTING]), 1000, 10_000, false, 'give-up').complete).toBe(false);
  });

  it('near the edge of the retry window either whole sequence is complete, nothing less', () => {
    expect(judgeOutage(at(GAVE_UP), 1000, 10_000, false, 'either').complete).toBe(true);
    expect(judgeOutage(at(WHOLE), 1000, 10_000, true, 'either').complete).toBe(true);
    expect(judgeOutage(at([STATUS.SERVER_CLOSED, STATUS.RECONNECTING, STATUS.CONNECTED]), 1000, 10_000, true, 'either').complete).toBe(false);
  });

  it('expects by downtime against the retry window', () => {
    expect(expectationFor(5000, 9000, 1500)).toBe('reconnect');
    expect(expectationFor(9000, 9000, 1500)).toBe('either');
    expect(expectationFor(11_000, 9000, 1500)).toBe('give-up');
  });

  it('ignores codes outside the outage window', () => {
    expect(judgeOutage(at(WHOLE, 20_000), 1000, 10_000, true).codes).toEqual([]);
  });
});

describe('memoryFigures', () => {
  const MB = 1024 * 1024;
  const series = (f: (t: number) => number) => Array.from({ length: 121 }, (_, i) => ({ at: i * 1000, bytes: f(i * 1000) }));

  it('a flat series: ratio 1, slope 0', () => {
    const m = memoryFigures(series(() => 100 * MB), 15_000, 60_000, 30_000);
    expect(m.growthRatio).toBe(1);
    expect(m.slopeMbPerMinute).toBe(0);
    expect(m.baselineMb).toBe(100);
  });

  it('a straight line of 10 MB/min: the slope exactly, the ratio of the medians', () => {
    const m = memoryFigures(series((t) => 100 * MB + (t / 60_000) * 10 * MB), 15_000, 60_000, 30_000);
    expect(m.slopeMbPerMinute).toBeCloseTo(10, 9);
    // baseline: median of 15..59 s = 37 s -> 106.1667 MB; last 30 s (91..120 s): median 105.5 s -> 117.5833 MB
    expect(m.baselineMb).toBeCloseTo(100 + (37 / 60) * 10, 9);
    expect(m.lastMb).toBeCloseTo(100 + (105.5 / 60) * 10, 9);
  });

  it('medians shrug off a single spike', () => {
    const m = memoryFigures(series((t) => (t === 100_000 ? 900 * MB : 100 * MB)), 15_000, 60_000, 30_000);
    expect(m.growthRatio).toBe(1);
  });

  it('slope of fewer than two samples is 0', () => {
    expect(slope([{ at: 0, bytes: 5 }])).toBe(0);
  });
});

describe('lpbench bench --minutes', () => {
  it.each([[['soak', '--minutes', 'x']], [['soak', '--minutes']], [['soak', '--minutes', '0']], [['soak', '--minutes', '100000']]])('refuses %j with exit code 2', async (argv) => {
    expect(await runBench(argv)).toBe(2);
  });
});
