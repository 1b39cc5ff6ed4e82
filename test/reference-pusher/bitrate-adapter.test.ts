// The bitrate controller on synthetic links of known capacity: a simulated encoder produces the
// controller's target plus audio, a simulated uplink drains at most its capacity, the queue is
// the difference. Spec: live-pusher.zh.md min-bitrate / max-bitrate, 状态码 1006 / 1101 / 1005.
import { describe, expect, it } from 'vitest';
import { ADAPT_TICK_MS, BitrateAdapter, resolutionAt, type AdapterDecision } from '../../reference-pusher/bitrate-adapter.ts';

const BOUNDS = { minKbps: 200, maxKbps: 1200, audioKbps: 64 };
const BITS_PER_BYTE = 8;

interface Step {
  at: number;
  targetKbps: number;
  decisions: AdapterDecision[];
  queuedBytes: number;
}

/** Runs `ms` of a link whose capacity (kbps) is `capacity(t)`; returns every tick. */
function simulate(adapter: BitrateAdapter, ms: number, capacity: (t: number) => number, start = { t: 0, sent: 0, queued: 0 }): { steps: Step[]; end: typeof start } {
  let { t, sent, queued } = start;
  const steps: Step[] = [];
  while (t < start.t + ms) {
    t += ADAPT_TICK_MS;
    const produced = ((adapter.targetKbps + BOUNDS.audioKbps) * ADAPT_TICK_MS) / BITS_PER_BYTE;
    const room = (capacity(t) * ADAPT_TICK_MS) / BITS_PER_BYTE;
    const backlog = queued + produced;
    const out = Math.min(backlog, room);
    sent += out;
    queued = backlog - out;
    const decisions = adapter.tick({ now: t, bytesSent: sent, queuedBytes: queued, connected: true });
    steps.push({ at: t, targetKbps: adapter.targetKbps, decisions, queuedBytes: queued });
  }
  return { steps, end: { t, sent, queued } };
}

function firstChange(steps: Step[]): Step | undefined {
  return steps.find((s) => s.decisions.some((d) => d.kind === 'bitrate'));
}

describe('BitrateAdapter', () => {
  it('holds max-bitrate on a link that carries it', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 20_000, () => 5000);
    expect(steps.every((s) => s.decisions.length === 0)).toBe(true);
    expect(a.targetKbps).toBe(1200);
  });

  it('goes down within 2 s of a 400 kbps cap, to what the cap carries, and stays within [min, max]', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 10_000, () => 400);
    const change = firstChange(steps);
    expect(change).toBeDefined();
    expect(change!.at).toBeLessThanOrEqual(2000);
    const settled = steps.filter((s) => s.at >= 3000).map((s) => s.targetKbps);
    for (const kbps of settled) {
      expect(kbps).toBeGreaterThanOrEqual(BOUNDS.minKbps);
      expect(kbps + BOUNDS.audioKbps).toBeLessThanOrEqual(400);
    }
    // Within 25 % of what the cap leaves for video (400 - 64 = 336 kbps).
    expect(steps[steps.length - 1]!.targetKbps).toBeGreaterThan(336 * 0.75);
  });

  it('under a sustained cap the queue stays bounded (probes above the cap are brief)', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 30_000, () => 400);
    const maxQueueS = Math.max(...steps.filter((s) => s.at > 5000).map((s) => (s.queuedBytes * BITS_PER_BYTE) / 400 / 1000));
    expect(maxQueueS).toBeLessThan(3);
  });

  it('goes back up to max-bitrate within 12 s once the cap lifts', () => {
    const a = new BitrateAdapter(BOUNDS);
    const capped = simulate(a, 10_000, () => 400);
    expect(a.targetKbps).toBeLessThan(400);
    const lifted = simulate(a, 12_000, () => 5000, capped.end);
    expect(lifted.steps[lifted.steps.length - 1]!.targetKbps).toBe(1200);
    expect(lifted.steps.every((s) => s.decisions.every((d) => d.kind !== 'busy'))).toBe(true);
  });

  it('never goes below min-bitrate, and says 1101 (busy) when the link cannot carry it, at most every 5 s', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 12_000, () => 150);
    expect(Math.min(...steps.map((s) => s.targetKbps))).toBe(BOUNDS.minKbps);
    const busy = steps.filter((s) => s.decisions.some((d) => d.kind === 'busy'));
    expect(busy.length).toBeGreaterThanOrEqual(2);
    // The first congestion drops to min-bitrate; the next one, after the hold, confirms it: 1101.
    expect(busy[0]!.at).toBeLessThanOrEqual(4000);
    for (let i = 1; i < busy.length; i++) expect(busy[i]!.at - busy[i - 1]!.at).toBeGreaterThanOrEqual(5000);
  });

  it('a link that does not move at all is congested (no division by a zero rate)', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 8000, (t) => (t <= 1000 ? 5000 : 0));
    expect(a.targetKbps).toBe(BOUNDS.minKbps);
    expect(steps.some((s) => s.decisions.some((d) => d.kind === 'busy'))).toBe(true);
  });

  it('a disconnection is not congestion and restarts the rate window', () => {
    const a = new BitrateAdapter(BOUNDS);
    simulate(a, 2000, () => 5000);
    expect(a.tick({ now: 2500, bytesSent: 1e6, queuedBytes: 0, connected: false })).toEqual([]);
    expect(a.sendRateKbps()).toBeUndefined();
    expect(a.targetKbps).toBe(1200);
  });

  it('new bounds clamp the target; a new max-bitrate starts from it', () => {
    const a = new BitrateAdapter(BOUNDS);
    simulate(a, 6000, () => 400);
    a.setBounds({ ...BOUNDS, minKbps: 350 });
    expect(a.targetKbps).toBe(350);
    a.setBounds({ ...BOUNDS, minKbps: 350, maxKbps: 900 });
    expect(a.targetKbps).toBe(900);
  });

  it('a preset steps to its low resolution in the lower half of its bitrate range', () => {
    const range = { low: { width: 190, height: 320 }, high: { width: 360, height: 640 }, minKbps: 200, maxKbps: 800 };
    expect(resolutionAt(range, 800)).toEqual(range.high);
    expect(resolutionAt(range, 500)).toEqual(range.high);
    expect(resolutionAt(range, 499)).toEqual(range.low);
    expect(resolutionAt(range, 200)).toEqual(range.low);
  });
});
