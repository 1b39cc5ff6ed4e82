// The timeline helpers the runtime update checks judge with, on synthetic frames and packets
// of known timing: the live-time bound of decoded frames, the arrival bound of a presentation
// time, and rates over a window's packets.
import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../../conformance/oracles/frame.ts';
import type { Packet } from '../../../conformance/oracles/packets.ts';
import { bitrateKbps, packetsPerSecond } from '../../../conformance/oracles/packets.ts';
import { arrivalOfPts, baselineWindow, liveTimesFromFuture, notPushed, stepPushed, StepNotPushedError, stepWindow, type RuntimeRun, type RuntimeStep } from '../../../conformance/tests/support/runtime-steps.ts';
import { classifyError } from '../../../conformance/verdict.ts';
import { selectionPattern } from '../../../conformance/selection.ts';

const T0 = 1_000_000;

function frame(ptsMs: number, receivedAt: number): RgbFrame {
  return { width: 2, height: 2, data: new Uint8Array(12), ptsMs, receivedAt };
}

function packet(ptsMs: number, size: number, arrivedAtMs?: number): Packet {
  return { stream: 'video', ptsMs, dtsMs: ptsMs, size, keyframe: false, ...(arrivedAtMs === undefined ? {} : { arrivedAtMs }) };
}

describe('liveTimesFromFuture', () => {
  it('pulls a burst of cached frames back to their live times', () => {
    // Frames 0..400 ms arrive together at +500 ms (the server's cache), then live every 100 ms.
    const frames = [0, 100, 200, 300, 400, 500, 600].map((pts) => frame(pts, T0 + Math.max(500, pts) + 20));
    expect(liveTimesFromFuture(frames)).toEqual([0, 100, 200, 300, 400, 500, 600].map((pts) => T0 + pts + 20));
  });

  it('keeps frames at their own arrival when timestamps fall behind the wall clock', () => {
    // The stream's clock stops for 800 ms (an encoder restart): the frames after come later on
    // the wall clock than their timestamps say; the frames before keep their own arrivals.
    const frames = [frame(0, T0), frame(100, T0 + 100), frame(200, T0 + 1000), frame(300, T0 + 1100)];
    expect(liveTimesFromFuture(frames)).toEqual([T0, T0 + 100, T0 + 1000, T0 + 1100]);
  });

  it('keeps frames without a presentation time at their arrival', () => {
    const frames = [frame(Number.NaN, T0 + 50), frame(100, T0 + 100)];
    expect(liveTimesFromFuture(frames)).toEqual([T0 + 50, T0 + 100]);
  });
});

describe('arrivalOfPts', () => {
  it('is the earliest arrival among the packets at or after the time', () => {
    const video = [packet(0, 1, T0), packet(100, 1, T0 + 900), packet(200, 1, T0 + 300), packet(300, 1)];
    expect(arrivalOfPts(video, 50)).toBe(T0 + 300);
    expect(arrivalOfPts(video, 0)).toBe(T0);
    expect(arrivalOfPts(video, 250)).toBeNaN();
  });
});

describe('packetsPerSecond and bitrateKbps over the packets of a runtime step', () => {
  it('measures frames per second and kbit/s over the packets of a window', () => {
    const packets = Array.from({ length: 11 }, (_, i) => packet(i * 200, 1250));
    expect(packetsPerSecond(packets, 'video')).toBeCloseTo(5, 6);
    // 10 packets of 1250 bytes over 2 s: 50 kbit/s (the last packet's bytes are outside the span).
    expect(bitrateKbps(packets, 'video')).toBeCloseTo(50, 6);
    expect(packetsPerSecond([packet(0, 1)], 'video')).toBeNull();
    expect(bitrateKbps([], 'video')).toBeNull();
  });
});

describe('step selection (RuntimeStep.for): a run pushes only the steps its selected checks judge', () => {
  const whiteness: RuntimeStep = { name: 'whiteness 4', update: { whiteness: 4 }, for: ['attributes/whiteness/levels'] };
  const pink: RuntimeStep = { name: 'filter pink', update: { filter: 'pink' }, for: ['attributes/filter/pink', 'attributes/filter/distinct'] };
  const untagged: RuntimeStep = { name: 'mute', update: { muted: true } };

  it('selects by the run pattern as vitest matches test names; no pattern selects everything', () => {
    const only = selectionPattern('^(?:attributes/filter/distinct)$')!;
    const selected = (id: string) => only.test(id);
    expect([whiteness, pink, untagged].map((s) => stepPushed(s, selected))).toEqual([false, true, true]);
    expect(selectionPattern('')).toBeNull();
    expect(selectionPattern(undefined)).toBeNull();
    expect(stepPushed(whiteness, () => true)).toBe(true);
  });

  it('a step not pushed refuses to be read: the check that reads it breaks (not fails)', () => {
    const o = notPushed(whiteness);
    expect(o.pushed).toBe(false);
    expect(() => o.at).toThrow(StepNotPushedError);
    expect(() => o.refused).toThrow(/not pushed in this run.*attributes\/whiteness\/levels/);
    let caught: unknown;
    try {
      void o.result;
    } catch (err) {
      caught = err;
    }
    expect(classifyError(caught)).toBe('broken');
    // Dumps of a run's outcomes (evidence) still serialise.
    expect(JSON.parse(JSON.stringify(o))).toEqual({ step: whiteness, pushed: false });
  });

  it('windows run from a pushed step to the next pushed one, skipping steps not pushed', () => {
    const run = {
      steps: [{ step: untagged, pushed: true, at: 1000, refused: null }, notPushed(whiteness), { step: pink, pushed: true, at: 5000, refused: null }],
      lastFrameAt: 9000,
    } as unknown as RuntimeRun;
    expect(baselineWindow(run)).toEqual({ from: Number.NEGATIVE_INFINITY, to: 1000 });
    expect(stepWindow(run, 0).to).toBe(5000);
    expect(stepWindow(run, 2).to).toBe(9001);
    expect(() => stepWindow(run, 1)).toThrow(StepNotPushedError);
    const first = { ...run, steps: [notPushed(whiteness), run.steps[2]!] } as RuntimeRun;
    expect(baselineWindow(first).to).toBe(5000);
  });
});
