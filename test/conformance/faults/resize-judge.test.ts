// The 1005 rule (conformance/tests/faults/resize-judge.ts) on made-up streams: sizes at the
// server against the 1005s received. Spec: live-pusher.zh.md 状态码 1005; context-api.md
// "Presets behind mode" (RTC adaptive resolution 190x320 .. 360x640).
import { describe, expect, it } from 'vitest';
import { judgeResizes, RESIZE_LAG_MS, RESIZE_LEAD_MS } from '../../../conformance/tests/faults/resize-judge.ts';
import type { FrameSize } from '../../../conformance/oracles/frame-sizes.ts';

const RTC = { min: { width: 190, height: 320 }, max: { width: 360, height: 640 } };
const FRAME_MS = 100;
const OFFSET = 1_000_000;
/** Each frame arrives this long after it was made (a queue in front of the server). */
const QUEUED_MS = 500;

/** A frame made every 100 ms from OFFSET, each arriving QUEUED_MS later: [size, how many frames] in order. */
function stream(...runs: [string, number][]): FrameSize[] {
  const out: FrameSize[] = [];
  for (const [size, n] of runs) {
    const [width, height] = size.split('x').map(Number) as [number, number];
    for (let i = 0; i < n; i++) out.push({ ptsMs: out.length * FRAME_MS, width, height, at: OFFSET + out.length * FRAME_MS + QUEUED_MS });
  }
  return out;
}

const judge = (sizes: FrameSize[], codes: number[], lowFromMs = 500, lowUntilMs = 2000) =>
  judgeResizes({ sizes, offset: OFFSET, codes: codes.map((t) => OFFSET + t), range: RTC, lowFrom: OFFSET + lowFromMs, lowUntil: OFFSET + lowUntilMs, origin: OFFSET });

describe('judgeResizes', () => {
  // Down at 1000 ms (frame 10), back up at 2000 ms (frame 20).
  const honest = stream(['360x640', 10], ['190x320', 10], ['360x640', 5]);

  it('passes a 1005 shortly before each size change', () => {
    const j = judge(honest, [400, 1500]);
    expect(j.changes.map((c) => [c.from, c.to, c.madeFrom, c.arrivedAt, c.lastOldMadeFrom])).toEqual([['360x640', '190x320', 1000, 1500, 900], ['190x320', '360x640', 2000, 2500, 1900]]);
    expect([j.outside, j.mismatched]).toEqual([[], []]);
    expect(j.steppedDown).toMatch(/^yes/);
  });

  it('wants the step down made while capped', () => {
    expect(judge(honest, [400, 1500], 1001, 3000).steppedDown).toMatch(/^no/);
    expect(judge(stream(['190x320', 10], ['360x640', 10]), [400]).steppedDown).toMatch(/^no/);
  });

  it('fails 1005 without a size change (a pusher that announces and keeps its size)', () => {
    const j = judge(stream(['360x640', 25]), [400, 1500]);
    expect(j.mismatched).toHaveLength(2);
    expect(j.steppedDown).toMatch(/^no/);
  });

  it('fails a size change without 1005 (a silent one)', () => {
    expect(judge(honest, []).mismatched).toHaveLength(2);
    expect(judge(honest, [400]).mismatched).toEqual([expect.stringContaining('190x320 -> 360x640 (made from 2000 ms, arrived at 2500 ms) with no 1005')]);
  });

  it('fails a 1005 certainly too early (before the earliest make time) or too late (after the arrival)', () => {
    expect(judge(honest, [1000 - RESIZE_LEAD_MS - 1, 1500]).mismatched).toHaveLength(1);
    expect(judge(honest, [1500 + RESIZE_LAG_MS + 1, 1600]).mismatched).toHaveLength(1);
    expect(judge(honest, [1000 - RESIZE_LEAD_MS, 2500 + RESIZE_LAG_MS]).mismatched).toEqual([]);
  });

  it('frames dropped around a change: a 1005 after the last frame of the old size is in time, one before it still too early', () => {
    // 360x640 made 0-900 ms, nothing reaches the server until the new size made at 6000 ms.
    const dropped = stream(['360x640', 10]).concat(stream(['190x320', 5]).map((f) => ({ ...f, ptsMs: f.ptsMs + 6000, at: f.at + 6000 })));
    expect(judge(dropped, [1500]).mismatched).toEqual([]);
    expect(judge(dropped, [900]).mismatched).toEqual([]);
    expect(judge(dropped, [899]).mismatched).toEqual([expect.stringContaining('the last frame of the old size made from 900 ms')]);
  });

  it('fails sizes outside the preset range, in either orientation', () => {
    expect(judge(stream(['360x640', 10], ['160x284', 10]), [900]).outside).toEqual(['160x284']);
    expect(judge(stream(['640x360', 10], ['320x190', 10]), [900]).outside).toEqual([]);
    expect(judge(stream(['720x1280', 10], ['360x640', 10]), [900]).outside).toEqual(['720x1280']);
  });
});
